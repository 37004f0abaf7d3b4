import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { FakeRunner } from '../../pkg/sim/fake-runner.js';
import { api, until } from './helpers.js';

const R = '/repos/acme/app/actions/runners';
let sim: Simulator;
beforeEach(async () => { sim = await startSimulator({ heartbeatTimeoutMs: 300 }); });
afterEach(async () => { await sim.close(); });

async function jitRunner(name: string, labels: string[], scope = '/repos/acme/app') {
  const res = await api(sim.url, 'POST', `${scope}/actions/runners/generate-jitconfig`, { name, runner_group_id: 1, labels });
  expect(res.status).toBe(201);
  const runner = new FakeRunner({ jitConfig: res.body.encoded_jit_config, pollWaitMs: 100 });
  await runner.start();
  return runner;
}

test('a JIT runner goes online, takes the matching job case-insensitively, and its registration is removed after', async () => {
  const runner = await jitRunner('r1', ['GPU']);
  const listed = await api(sim.url, 'GET', R);
  expect(listed.body.runners).toEqual([expect.objectContaining({ name: 'r1', status: 'online', busy: false, ephemeral: true })]);
  expect(listed.body.runners[0].labels.map((l: { name: string }) => l.name)).toEqual(['self-hosted', 'Linux', 'X64', 'GPU']);
  const job = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'gpu'], durationMs: 150 });
  const running = await until('job running', async () => {
    const j = await api(sim.url, 'GET', `/repos/acme/app/actions/jobs/${job.id}`);
    return j.body.status === 'in_progress' && j.body;
  });
  expect(running.runner_name).toBe('r1');
  const busy = await api(sim.url, 'GET', `${R}/${runner.runnerId}`);
  expect(busy.body.busy).toBe(true);
  const del = await api(sim.url, 'DELETE', `${R}/${runner.runnerId}`);
  expect(del.status).toBe(422);
  expect(del.body.message).toMatch(/still running a job/);
  expect(await runner.done).toBe(0);
  const after = await api(sim.url, 'GET', `/repos/acme/app/actions/jobs/${job.id}`);
  expect(after.body).toMatchObject({ status: 'completed', conclusion: 'success' });
  expect((await api(sim.url, 'GET', R)).body.total_count).toBe(0);
});

test('a job whose labels no runner has stays queued; a runner of another repository does not take it', async () => {
  const other = await jitRunner('other', ['gpu'], '/repos/acme/other');
  await jitRunner('r1', ['linux']);
  const job = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'gpu'], durationMs: 10 });
  await new Promise((r) => setTimeout(r, 200));
  const runs = await api(sim.url, 'GET', '/repos/acme/app/actions/runs?status=queued');
  expect(runs.body.total_count).toBe(1);
  const jobs = await api(sim.url, 'GET', `/repos/acme/app/actions/runs/${job.runId}/jobs`);
  expect(jobs.body.jobs[0]).toMatchObject({ id: job.id, status: 'queued', runner_id: null, runner_name: null });
  await other.stop();
});

test('an org runner serves the org repositories', async () => {
  const runner = await jitRunner('org-r', ['big'], '/orgs/acme');
  const job = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['big'], durationMs: 10 });
  expect(await runner.done).toBe(0);
  expect((await api(sim.url, 'GET', `/repos/acme/app/actions/jobs/${job.id}`)).body.runner_name).toBe('org-r');
});

test('JIT config errors: 409 for a taken name, 422 for bad labels; a JIT config is single-use', async () => {
  const first = await api(sim.url, 'POST', `${R}/generate-jitconfig`, { name: 'dup', runner_group_id: 1, labels: ['a'] });
  expect((await api(sim.url, 'POST', `${R}/generate-jitconfig`, { name: 'dup', runner_group_id: 1, labels: ['a'] })).status).toBe(409);
  expect((await api(sim.url, 'POST', `${R}/generate-jitconfig`, { name: 'x', runner_group_id: 1, labels: [] })).status).toBe(422);
  const a = new FakeRunner({ jitConfig: first.body.encoded_jit_config });
  await a.start();
  await expect(new FakeRunner({ jitConfig: first.body.encoded_jit_config }).start()).rejects.toThrow(/401/);
  await a.stop();
  expect(await a.done).toBe(0);
  expect((await api(sim.url, 'GET', R)).body.total_count).toBe(0);
});

test('a crashed runner goes offline after missed heartbeats and its registration stays', async () => {
  const runner = new FakeRunner({ jitConfig: (await api(sim.url, 'POST', `${R}/generate-jitconfig`, { name: 'c', runner_group_id: 1, labels: ['a'] })).body.encoded_jit_config, crashAfterMs: 50, pollWaitMs: 50 });
  await runner.start();
  expect(await runner.done).toBe(1);
  await until('offline', async () => (await api(sim.url, 'GET', R)).body.runners[0]?.status === 'offline');
});

test('registration tokens: one hour ahead, refused once expired', async () => {
  const tok = await api(sim.url, 'POST', `${R}/registration-token`);
  expect(tok.status).toBe(201);
  const ahead = Date.parse(tok.body.expires_at) - Date.now();
  expect(ahead).toBeGreaterThan(3_590_000);
  const r = new FakeRunner({ url: `${sim.url}/acme/app`, token: tok.body.token, name: 'tok-r', labels: ['x'], pollWaitMs: 50 });
  await r.start();
  expect((await api(sim.url, 'GET', `${R}?name=tok-r`)).body.runners[0].status).toBe('online');
  await r.stop();
  const short = await startSimulator({ registrationTokenTtlMs: 20 });
  try {
    const t2 = await api(short.url, 'POST', `${R}/registration-token`);
    await new Promise((res) => setTimeout(res, 40));
    await expect(new FakeRunner({ url: `${short.url}/acme/app`, token: t2.body.token, name: 'late' }).start()).rejects.toThrow(/401/);
  } finally { await short.close(); }
});

test('busy lag: REST says busy=false for a while after assignment; seeded registrations keep their state', async () => {
  await sim.control.setBusyLag(300);
  const seeded = await sim.control.seedRegistration({ scope: 'acme/app', name: 'foreign', labels: ['x'], status: 'online', busy: true });
  const runner = await jitRunner('lag', ['a']);
  await sim.control.enqueueJob({ repository: 'acme/app', labels: ['a'], durationMs: 1000 });
  await until('assigned', async () => (await sim.control.state()).runners.find((r) => r.name === 'lag')?.jobId);
  expect((await api(sim.url, 'GET', `${R}/${runner.runnerId}`)).body.busy).toBe(false);
  await until('busy visible', async () => (await api(sim.url, 'GET', `${R}/${runner.runnerId}`)).body.busy);
  expect((await api(sim.url, 'DELETE', `${R}/${seeded.id}`)).status).toBe(422);
  expect((await api(sim.url, 'DELETE', `${R}/999999`)).status).toBe(404);
});

test('trace replay enqueues jobs (CSV and JSON lines)', async () => {
  await sim.control.replayTrace('offset,labels,duration,repository\n0,a;b,10,acme/app\n20,c,10,acme/app\n', { speed: 2 });
  await sim.control.replayTrace('{"offsetMs":0,"labels":["z"],"durationMs":5,"repository":"acme/lib"}\n');
  const s = await until('3 jobs', async () => { const st = await sim.control.state(); return st.jobs.length === 3 && st; });
  expect(s.jobs.map((j) => j.labels)).toEqual(expect.arrayContaining([['a', 'b'], ['c'], ['z']]));
});
