import { record } from '../helpers/recording.js';
import { always, liveContainers, plant, sampler, specOf, vanish } from '../helpers/scenario.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/** S10, S11 and S12: restarts, lost hosts and Docker errors lose no runner and no demand. */

let w: World;
afterEach(async () => {
  await w?.close();
});

const jobOn = async (w: World, id: number) => (await w.sim.control.state()).jobs.find((j) => j.id === id);

test('S10 a restart loses nothing', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const prefix = `s10${w.controllerId.slice(2)}-`;
  const yaml = poolDoc({ name: 's10', min: 2, max: 5, prefix, graces: { registration: '6s' } });
  const spec = specOf(yaml);
  // The world the killed process left: C1 busy, C2 idle, C3 young and unregistered, C4 exited with R4 offline.
  const c1 = await plant(w, spec, `${prefix}c1`, 'jit');
  await until('R1 online', async () => (await w.sim.control.state()).runners.some((r) => r.id === c1.registrationId && r.status === 'online'));
  const job = await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 30_000 });
  await until('R1 busy', async () => (await jobOn(w, job.id))?.runnerId === c1.registrationId);
  const c2 = await plant(w, spec, `${prefix}c2`, 'jit');
  await until('R2 online', async () => (await w.sim.control.state()).runners.some((r) => r.id === c2.registrationId && r.status === 'online'));
  const c3CreatedAt = Date.now() - 5_000;
  const c3 = await plant(w, spec, `${prefix}c3`, 'no-registration', { createdAt: c3CreatedAt });
  const r4 = await w.sim.control.seedRegistration({ scope: 'acme/app', name: `${prefix}c4`, labels: spec.runner.labels, status: 'offline' });
  const c4 = await plant(w, spec, r4.name, 'exit-1', { registrationId: r4.id });

  // Restart: a new process with empty memory.
  const t0 = Date.now();
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  await until('C4 and R4 finished off', async () =>
    !(await w.containers()).some((c) => c.id === c4.id) && !(await w.sim.control.state()).runners.some((r) => r.id === r4.id), 10_000);
  // C3's grace counts from its created-at label, not from the restart.
  const c3Removed = await until('C3 removed', () => rec.of('remove').find((e) => e.subject === c3.id), 10_000);
  expect(c3Removed.began).toBeGreaterThanOrEqual(c3CreatedAt + 6_000);
  expect(c3Removed.began - t0).toBeLessThan(4_000);
  await always('no duplicate created', () => rec.of('jit').length === 0, 1_500);
  // C1 (busy) and C2 (idle, at the minimum) are adopted and left alone.
  const touched = rec.effects.filter((e) => [c1.id, c2.id, String(c1.registrationId), String(c2.registrationId)].includes(e.subject));
  expect(touched).toEqual([]);
  expect((await jobOn(w, job.id))?.status).toBe('in_progress');
  const g = w.pool('s10').lastTick!.plan.groups;
  expect(g.busy.map((r) => r.name)).toEqual([`${prefix}c1`]);
  expect(g.idle.map((r) => r.name)).toEqual([`${prefix}c2`]);
});

test('S11 a runner lost with its host is replaced, never resurrected', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const prefix = `s11${w.controllerId.slice(2)}-`;
  const yaml = poolDoc({ name: 's11', min: 1, max: 3, prefix, graces: { orphan: '1s' } });
  const spec = specOf(yaml);
  const r1 = `${prefix}c1`;
  const c1 = await plant(w, spec, r1, 'jit');
  await until('R1 online', async () => (await w.sim.control.state()).runners.some((r) => r.id === c1.registrationId && r.status === 'online'));
  const job = await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 60_000 });
  await until('R1 busy with J1', async () => (await jobOn(w, job.id))?.runnerId === c1.registrationId);
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  await until('C1 adopted as busy', () => w.pool('s11').lastTick?.plan.groups.busy.some((r) => r.name === r1));

  await vanish(c1.id); // the host reboots
  // GitHub refuses the delete while R1 still runs J1, then accepts once R1 is offline: retried until then.
  await until('R1 deleted', () => rec.of('delete-registration').some((e) => e.subject === String(c1.registrationId) && e.result === 'deleted'), 15_000);
  const attempts = rec.of('delete-registration').filter((e) => e.subject === String(c1.registrationId)).map((e) => e.result);
  expect(attempts[0]).toBe('busy');
  expect(attempts.at(-1)).toBe('deleted');
  // The minimum is kept with a fresh runner: every container created had fresh credentials of its own name.
  await until('a replacement online', async () => (await w.sim.control.state()).runners.some((r) => r.name !== r1 && r.status === 'online'), 10_000);
  expect(rec.of('create').map((e) => e.subject)).not.toContain(r1);
  expect(rec.of('jit').map((e) => e.subject)).not.toContain(r1);
  for (const c of rec.of('create')) expect(rec.of('jit').some((j) => j.subject === c.subject && j.at <= c.began)).toBe(true);
  expect(rec.of('start').filter((e) => e.subject === c1.id)).toEqual([]);
});

test('S12 demand is never dropped', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const live = sampler(() => liveContainers(w));
  w.start(poolDoc({ name: 's12', min: 0, max: 2 }), { github: rec.github, runtime: rec.runtime });
  const labels = ['self-hosted'];
  const j1 = await w.sim.control.enqueueJob({ repository: 'acme/app', labels, durationMs: 5_000 });
  const j2 = await w.sim.control.enqueueJob({ repository: 'acme/app', labels, durationMs: 5_000 });
  await until('R1 and R2 busy', async () => (await jobOn(w, j1.id))?.runnerName && (await jobOn(w, j2.id))?.runnerName, 15_000);
  const j3 = await w.sim.control.enqueueJob({ repository: 'acme/app', labels, durationMs: 1_000 });
  const j4 = await w.sim.control.enqueueJob({ repository: 'acme/app', labels, durationMs: 1_000 });
  rec.failNext('create', 2); // the Docker API answers 503 twice
  await always('at max: no create', () => rec.of('jit').length === 2, 1_000);
  await w.sim.control.cancelJob(j4.id);
  const freed = await until('R1 and R2 finish', async () => {
    const [a, b] = [await jobOn(w, j1.id), await jobOn(w, j2.id)];
    return a?.status === 'completed' && b?.status === 'completed' && Math.max(a.completedAt!, b.completedAt!);
  }, 15_000);
  const served = await until('J3 gets a runner', async () => (await jobOn(w, j3.id))?.startedAt, 15_000).catch((e) => { console.log(w.logs().split('\n').filter((l) => /decision|failed|removed|created/.test(l)).slice(-12).join('\n'), JSON.stringify(rec.effects.slice(-10))); throw e; });
  expect(served - freed).toBeLessThan(5_000);
  // The 503s were retried with back-off inside the same creation: one runner for J3, none for the cancelled J4.
  expect(rec.of('create').filter((e) => e.result.includes('503'))).toHaveLength(2);
  await until('J3 done', async () => (await jobOn(w, j3.id))?.status === 'completed', 10_000);
  expect(rec.of('jit')).toHaveLength(3);
  const j4Final = await jobOn(w, j4.id);
  expect([j4Final?.conclusion, j4Final?.runnerName]).toEqual(['cancelled', null]);
  await always('nothing for J4', () => rec.of('jit').length === 3, 1_000);
  expect(await live.stop()).toBeLessThanOrEqual(2);
});
