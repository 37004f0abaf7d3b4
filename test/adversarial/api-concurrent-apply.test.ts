import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parseSpecText } from '../../pkg/spec/parse.js';
import { checkResponse } from '../api/openapi-check.js';
import { TOKEN, makeWorld, poolYaml, waitOnline, type World } from '../api/world.js';

/**
 * Applies and deletes that arrive together: what the state directory keeps (what a restart loads) must be what
 * is running, every answer must be a documented one, and two pools must never end up with overlapping prefixes.
 */
const auth = { Authorization: `Bearer ${TOKEN}` };
let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.stop());

const put = (name: string, yaml: string) =>
  request(w.app).put(`/api/v1/pools/${name}`).set(auth).set('content-type', 'application/yaml').send(yaml);
const storedHash = (name: string) => parseSpecText(readFileSync(join(w.stateDir, `${name}.yaml`), 'utf8'), 'stored').pools[0]!.hash;

test('two applies of one pool at once: both answered, and the stored spec is the one running', async () => {
  const answers = await Promise.all([put('ci', poolYaml('ci', { max: 3 })), put('ci', poolYaml('ci', { max: 5 })), put('ci', poolYaml('ci', { max: 6 }))]);
  for (const a of answers) checkResponse(a, 'PUT', '/api/v1/pools/{name}');
  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
  expect(storedHash('ci')).toBe(w.manager.get('ci')!.currentHash);
  // the last answer in order of application is what runs
  expect(w.manager.get('ci')!.currentSpec.scaling.max).toBe(6);
});

test('apply and delete of one pool at once: a pool being deleted is not kept in the state directory', async () => {
  w.load(poolYaml('ci'));
  w.manager.start();
  await waitOnline(w, 'ci', 1);
  const [applied, deleted] = await Promise.all([put('ci', poolYaml('ci', { max: 7 })), request(w.app).delete('/api/v1/pools/ci').set(auth)]);
  checkResponse(applied, 'PUT', '/api/v1/pools/{name}');
  checkResponse(deleted, 'DELETE', '/api/v1/pools/{name}');
  expect(deleted.status).toBe(202);
  expect(w.manager.isDeleting('ci')).toBe(true);
  expect(existsSync(join(w.stateDir, 'ci.yaml'))).toBe(false);
});

test('two new pools with overlapping name prefixes at once: only one is accepted', async () => {
  const answers = await Promise.all([put('aa', poolYaml('aa', { prefix: 'x-' })), put('bb', poolYaml('bb', { prefix: 'x-a' }))]);
  for (const a of answers) checkResponse(a, 'PUT', '/api/v1/pools/{name}');
  expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
  expect(w.manager.pools.size).toBe(1);
});
