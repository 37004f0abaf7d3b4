import request from 'supertest';
import { checkResponse } from '../api/openapi-check.js';
import { TOKEN, makeWorld, poolYaml, type World } from '../api/world.js';

/** Bodies the parser cannot read are the client's fault: a documented 4xx with a fix, never a 500. */
const auth = { Authorization: `Bearer ${TOKEN}` };
let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.stop());

const put = () => request(w.app).put('/api/v1/pools/ci').set(auth);

test('a Content-Encoding the API cannot decode is 415', async () => {
  const res = await put().set('content-type', 'application/json').set('content-encoding', 'x-unknown').send('{"a":1}');
  checkResponse(res, 'PUT', '/api/v1/pools/{name}');
  expect(res.status).toBe(415);
  expect(res.body.error.message).toMatch(/uncompressed/);
});

test('a charset the API cannot decode is 415', async () => {
  const res = await put().set('content-type', 'application/json; charset=klingon').send('{"a":1}');
  checkResponse(res, 'PUT', '/api/v1/pools/{name}');
  expect(res.status).toBe(415);
  const scale = await request(w.app).post('/api/v1/runners/scale-up').set(auth).set('content-type', 'application/json; charset=klingon').send('{}');
  checkResponse(scale, 'POST', '/api/v1/runners/scale-up');
  expect(scale.status).toBe(415);
});

test('a gzip body that is not gzip is 400', async () => {
  const res = await put().set('content-type', 'application/yaml').set('content-encoding', 'gzip').send(poolYaml('ci'));
  checkResponse(res, 'PUT', '/api/v1/pools/{name}');
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('bad-request');
});

test('a body over 1 MB is 413, documented', async () => {
  const res = await put().set('content-type', 'application/yaml').send(`${poolYaml('ci')}#${'x'.repeat(1_100_000)}\n`);
  checkResponse(res, 'PUT', '/api/v1/pools/{name}');
  expect(res.status).toBe(413);
  expect(w.manager.pools.size).toBe(0);
});
