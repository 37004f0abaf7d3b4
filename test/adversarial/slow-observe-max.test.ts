import type { GitHubPort } from '../../pkg/github/port.js';
import { record } from '../helpers/recording.js';
import { always, sampler, liveContainers } from '../helpers/scenario.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/**
 * A loaded machine, or a slow GitHub: the snapshot lists containers, then waits on GitHub. A creation that
 * finishes inside that window is in neither the container list (read before it) nor the in-flight count (read
 * after it), so the hard max was computed one runner short per such creation and the pool went above max.
 */
let w: World;
afterEach(async () => {
  await w?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Slow registration lists widen the window; slightly slow JIT configs put the container's birth inside it. */
const slowGitHub = (github: GitHubPort): GitHubPort => ({
  ...github,
  listRegistrations: async (s) => (await sleep(1_000), github.listRegistrations(s)),
  createJitConfig: async (s, req) => (await sleep(300), github.createJitConfig(s, req)),
});

test('creations finishing while GitHub is being read are still counted against max', async () => {
  w = await startWorld();
  const rec = record(slowGitHub(w.github), w.runtime);
  const live = sampler(() => liveContainers(w), 50);
  const yaml = poolDoc({ name: 'so', min: 3, max: 3, prefix: `so${w.controllerId.slice(2)}-`, poll: '100ms' });
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  await until('3 online', async () => (await w.sim.control.state()).runners.filter((r) => r.status === 'online').length === 3, 30_000);
  await always('no more creates once at max', () => rec.of('create').length === 3, 2_500);
  expect(await live.stop()).toBeLessThanOrEqual(3);
}, 60_000);
