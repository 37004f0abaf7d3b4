import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { Label } from '../../pkg/docker/port.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { poolDoc, until } from '../helpers/world.js';

/**
 * The built controller is SIGKILLed in the middle of a burst of creations, right after GitHub handed out the first
 * JIT configs (some registrations have no container yet, some containers are created but not started), then
 * restarted. After the orphan grace: exactly `max` runners, each registration with a container, never more than
 * `max` containers at any moment, nothing offline left behind.
 */
const BIN = new URL('../../bin/shghar.js', import.meta.url).pathname;
const runtime = createRuntimePort();
const CONTROLLER = `adv-kill-${process.pid}`;
const MAX = 5;

let sim: Simulator;
let dir: string;
let proc: ChildProcess | undefined;
let output = '';

const start = (specFile: string) => {
  proc = spawn(
    process.execPath,
    [BIN, 'run', '-f', specFile, '--github-url', sim.url, '--github-token', 'env:TOK', '--listen', '127.0.0.1:0', '--controller-id', CONTROLLER, '--json'],
    { env: { PATH: process.env.PATH ?? '', TOK: 'sim-token' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
};
const kill = async (signal: NodeJS.Signals) => {
  const p = proc;
  if (!p || p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(signal);
  await exited;
  proc = undefined;
};
const containers = () => runtime.list({ [Label.ControllerId]: CONTROLLER });

beforeAll(async () => {
  sim = await startSimulator({ heartbeatTimeoutMs: 2_000 });
  dir = mkdtempSync(join(tmpdir(), 'shghar-adv-kill-'));
});
afterAll(async () => {
  await kill('SIGTERM');
  for (const c of await containers()) await runtime.remove(c.id).catch(() => undefined);
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL between JIT config and container start, then restart: no leak, no duplicate, never above max', async () => {
  const specFile = join(dir, 'pool.yaml');
  writeFileSync(specFile, poolDoc({ name: 'kb', min: MAX, max: MAX, prefix: 'kb-', poll: '200ms', graces: { registration: '15s', orphan: '2s', start: '3s' } }));
  let peak = 0;
  const sampler = setInterval(() => {
    containers().then((cs) => (peak = Math.max(peak, cs.filter((c) => c.state !== 'exited' && c.state !== 'dead').length)), () => undefined);
  }, 100);
  try {
    start(specFile);
    await until('the first JIT registrations exist', async () => (await sim.control.state()).runners.length >= 1, 20_000, 20);
    await kill('SIGKILL');
    const atKill = { registrations: (await sim.control.state()).runners.length, containers: (await containers()).length };
    // The kill landed mid-burst: credentials were handed out for runners whose containers were not all there yet.
    expect(atKill.containers).toBeLessThan(MAX);

    start(specFile);
    await until('max runners online, each registration with a container, nothing else', async () => {
      const regs = (await sim.control.state()).runners;
      const cs = await containers();
      const names = new Set(cs.map((c) => c.labels[Label.RunnerName]));
      return (
        regs.length === MAX &&
        regs.every((r) => r.status === 'online' && names.has(r.name)) &&
        cs.length === MAX &&
        cs.every((c) => c.state === 'running')
      );
    }, 45_000, 200).catch((e) => {
      throw new Error(`${(e as Error).message}; at kill ${JSON.stringify(atKill)}; log tail: ${output.slice(-2000)}`);
    });
    expect(peak).toBeLessThanOrEqual(MAX);
  } finally {
    clearInterval(sampler);
  }
}, 70_000);
