import type { RuntimePort } from '../../pkg/docker/port.js';
import { record } from '../helpers/recording.js';
import { poolDoc, startWorld, until, type World } from '../helpers/world.js';

/**
 * Docker is slow to create a container (a loaded engine, retried 503s) while the JIT registration already exists.
 * That registration is a creation in flight, not an orphan: deleting it would hand the new container dead
 * credentials and count a failure against a healthy image.
 */
let w: World;
afterEach(async () => {
  await w?.close();
});

const slowCreates = (runtime: RuntimePort, delayMs: number): RuntimePort =>
  new Proxy(runtime, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop !== 'create' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return (v as (...a: unknown[]) => Promise<string>).apply(target, args);
      };
    },
  });

test('a registration whose container is still being created is never deleted as an orphan', async () => {
  w = await startWorld();
  const rec = record(w.github, slowCreates(w.runtime, 2_500));
  const yaml = poolDoc({ name: 'sc', min: 1, max: 1, prefix: `sc${w.controllerId.slice(2)}-`, poll: '100ms', graces: { orphan: '500ms' } });
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  const jit = await until('credentials asked for', () => rec.of('jit').find((e) => e.result.startsWith('id ')), 10_000);
  const created = await until('the container created', () => rec.of('create').find((e) => e.subject === jit.subject), 10_000);
  expect(created.result).not.toMatch(/error|fail/i);
  const rid = jit.result.slice(3);
  expect(rec.of('delete-registration').filter((e) => e.subject === rid)).toEqual([]);
  await until('the runner online', async () => (await w.sim.control.state()).runners.some((r) => String(r.id) === rid && r.status === 'online'), 15_000);
}, 40_000);
