import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { Label } from '../../pkg/docker/port.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { poolDoc, until } from '../helpers/world.js';

/**
 * `shghar run`, the built binary, against the simulator and the real Docker engine: the end-to-end story.
 */
const BIN = new URL('../../bin/shghar.js', import.meta.url).pathname;
const runtime = createRuntimePort();
const CONTROLLER = `e2e-${process.pid}`;

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe('shghar run end to end', () => {
  let sim: Simulator;
  let dir: string;
  let specFile: string;
  let port: number;
  let proc: ChildProcess | undefined;
  let output = '';
  let maxContainers = 0;
  let sampler: NodeJS.Timeout;

  const containers = () => runtime.list({ [Label.ControllerId]: CONTROLLER });
  const runners = async () => (await sim.control.state()).runners;
  const online = async () => (await runners()).filter((r) => r.status === 'online').length;
  const spec = (min: number, extra = '') =>
    poolDoc({ name: 'e2e', repo: 'acme/app', min, max: 6, prefix: 'e2e-', idleTimeout: '2s', poll: '500ms', graces: { registration: '20s', orphan: '20s', start: '10s' } }) + extra;

  const start = () => {
    proc = spawn(
      process.execPath,
      [BIN, 'run', '-f', specFile, '--github-url', sim.url, '--github-token', 'env:TOK', '--webhook-secret', 'env:WHS', '--listen', `127.0.0.1:${port}`, '--controller-id', CONTROLLER, '--json'],
      { env: { PATH: process.env.PATH ?? '', TOK: 'sim-token', WHS: 'e2e-webhook-secret' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
  };
  const stop = async (signal: NodeJS.Signals) => {
    const p = proc!;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
    proc = undefined;
  };

  beforeAll(async () => {
    port = await freePort();
    sim = await startSimulator({ heartbeatTimeoutMs: 3000, webhooks: [{ url: `http://127.0.0.1:${port}/webhooks/github`, secret: 'e2e-webhook-secret' }] });
    dir = mkdtempSync(join(tmpdir(), 'shghar-e2e-'));
    specFile = join(dir, 'pool.yaml');
    writeFileSync(specFile, spec(2));
    sampler = setInterval(async () => {
      const n = (await containers().catch(() => [])).filter((c) => c.state === 'running').length;
      maxContainers = Math.max(maxContainers, n);
    }, 100);
  });
  afterAll(async () => {
    clearInterval(sampler);
    if (proc) await stop('SIGTERM');
    for (const c of await containers()) await runtime.remove(c.id);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('min 2 gives 2 online runners', async () => {
    start();
    await until('2 online runners', async () => (await online()) === 2, 30_000);
    const health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json());
    expect(health).toEqual(expect.objectContaining({ status: 'healthy', orchestrator_running: true }));
  });

  test('8 queued jobs are all served, never above max', async () => {
    for (let i = 0; i < 8; i++) await sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'linux'], durationMs: 1500 });
    await until('8 jobs completed', async () => (await sim.control.state()).jobs.filter((j) => j.status === 'completed').length === 8, 60_000);
    expect(maxContainers).toBeLessThanOrEqual(6);
    // Served through the webhook path: the deliveries were accepted (200), none rejected.
    expect(output).toContain('"event":"webhook"');
    expect(output).not.toContain('webhook-rejected');
  });

  test('editing the spec to min 4 converges without a restart', async () => {
    writeFileSync(specFile, spec(4));
    await until('4 online runners', async () => (await online()) === 4, 30_000);
  });

  test('an invalid edit is rejected with its field and the pool stays at 4', async () => {
    writeFileSync(specFile, spec(4).replace('max: 6', 'max: many'));
    await until('the rejection logged', () => output.includes('spec-rejected'), 10_000);
    expect(output).toMatch(/spec\.scaling\.max/);
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      expect((await containers()).filter((c) => c.state === 'running').length).toBe(4);
      await new Promise((r) => setTimeout(r, 250));
    }
    writeFileSync(specFile, spec(4));
  });

  test('SIGKILL and restart: no duplicate, no leaked container or registration', async () => {
    await until('4 online before the kill', async () => (await online()) === 4, 30_000);
    const before = new Set((await containers()).map((c) => c.id));
    await stop('SIGKILL');
    start();
    await until('the restarted controller reconciled', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return r?.status === 200;
    }, 30_000);
    // Sample for a while: the adopted containers are the same ones, and nothing is created on top.
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline) {
      const now = await containers();
      expect(now.filter((c) => c.state === 'running').length).toBe(4);
      expect(now.every((c) => before.has(c.id))).toBe(true);
      await new Promise((r) => setTimeout(r, 250));
    }
    const regs = await runners();
    expect(regs.filter((r) => r.name.startsWith('e2e-'))).toHaveLength(4);
  });

  test('after the idle timeout the pool returns to its minimum, oldest idle first', async () => {
    // All four have been idle since the restart, so the order is the container's age, then its name.
    const byAge = (await containers()).sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name)).map((c) => c.name);
    writeFileSync(specFile, spec(2));
    await until('2 online runners', async () => (await online()) === 2 && (await containers()).length === 2, 30_000);
    const left = (await containers()).map((c) => c.name).sort();
    expect(left).toEqual(byAge.slice(2).sort());
    expect((await runners()).every((r) => r.status === 'online')).toBe(true);
  });

  test('SIGTERM stops the controller without killing runners', async () => {
    await stop('SIGTERM');
    expect((await containers()).filter((c) => c.state === 'running')).toHaveLength(2);
  });
});
