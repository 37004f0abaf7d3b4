// On the real Docker engine: fake-runner containers from JIT configs take jobs, finish, and leave the runner list.
import Docker from 'dockerode';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { api, until } from './helpers.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const LABEL = 'shghar.test.sim-fake-runner';
let sim: Simulator;
const created: Docker.Container[] = [];

beforeAll(async () => { sim = await startSimulator({ heartbeatTimeoutMs: 5000 }); });
afterAll(async () => {
  await Promise.all(created.map((c) => c.remove({ force: true }).catch(() => undefined)));
  await sim.close();
});

test('three containers go online, take three jobs, finish and disappear; an unmatched job stays queued', async () => {
  const R = '/repos/acme/app/actions/runners';
  for (let i = 0; i < 3; i++) {
    const jit = await api(sim.url, 'POST', `${R}/generate-jitconfig`, { name: `e2e-${i}`, runner_group_id: 1, labels: ['sim-e2e'] });
    expect(jit.status).toBe(201);
    const c = await docker.createContainer({
      Image: 'shghar-fake-runner:test',
      Env: [`ACTIONS_RUNNER_INPUT_JITCONFIG=${jit.body.encoded_jit_config}`],
      Labels: { [LABEL]: 'true' },
      HostConfig: { NetworkMode: 'host' },
    });
    created.push(c);
    await c.start();
  }
  await until('3 runners online', async () => {
    const list = await api(sim.url, 'GET', R);
    return list.body.runners.filter((r: { status: string }) => r.status === 'online').length === 3;
  }, 20_000);

  const jobs = [];
  for (let i = 0; i < 3; i++) jobs.push(await sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'SIM-E2E'], durationMs: 300 }));
  const stray = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'no-such-label'], durationMs: 300 });

  const exits = await Promise.all(created.map((c) => c.wait()));
  expect(exits.map((e) => e.StatusCode)).toEqual([0, 0, 0]);
  const state = await sim.control.state();
  for (const j of jobs) expect(state.jobs.find((s) => s.id === j.id)).toMatchObject({ status: 'completed', conclusion: 'success' });
  expect(new Set(state.jobs.filter((j) => j.status === 'completed').map((j) => j.runnerName))).toEqual(new Set(['e2e-0', 'e2e-1', 'e2e-2']));
  expect((await api(sim.url, 'GET', R)).body.total_count).toBe(0);
  expect(state.jobs.find((s) => s.id === stray.id)).toMatchObject({ status: 'queued', runnerId: null });
}, 60_000);

test('SIGTERM while idle deregisters and exits 0; the crash option exits 1', async () => {
  const R = '/repos/acme/app/actions/runners';
  const start = async (name: string, env: string[] = []) => {
    const jit = await api(sim.url, 'POST', `${R}/generate-jitconfig`, { name, runner_group_id: 1, labels: ['idle'] });
    const c = await docker.createContainer({ Image: 'shghar-fake-runner:test', Env: [`ACTIONS_RUNNER_INPUT_JITCONFIG=${jit.body.encoded_jit_config}`, ...env], Labels: { [LABEL]: 'true' }, HostConfig: { NetworkMode: 'host' } });
    created.push(c);
    await c.start();
    return c;
  };
  const idle = await start('idle-0');
  const crash = await start('crash-0', ['FAKE_RUNNER_CRASH_AFTER_S=0.5']);
  await until('idle online', async () => (await api(sim.url, 'GET', `${R}?name=idle-0`)).body.runners[0]?.status === 'online', 20_000);
  await idle.kill({ signal: 'SIGTERM' });
  expect((await idle.wait()).StatusCode).toBe(0);
  expect((await api(sim.url, 'GET', `${R}?name=idle-0`)).body.total_count).toBe(0);
  expect((await crash.wait()).StatusCode).toBe(1);
  expect((await api(sim.url, 'GET', `${R}?name=crash-0`)).body.total_count).toBe(1);
}, 60_000);
