import request from 'supertest';
import { checkResponse } from '../api/openapi-check.js';
import { TOKEN, makeWorld, poolYaml, waitOnline, type World } from '../api/world.js';

/** Two scale-downs at once pick from the same snapshot: the second must not fail on what the first removed. */
const auth = { Authorization: `Bearer ${TOKEN}` };
let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.stop());

test('two scale-downs of one pool at once: both answered 200, never below min', async () => {
  w.load(poolYaml('ci', { min: 3, max: 4 }));
  w.manager.start();
  await waitOnline(w, 'ci', 3);
  w.manager.apply([{ spec: { ...w.manager.get('ci')!.currentSpec, scaling: { ...w.manager.get('ci')!.currentSpec.scaling, min: 1 } }, hash: 'lowered' }]);
  const answers = await Promise.all([1, 2].map(() => request(w.app).post('/api/v1/runners/scale-down').set(auth).send({ pool: 'ci', count: 1 })));
  for (const a of answers) checkResponse(a, 'POST', '/api/v1/runners/scale-down');
  expect(answers.map((a) => [a.status, a.body.error?.message ?? ''])).toEqual([[200, ''], [200, '']]);
  expect(w.runtime.all().filter((c) => c.state === 'running').length).toBeGreaterThanOrEqual(1);
});
