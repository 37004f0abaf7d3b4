import { randomBytes } from 'node:crypto';
import { Manager } from '../../controllers/manager.js';
import { createMemoryLogger } from '../../pkg/log/index.js';
import { Label } from '../../pkg/docker/port.js';
import { parseSpecText } from '../../pkg/spec/index.js';
import { record } from '../helpers/recording.js';
import { always } from '../helpers/scenario.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/**
 * Two controllers (two hosts, or two ids on one engine) run the same pool spec against one repository: same pool
 * name, same name prefix. Neither may delete the other's live registrations as "orphans" just because the
 * container behind them is not one of its own.
 */
let w: World;
let other: Manager | undefined;
const otherId = `t-${randomBytes(4).toString('hex')}`;
afterEach(async () => {
  await other?.stop();
  for (const c of await w.runtime.list({ [Label.ControllerId]: otherId })) await w.runtime.remove(c.id).catch(() => undefined);
  await w?.close();
});

test("another controller's online runners with our prefix are never deleted as orphans", async () => {
  w = await startWorld();
  const prefix = `fc${w.controllerId.slice(2)}-`;
  const yaml = poolDoc({ name: 'fc', min: 1, max: 2, prefix, graces: { orphan: '1s' } });
  const parsed = parseSpecText(yaml, 'fc.yaml').pools[0]!;

  // The other controller: same simulator, same engine, same spec, its own controller id.
  other = new Manager({
    github: w.github,
    runtime: w.runtime,
    controllerId: otherId,
    webBaseUrl: w.sim.url,
    logger: createMemoryLogger('error').logger,
    retry: { attempts: 3, baseDelayMs: 50 },
  });
  other.apply([{ spec: parsed.spec, hash: parsed.hash }]);
  other.start();
  const otherNames = async () => new Set((await w.runtime.list({ [Label.ControllerId]: otherId })).map((c) => c.labels[Label.RunnerName]));
  const theirs = await until('the other controller has an online runner', async () => {
    const names = await otherNames();
    const online = (await w.sim.control.state()).runners.filter((r) => names.has(r.name) && r.status === 'online');
    return online.length > 0 && online;
  }, 20_000);

  const rec = record(w.github, w.runtime);
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  await until('this controller has an online runner of its own', async () => {
    const mine = new Set((await w.containers()).map((c) => c.labels[Label.RunnerName]));
    return (await w.sim.control.state()).runners.some((r) => mine.has(r.name) && r.status === 'online');
  }, 20_000);

  // Well past the orphan grace: the other controller's registrations are left alone.
  const ids = new Set(theirs.map((r) => String(r.id)));
  await always('no delete of the other controller\'s registrations', () => !rec.of('delete-registration').some((e) => ids.has(e.subject)), 3_000);
  const still = new Set((await w.sim.control.state()).runners.map((r) => r.id));
  for (const r of theirs) expect(still.has(r.id)).toBe(true);
  const theirContainers = new Set((await w.runtime.list({ [Label.ControllerId]: otherId })).map((c) => c.id));
  expect(rec.of('remove').filter((e) => theirContainers.has(e.subject))).toEqual([]);
}, 60_000);
