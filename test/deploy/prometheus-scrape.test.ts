import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { createMetrics } from '../../pkg/metrics/index.js';
import { DEPLOY, freePort, waitFor } from './helpers.js';

/**
 * A real Prometheus scrapes a real exposition from createMetrics, and every expression in the dashboard and the
 * alert rules is evaluated by it: names that do not exist or PromQL that does not parse fail here, not in production.
 */
interface QueryResult {
  status: string;
  error?: string;
  data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

describe('a real Prometheus scrapes the metrics', () => {
  let server: Server;
  let prom: ChildProcess;
  let promPort: number;
  let dir: string;
  let promLog = '';

  beforeAll(async () => {
    const metrics = createMetrics();
    metrics.observeTick('ci', { desired: 3, groups: { idle: 1, busy: 2 }, queued: 1, breakerOpen: false, durationMs: 80, outcome: 'success', min: 1, max: 5 });
    metrics.actionDone('ci', 'create', 'success', 3);
    metrics.jobPickup('ci', 4);
    metrics.rateLimit(4000, Date.now() + 3_600_000, 5000);
    metrics.githubRequest('GET /repos/{owner}/{repo}/actions/runners', 200);
    metrics.unmatchedJobs(1);
    // Labelled series exist only once observed: touch every one so the dashboard check below sees them all.
    metrics.githubRequest('GET /repos/{owner}/{repo}/actions/runs', 304, true);
    metrics.runnerDestroyed('ci', 'idle-timeout');
    metrics.dockerOperation('create', 'failure');
    metrics.jobRunTime('ci', 120);
    server = createServer((req, res) => {
      void metrics.text().then((body) => {
        res.writeHead(200, { 'Content-Type': metrics.contentType });
        res.end(body);
      });
    });
    const target = await freePort();
    await new Promise<void>((r) => server.listen(target, '127.0.0.1', r));

    dir = mkdtempSync(join(tmpdir(), 'shghar-prom-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: shghar\n    static_configs: [{ targets: ["127.0.0.1:${target}"] }]\n`,
    );
    promPort = await freePort();
    prom = spawn('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    prom.stderr?.on('data', (c) => (promLog += String(c)));
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom.once('exit', r));
      prom.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = async (q: string): Promise<QueryResult> => {
    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
    return (await res.json()) as QueryResult;
  };

  it('answers a PromQL query for the pool\'s runner count', async () => {
    const value = await waitFor(
      `a scraped runners_total (prometheus log: ${promLog.slice(-500)})`,
      async () => {
        const r = await query('sum by (pool) (runners_total{pool="ci"})');
        return r.data?.result[0]?.value[1];
      },
      20_000,
    );
    expect(value).toBe('3');
    expect((await query('up{job="shghar"}')).data?.result[0].value[1]).toBe('1');
    expect((await query('shghar_runners_desired{pool="ci"}')).data?.result[0].value[1]).toBe('3');
  });

  it('evaluates every dashboard and alert expression without error', async () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana', 'dashboards', 'shghar.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const rules = load(readFileSync(join(DEPLOY, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const exprs = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ from: p.title, expr: t.expr }))),
      ...rules.groups.flatMap((g) => g.rules.map((r) => ({ from: r.alert, expr: r.expr }))),
    ].map(({ from, expr }) => ({ from, expr: expr.replace(/\$pool/g, '.*').replace(/\$__rate_interval/g, '1m') }));
    expect(exprs.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const { from, expr } of exprs) {
      const r = await query(expr);
      if (r.status !== 'success') failures.push(`${from}: ${r.error}`);
    }
    expect(failures).toEqual([]);
  });

  it('has every metric the dashboard names in the scrape', async () => {
    // Every metric name the dashboard uses must exist in the exposition (a renamed metric leaves a blank panel).
    const text = readFileSync(join(DEPLOY, 'grafana', 'dashboards', 'shghar.json'), 'utf8');
    const names = [...new Set([...text.matchAll(/\b((?:shghar_|runners_|queue_|circuit_)[a-z_]+?)(?:_bucket)?\b[{)\[ ]/g)].map((m) => m[1]))];
    expect(names.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const name of names) {
      const r = await query(`count({__name__=~"${name}(_bucket|_count|_sum)?"})`);
      if (!r.data?.result.length) missing.push(name);
    }
    expect(missing).toEqual([]);
  });
});
