import { record } from '../helpers/recording.js';
import { plant, specOf } from '../helpers/scenario.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/** S01 and S04 of the field reports, through the real loop, the simulator and real Docker. */

let w: World;
afterEach(async () => {
  await w?.close();
});

test('S01 scale-down never kills a runner that has a job', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const yaml = poolDoc({ name: 's01', min: 0, max: 5, idleTimeout: '2s', poll: '300ms' });
  const spec = specOf(yaml);
  const name = `s01-r1${w.controllerId.slice(2)}`;
  const c1 = await plant(w, spec, name, 'jit', { createdAt: Date.now() - 20 * 60_000 });
  await until('R1 online', async () => (await w.sim.control.state()).runners.some((r) => r.name === name && r.status === 'online'));
  // GitHub's lists lag: the runner list keeps answering busy=false, and the jobs listing fails, after the assignment.
  await w.sim.control.setBusyLag(120_000);
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  await until('first tick with demand known', () => w.pool('s01').lastTick?.snapshot.jobs !== undefined);
  await w.sim.control.setFaults([{ route: 'GET /repos/{owner}/{repo}/actions/runs', status: 503, errorRate: 1 }]);
  const job = await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 4_000 });
  await until('the job is on R1', async () => (await w.sim.control.state()).jobs.find((j) => j.id === job.id)?.runnerName === name);

  // The loop decides to scale R1 down (idle on two snapshots, past the idle timeout): GitHub refuses with 422.
  await until('scale-down attempt answered busy', () => rec.of('delete-registration').some((e) => e.subject === String(c1.registrationId) && e.result === 'busy'), 10_000);
  const done = await until('the job completes', async () => (await w.sim.control.state()).jobs.find((j) => j.id === job.id && j.status === 'completed'), 15_000);
  expect(done.conclusion).toBe('success');
  // The container was never stopped or removed while the job ran.
  const touched = rec.effects.filter((e) => (e.op === 'stop' || e.op === 'remove') && e.subject === c1.id);
  expect(touched.every((e) => e.at >= done.completedAt!)).toBe(true);
  expect(rec.of('delete-registration').filter((e) => e.result === 'deleted')).toEqual([]);

  // Afterwards the ephemeral runner exits and is cleaned up: nothing leaks.
  await w.sim.control.setFaults([]);
  await until('C1 cleaned up', async () => (await w.containers()).length === 0, 15_000);
  expect((await w.sim.control.state()).runners).toEqual([]);
});

test('S04 never reuse a runner name', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const prefix = `s04${w.controllerId.slice(2)}-`;
  const yaml = poolDoc({ name: 's04', min: 1, max: 1, prefix, graces: { orphan: '1h' } });
  const spec = specOf(yaml);
  // ci1 exited a moment ago; GitHub still lists it, offline.
  const lingering = await w.sim.control.seedRegistration({ scope: 'acme/app', name: `${prefix}ci1`, labels: spec.runner.labels, status: 'offline' });
  // The random source keeps proposing the taken suffix first: the controller must step over it.
  const suffixes = ['ci1', 'CI1', 'ci1'];
  let n = 0;
  w.start(yaml, { github: rec.github, runtime: rec.runtime, random: () => suffixes[n++] ?? `fresh${n}` });
  await until('a runner online', async () => (await w.sim.control.state()).runners.some((r) => r.name !== lingering.name && r.status === 'online'));
  const jit = rec.of('jit');
  expect(jit).toHaveLength(1);
  expect(jit[0].subject).not.toBe(lingering.name);
  expect(jit[0].result).toMatch(/^id /); // registered on its first try
  const counters = await w.sim.control.counters();
  expect(counters.byRoute['POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig']).toEqual({ 201: 1 });
  expect((await w.sim.control.state()).runners.map((r) => r.name)).toContain(lingering.name);
});
