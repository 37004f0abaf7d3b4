import { record } from '../helpers/recording.js';
import { always, kill, liveContainers, sampler } from '../helpers/scenario.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/** S09 and the seed's own scenarios (morning rush, runner failure). */

let w: World;
afterEach(async () => {
  await w?.close();
});

const online = async (w: World) => (await w.sim.control.state()).runners.filter((r) => r.status === 'online');

test('S09 no GitHub write calls that cannot lead to a running runner', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const live = sampler(() => liveContainers(w));
  w.start(poolDoc({ name: 's09', min: 0, max: 3 }), { github: rec.github, runtime: rec.runtime });
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push((await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 20_000 })).id);
  await until('at max, all busy', async () => (await w.sim.control.state()).jobs.filter((j) => ids.includes(j.id) && j.runnerName).length === 3, 15_000);
  for (let i = 0; i < 12; i++) await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 1_000 });
  await w.sim.control.setRateLimit({ remaining: 50, resetAt: Date.now() + 20 * 60_000 });
  const calls = rec.effects.filter((e) => e.op === 'jit' || e.op === 'token').length;
  await always('no registration or JIT call while at max and low on budget', () => rec.effects.filter((e) => e.op === 'jit' || e.op === 'token').length === calls, 3_000);
  const pool = w.pool('s09');
  // The loop saw the low budget and did not burn it (conditional requests keep observing cheap).
  const rl = pool.lastTick!.snapshot.rateLimit!;
  expect(rl.remaining).toBeLessThanOrEqual(50);
  expect(rl.remaining).toBeGreaterThan(0);
  // ...and exposes it as metrics.
  const metrics = await w.metrics.text();
  const remaining = Number(/^shghar_github_rate_limit_remaining (\S+)$/m.exec(metrics)?.[1]);
  expect(remaining).toBeLessThanOrEqual(50);
  expect(Number(/^shghar_github_rate_limit_reset_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]) * 1000).toBeGreaterThan(Date.now() + 15 * 60_000);
  // Never a registration without a container behind it.
  const regs = (await w.sim.control.state()).runners.map((r) => r.name);
  const names = (await w.containers()).map((c) => c.name);
  expect(regs.filter((r) => !names.includes(r))).toEqual([]);
  expect(await live.stop()).toBeLessThanOrEqual(3);
});

test('morning rush: grows within caps and cooldown, shrinks back to the minimum removing only idle runners', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const live = sampler(() => liveContainers(w));
  w.start(
    poolDoc({ name: 'rush', policy: 'threshold', min: 2, max: 10, idleTimeout: '2s', scaling: { maxCreatePerAction: 2, scaleUpCooldown: '1s' } }),
    { github: rec.github, runtime: rec.runtime },
  );
  await until('2 idle runners', async () => (await online(w)).length === 2, 15_000);
  const ids: number[] = [];
  const burst = async (n: number) => {
    for (let i = 0; i < n; i++) ids.push((await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 3_000 })).id);
  };
  await burst(5);
  await new Promise((r) => setTimeout(r, 1_000));
  await burst(3);
  await until('all 8 jobs done', async () => (await w.sim.control.state()).jobs.filter((j) => ids.includes(j.id) && j.status === 'completed').length === 8, 60_000);
  await until('back to 2 online', async () => (await online(w)).length === 2 && (await liveContainers(w)) === 2, 30_000);
  // Each scale-up carried at most 2 creates, and scale-ups (above the minimum) were at least the cooldown apart.
  const ups = w.events.list('rush').filter((e) => e.reason === 'ScalingUp');
  expect(ups.length).toBeGreaterThanOrEqual(2);
  for (const e of ups) expect(Number(/creating (\d+)/.exec(e.message)?.[1])).toBeLessThanOrEqual(2);
  // Scale-downs only ever removed idle runners: GitHub never had to refuse one as busy.
  expect(rec.of('delete-registration').filter((e) => e.result === 'busy')).toEqual([]);
  expect(await live.stop()).toBeLessThanOrEqual(10);
});

test('runner failure: a dead container is replaced and its registration removed', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  w.start(poolDoc({ name: 'fail', min: 2, max: 4, poll: '500ms' }), { github: rec.github, runtime: rec.runtime });
  await until('2 online', async () => (await online(w)).length === 2, 15_000);
  const [victim] = (await w.containers()).filter((c) => c.state === 'running');
  const regId = Number(victim.labels['io.shghar.runner-id']);
  const t0 = Date.now();
  await kill(victim.id);
  await until('the dead registration removed', () => rec.of('delete-registration').some((e) => e.subject === String(regId) && e.result === 'deleted'), 10_000);
  await until('back to 2 online', async () => (await online(w)).length === 2 && !(await online(w)).some((r) => r.id === regId), 10_000);
  expect(Date.now() - t0).toBeLessThan(6_000);
  expect(rec.of('jit')).toHaveLength(3);
  await until('the dead container removed', async () => !(await w.containers()).some((c) => c.id === victim.id));
});
