import { record } from '../helpers/recording.js';
import { kill } from '../helpers/scenario.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/**
 * GitHub goes away for a while and a runner dies meanwhile. The minimum cannot be restored (no credentials can be
 * had), and that is GitHub's outage, not a broken runner image: the circuit breaker, which holds every create for
 * its whole back-off, must not open, so the pool recovers as soon as GitHub answers again.
 */
let w: World;
afterEach(async () => {
  await w?.sim.control.setUnreachable(false).catch(() => undefined);
  await w?.close();
});

test('a GitHub outage does not open the breaker; the minimum is restored once GitHub is back', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const yaml = poolDoc({ name: 'ob', min: 2, max: 3, prefix: `ob${w.controllerId.slice(2)}-`, poll: '200ms', guards: { breakerThreshold: 3, breakerBackoff: '1h' } });
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  const pool = w.pool('ob');
  const online = async () => (await w.sim.control.state()).runners.filter((r) => r.status === 'online').length;
  await until('2 runners online', async () => (await online()) === 2, 20_000);

  await w.sim.control.setUnreachable(true);
  const victim = (await w.containers()).find((c) => c.state === 'running')!;
  await kill(victim.id);
  // More failed attempts at credentials than the breaker's threshold.
  const failedCreates = () => w.events.list('ob').filter((e) => e.reason === 'CreateFailed').reduce((n, e) => n + e.count, 0);
  await until('more creates failed against the outage than the breaker threshold', () => failedCreates() >= 3, 20_000).catch((e) => {
    throw new Error(`${(e as Error).message}; events ${JSON.stringify(w.events.list('ob'))}; last held ${JSON.stringify(pool.lastTick?.guarded.held)} allowed ${JSON.stringify(pool.lastTick?.guarded.allowed)} jit ${JSON.stringify(rec.of('jit').slice(-3))}`);
  });
  expect(pool.lastTick?.guarded.breaker).toBe('closed');

  await w.sim.control.setUnreachable(false);
  await until('the minimum restored after the outage', async () => (await online()) === 2 && (await w.containers()).filter((c) => c.state === 'running').length === 2, 20_000);
  expect(pool.lastTick?.guarded.breaker).toBe('closed');
}, 80_000);
