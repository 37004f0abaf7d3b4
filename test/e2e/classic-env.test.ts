import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { Label } from '../../pkg/docker/port.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { FAKE_RUNNER_IMAGE, until } from '../helpers/world.js';

/** The older tool's `.env` keeps working: `shghar run` with no -f reads ORCHESTRATOR_* from a .env file. */
const BIN = new URL('../../bin/shghar.js', import.meta.url).pathname;
const CONTROLLER = `classic-${process.pid}`;

test('a classic .env describes one threshold pool that converges and reports the classic status', async () => {
  const sim = await startSimulator({ tokens: ['classic-token'], heartbeatTimeoutMs: 3000 });
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'shghar-classic-'));
  writeFileSync(
    join(dir, '.env'),
    [
      '# from the older tool',
      'ORCHESTRATOR_GITHUB_TOKEN=classic-token',
      'ORCHESTRATOR_GITHUB_REPO=acme/legacy',
      `ORCHESTRATOR_GITHUB_API_URL=${sim.url}`,
      'ORCHESTRATOR_MIN_RUNNERS=1',
      'ORCHESTRATOR_MAX_RUNNERS=3',
      `ORCHESTRATOR_RUNNER_IMAGE=${FAKE_RUNNER_IMAGE}`,
      'ORCHESTRATOR_RUNNER_LABELS=self-hosted,linux',
      'ORCHESTRATOR_RUNNER_NETWORK=host',
      'ORCHESTRATOR_RUNNER_NAME_PREFIX=legacy-',
      'ORCHESTRATOR_POLL_INTERVAL=1',
      `ORCHESTRATOR_CONTROLLER_ID=${CONTROLLER}`,
      'ORCHESTRATOR_STRUCTURED_LOGGING=true',
      '',
    ].join('\n'),
  );
  let proc: ChildProcess | undefined;
  try {
    proc = spawn(process.execPath, [BIN, 'run', '--listen', `127.0.0.1:${port}`], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
    await until('1 online runner', async () => (await sim.control.state()).runners.filter((r) => r.status === 'online' && r.name.startsWith('legacy-')).length === 1, 30_000);
    const status = await until('the controller sees it online', async () => {
      const s = await (await fetch(`http://127.0.0.1:${port}/api/v1/status`)).json();
      return s.runners.active === 1 && s;
    }, 10_000);
    expect(status).toEqual(
      expect.objectContaining({
        runners: expect.objectContaining({ active: 1, docker_containers: 1, registered_running: 1, unregistered_running: 0 }),
        scaling: expect.objectContaining({ min_runners: 1, max_runners: 3, scale_up_threshold: 2, scale_down_threshold: 0 }),
        settings: { poll_interval: 1, idle_timeout: 300, runner_image: FAKE_RUNNER_IMAGE },
      }),
    );
    const pool = await (await fetch(`http://127.0.0.1:${port}/api/v1/pools/default`)).json();
    expect(pool.policy ?? pool.pool?.policy).toBe('threshold');
  } finally {
    if (proc) {
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    const rt = createRuntimePort();
    for (const c of await rt.list({ [Label.ControllerId]: CONTROLLER })) await rt.remove(c.id);
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
