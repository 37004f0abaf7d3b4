import { conditionsOf } from '../../controllers/status.js';
import { record } from '../helpers/recording.js';
import { always, liveContainers, plant, sampler, specOf } from '../helpers/scenario.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/** S02, S03 and S05: dead things (crashing containers, orphan registrations, expired credentials) are never capacity. */

let w: World;
afterEach(async () => {
  await w?.close();
});

test('S02 a crash-looping image must not leak registrations', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const yaml = poolDoc({
    name: 's02',
    min: 2,
    max: 4,
    env: { FAKE_RUNNER_CRASH_AFTER_S: '1' },
    guards: { breakerThreshold: 5, breakerBackoff: '1h' },
  });
  const live = sampler(() => liveContainers(w));
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  const pool = w.pool('s02');
  await until('breaker open', () => pool.lastTick?.guarded.breaker === 'open', 40_000);

  // The breaker says why, in status and in a metric; and no more creates happen.
  const cond = conditionsOf(pool, Date.now()).find((c) => c.type === 'BreakerOpen');
  expect(cond).toMatchObject({ status: 'True', reason: 'ConsecutiveFailures' });
  expect(conditionsOf(pool, Date.now()).find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'BreakerOpen' });
  expect(await w.metrics.text()).toMatch(/circuit_breaker_active\{pool="s02"\} 1/);
  await until('in-flight work settled', () => pool.lastTick?.snapshot.inFlight.creating === 0);
  const jits = rec.of('jit').length;
  await always('no create while the breaker is open', () => rec.of('jit').length === jits, 2_000);
  expect(jits).toBeGreaterThanOrEqual(5);

  // Every registration is deleted by id, and each replacement's credentials were only asked for after a dead
  // runner's registration was gone: the k-th replacement follows at least k deletions.
  await until('no container and no registration left', async () =>
    (await w.containers()).length === 0 && (await w.sim.control.state()).runners.length === 0, 20_000);
  const created = rec.of('jit').filter((e) => e.result.startsWith('id '));
  for (const c of created) {
    const id = c.result.slice(3);
    expect(rec.of('delete-registration').some((d) => d.subject === id && (d.result === 'deleted' || d.result === 'not-found'))).toBe(true);
  }
  const deletions = rec.of('delete-registration').filter((d) => d.result === 'deleted');
  created.slice(2).forEach((j, k) => {
    const before = deletions.filter((d) => d.at <= j.began).length;
    expect({ replacement: k + 1, deletionsBefore: before }).toEqual({ replacement: k + 1, deletionsBefore: Math.max(before, k + 1) });
  });
  expect(await live.stop()).toBeLessThanOrEqual(4);
});

test('S03 offline registrations with nothing behind them are cleaned up', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const prefix = `s03${w.controllerId.slice(2)}-`;
  const yaml = poolDoc({ name: 's03', min: 2, max: 5, prefix, graces: { orphan: '2s', registration: '3s' } });
  const spec = specOf(yaml);
  const twoHoursAgo = Date.now() - 2 * 3600_000;
  const orphans = await Promise.all(
    [1, 2, 3].map((i) =>
      w.sim.control.seedRegistration({ scope: 'acme/app', name: `${prefix}old${i}`, labels: spec.runner.labels, status: 'offline', createdAt: twoHoursAgo }),
    ),
  );
  const foreign = await w.sim.control.seedRegistration({ scope: 'acme/app', name: `other${w.controllerId.slice(2)}`, labels: spec.runner.labels, status: 'offline', createdAt: twoHoursAgo });
  const r4 = await plant(w, spec, `${prefix}r4`, 'jit');
  await until('R4 online', async () => (await w.sim.control.state()).runners.some((r) => r.id === r4.registrationId && r.status === 'online'));
  // Taken before planting: the controller counts the grace from the container's created-at label, set in plant().
  const ghostCreated = Date.now();
  const ghost = await plant(w, spec, `${prefix}ghost`, 'no-registration');

  const t0 = Date.now();
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  await until('R1-R3 deleted', async () => {
    const names = new Set((await w.sim.control.state()).runners.map((r) => r.name));
    return orphans.every((o) => !names.has(o.name));
  }, 10_000);
  // The recorder notes a call when its answer is back, which may be just after the simulator changed.
  await until('the deletions recorded', () => orphans.every((o) => rec.of('delete-registration').some((e) => e.subject === String(o.id))), 5_000);
  for (const o of orphans) {
    const d = rec.of('delete-registration').find((e) => e.subject === String(o.id));
    expect(d?.result).toBe('deleted');
    // After the grace, and within about one tick of it.
    expect(d!.at - t0).toBeGreaterThanOrEqual(2_000);
    expect(d!.at - t0).toBeLessThan(2_000 + 1_500);
  }
  // The container that never registered goes after the registration grace.
  await until('ghost container removed', () => rec.of('remove').find((e) => e.subject === ghost.id), 10_000);
  expect(rec.of('remove').find((e) => e.subject === ghost.id)!.at - ghostCreated).toBeGreaterThanOrEqual(3_000);
  await until('2 online', async () => (await w.sim.control.state()).runners.filter((r) => r.status === 'online').length === 2, 10_000);
  // Orphans were never capacity: the minimum of 2 took exactly one new runner beside R4.
  await always('one create only', () => rec.of('jit').length === 1, 1_000);
  // R4 and the foreign R9 are untouched.
  const ids = rec.of('delete-registration').map((e) => e.subject);
  expect(ids).not.toContain(String(r4.registrationId));
  expect(ids).not.toContain(String(foreign.id));
  const names = (await w.sim.control.state()).runners.map((r) => r.name);
  expect(names).toEqual(expect.arrayContaining([`${prefix}r4`, foreign.name]));
});

test('S05 expired credentials and dead containers are not capacity', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const prefix = `s05${w.controllerId.slice(2)}-`;
  const yaml = poolDoc({ name: 's05', min: 2, max: 6, prefix });
  const spec = specOf(yaml);
  const threeHoursAgo = Date.now() - 3 * 3600_000;
  const dead: { reg: { id: number; name: string }; c: { id: string } }[] = [];
  for (const i of [1, 2]) {
    const reg = await w.sim.control.seedRegistration({ scope: 'acme/app', name: `${prefix}c${i}`, labels: spec.runner.labels, status: 'offline', createdAt: threeHoursAgo });
    dead.push({ reg, c: await plant(w, spec, reg.name, 'exit-1', { createdAt: threeHoursAgo, registrationId: reg.id }) });
  }
  const c3 = await plant(w, spec, `${prefix}c3`, 'no-registration', { createdAt: threeHoursAgo });
  const c4 = await plant(w, spec, `${prefix}c4`, 'jit', { createdAt: threeHoursAgo });
  await until('R4 online', async () => (await w.sim.control.state()).runners.some((r) => r.id === c4.registrationId && r.status === 'online'));
  // The world as the scenario states it: C1 and C2 have crashed before the controller first looks.
  await until('C1 and C2 exited', async () => {
    const ids = new Set(dead.map((d) => d.c.id));
    return (await w.containers()).filter((c) => ids.has(c.id) && c.state === 'exited').length === 2;
  });
  const jobs: { id: number }[] = [];
  for (let i = 0; i < 2; i++) jobs.push(await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 3_000 }));

  const live = sampler(() => liveContainers(w));
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  const first = await until('first tick', () => w.pool('s05').lastTick);
  const g = first.plan.groups;
  // Only R4 is capacity; C1/C2 are dead, C3 never registered.
  expect([...g.idle, ...g.busy, ...g.starting].map((r) => r.name)).toEqual([`${prefix}c4`]);
  expect(g.exited.map((r) => r.name).sort()).toEqual([`${prefix}c1`, `${prefix}c2`]);
  expect(g.stuck.map((r) => r.name)).toEqual([`${prefix}c3`]);

  await until('both jobs served', async () => (await w.sim.control.state()).jobs.filter((j) => jobs.some((x) => x.id === j.id) && j.runnerName).length === 2, 15_000);
  await until('C1-C3 removed', async () => {
    const ids = new Set((await w.containers()).map((c) => c.id));
    return !ids.has(dead[0].c.id) && !ids.has(dead[1].c.id) && !ids.has(c3.id);
  });
  // Removed, never restarted in place; their registrations deleted; new runners got fresh credentials and names.
  const oldIds = [dead[0].c.id, dead[1].c.id, c3.id];
  expect(rec.effects.filter((e) => e.op === 'start' && oldIds.includes(e.subject))).toEqual([]);
  for (const d of dead) expect(rec.of('delete-registration').some((e) => e.subject === String(d.reg.id))).toBe(true);
  const oldNames = [1, 2, 3, 4].map((i) => `${prefix}c${i}`);
  expect(rec.of('jit').length).toBeGreaterThanOrEqual(1);
  expect(rec.of('jit').filter((e) => oldNames.includes(e.subject))).toEqual([]);
  await until('back to the minimum online', async () => (await w.sim.control.state()).runners.filter((r) => r.status === 'online' && !r.busy).length >= 2, 20_000);
  expect(await live.stop()).toBeLessThanOrEqual(6);
});
