import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOY, runSync } from './helpers.js';

describe('Prometheus files pass promtool', () => {
  it('promtool check rules deploy/alerts.yml', () => {
    const r = runSync('promtool', ['check', 'rules', join(DEPLOY, 'alerts.yml')]);
    expect(r).toEqual({ status: 0, out: expect.stringContaining('SUCCESS: 6 rules found') });
  });

  it('promtool test rules deploy/alerts.test.yml (breaker, below minimum, budget, unmatched, failing, down)', () => {
    const r = runSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: DEPLOY });
    expect(r).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('the rule test can fail: expecting no breaker alert at 4m is rejected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shghar-rules-'));
    copyFileSync(join(DEPLOY, 'alerts.yml'), join(dir, 'alerts.yml'));
    const test = readFileSync(join(DEPLOY, 'alerts.test.yml'), 'utf8');
    const breakerFiring = /(- eval_time: 4m\n\s+alertname: ShgharCircuitBreakerOpen\n\s+exp_alerts:)\n(?:\s+- exp_labels:[\s\S]*?)(?=\n\n)/;
    expect(test).toMatch(breakerFiring);
    writeFileSync(join(dir, 'alerts.test.yml'), test.replace(breakerFiring, '$1 []'));
    const r = runSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: dir });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('alertname: ShgharCircuitBreakerOpen');
  });

  it('promtool check config deploy/prometheus.yml', () => {
    const r = runSync('promtool', ['check', 'config', join(DEPLOY, 'prometheus.yml')]);
    expect(r).toEqual({ status: 0, out: expect.stringContaining('is valid prometheus config file syntax') });
  });
});
