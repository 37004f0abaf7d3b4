import { execFileSync } from 'node:child_process';
import express from 'express';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { openApiPath } from '../../pkg/api/openapi.js';
import { checkResponse, covered, operations } from './openapi-check.js';
import { TOKEN, makeWorld, poolYaml, waitFor, waitOnline, type World } from './world.js';

const auth = { Authorization: `Bearer ${TOKEN}` };
const wrong = { Authorization: 'Bearer not-the-token' };

let w: World;
beforeEach(() => {
  w = makeWorld({ webhook: { path: '/webhooks/github', handler: (_req: express.Request, res: express.Response) => void res.status(202).end() } });
});
afterEach(() => w.stop());

/** A pool `ci` with one runner online. */
async function running(min = 1, max = 4): Promise<void> {
  w.load(poolYaml('ci', { min, max }));
  w.manager.start();
  await waitOnline(w, 'ci', min);
}

describe('the OpenAPI document', () => {
  test('is a valid OpenAPI 3 document', async () => {
    // swagger-parser is CommonJS over an ESM dependency that jest's VM cannot load: validate in a plain node.
    const script = `require('@apidevtools/swagger-parser').validate(process.argv[1]).then((a) => console.log(a.info.title), (e) => { console.error(e.message); process.exit(1); })`;
    const out = execFileSync(process.execPath, ['-e', script, openApiPath()], { encoding: 'utf8' });
    expect(out.trim()).toBe('shghar API');
  });

  test('/openapi.json serves it and /docs serves Swagger UI', async () => {
    const doc = await request(w.app).get('/openapi.json').expect(200);
    checkResponse(doc, 'GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/pools/{name}');
    const bare = await request(w.app).get('/docs').expect(301);
    checkResponse(bare, 'GET', '/docs');
    const docs = await request(w.app).get('/docs/').expect(200);
    checkResponse(docs, 'GET', '/docs');
    expect(docs.text).toContain('swagger-ui');
    const init = await request(w.app).get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/api/v1/runners/scale-up');
  });
});

describe('health, readiness, status', () => {
  test('GET /health has the classic fields', async () => {
    const res = await request(w.app).get('/health').expect(200);
    checkResponse(res, 'GET', '/health');
    expect(res.body).toEqual({ status: 'healthy', orchestrator_running: false });
  });

  test('GET /readyz is 503 before the first reconcile, 200 after', async () => {
    w.load(poolYaml('ci'));
    const before = await request(w.app).get('/readyz').expect(503);
    checkResponse(before, 'GET', '/readyz');
    expect(before.body.reasons.join(' ')).toMatch(/not running/);
    w.manager.start();
    await waitOnline(w, 'ci', 1);
    const after = await request(w.app).get('/readyz').expect(200);
    checkResponse(after, 'GET', '/readyz');
    expect(after.body).toEqual({ ready: true, reasons: [] });
  });

  test('GET /api/v1/status: classic shape for one pool, keyed by pool for several, 404 for an unknown pool', async () => {
    await running();
    const one = await request(w.app).get('/api/v1/status').expect(200);
    checkResponse(one, 'GET', '/api/v1/status');
    expect(one.body.runners).toMatchObject({ active: 1, docker_containers: 1, registered_running: 1, total_created: 1 });
    expect(one.body.scaling).toMatchObject({ min_runners: 1, max_runners: 4 });
    expect(one.body.settings).toEqual({ poll_interval: 0.1, idle_timeout: 3600, runner_image: 'runner:test' });
    w.load(poolYaml('gpu', { min: 0, prefix: 'gpu-' }));
    const several = await request(w.app).get('/api/v1/status').expect(200);
    checkResponse(several, 'GET', '/api/v1/status');
    expect(Object.keys(several.body.pools).sort()).toEqual(['ci', 'gpu']);
    const byQuery = await request(w.app).get('/api/v1/status?pool=gpu').expect(200);
    checkResponse(byQuery, 'GET', '/api/v1/status');
    expect(byQuery.body.orchestrator.pool).toBe('gpu');
    const missing = await request(w.app).get('/api/v1/status?pool=nope').expect(404);
    checkResponse(missing, 'GET', '/api/v1/status');
    const bad = await request(w.app).get('/api/v1/status?pool=Not_A_Name').expect(400);
    checkResponse(bad, 'GET', '/api/v1/status');
  });

  test('GET /status shows desired vs observed for every pool and unmatched jobs', async () => {
    await running();
    w.github.enqueueJob('acme/app', ['self-hosted', 'linux', 'arm64']);
    await waitFor('the job to be seen', async () => (await request(w.app).get('/status')).body.unmatched_jobs.length === 1);
    const res = await request(w.app).get('/status').expect(200);
    checkResponse(res, 'GET', '/status');
    expect(res.body.pools[0]).toMatchObject({ name: 'ci', desired: 1, online: 1, ready: true });
    expect(res.body.unmatched_jobs[0].labels).toEqual(['self-hosted', 'linux', 'arm64']);
  });

  test('metrics at /metrics and /api/v1/metrics; 503 when metrics are off', async () => {
    await running();
    for (const path of ['/metrics', '/api/v1/metrics']) {
      const res = await request(w.app).get(path).expect(200);
      checkResponse(res, 'GET', path);
      expect(res.text).toMatch(/^# HELP /m);
    }
    const { createApp } = await import('../../pkg/api/app.js');
    const bare = createApp({ manager: w.manager, runtime: w.runtime, github: w.github });
    const off = await request(bare).get('/metrics').expect(503);
    checkResponse(off, 'GET', '/metrics');
    checkResponse(await request(bare).get('/api/v1/metrics').expect(503), 'GET', '/api/v1/metrics');
  });

  test('the webhook is mounted at its path; unknown routes are JSON 404s', async () => {
    const hook = await request(w.app).post('/webhooks/github').send({ action: 'queued' }).expect(202);
    checkResponse(hook, 'POST', '/webhooks/github');
    const res = await request(w.app).get('/api/v1/nothing').expect(404);
    expect(res.body.error).toMatchObject({ code: 'not-found' });
  });
});

describe('pools', () => {
  test('GET /api/v1/pools and /api/v1/pools/{name}: desired with reasons, observed names, conditions, events, spec', async () => {
    await running();
    const list = await request(w.app).get('/api/v1/pools').expect(200);
    checkResponse(list, 'GET', '/api/v1/pools');
    expect(list.body.pools.map((p: { name: string }) => p.name)).toEqual(['ci']);
    const res = await request(w.app).get('/api/v1/pools/ci').expect(200);
    checkResponse(res, 'GET', '/api/v1/pools/{name}');
    expect(res.body.desired).toBe(1);
    expect(res.body.desired_reasons.length).toBeGreaterThan(0);
    expect(res.body.observed_runners.idle).toHaveLength(1);
    expect(res.body.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
    expect(res.body.events.map((e: { reason: string }) => e.reason)).toContain('PoolCreated');
    expect(res.body.runners[0]).toMatchObject({ pool: 'ci', state: 'idle', busy: false });
    // Env values only for a caller holding the token.
    expect(res.body.document.spec.runner.env).toEqual({ SOME_SETTING: '<hidden>' });
    const authed = await request(w.app).get('/api/v1/pools/ci').set(auth).expect(200);
    expect(authed.body.document.spec.runner.env).toEqual({ SOME_SETTING: 'hunter2' });
    checkResponse(await request(w.app).get('/api/v1/pools/nope').expect(404), 'GET', '/api/v1/pools/{name}');
    checkResponse(await request(w.app).get('/api/v1/pools/BAD_NAME').expect(400), 'GET', '/api/v1/pools/{name}');
  });

  test('the spec document GET returns parses back to the same spec hash', async () => {
    const { parseSpecText } = await import('../../pkg/spec/parse.js');
    const { dump } = await import('js-yaml');
    w.load(poolYaml('ci'));
    const res = await request(w.app).get('/api/v1/pools/ci').set(auth).expect(200);
    const again = parseSpecText(dump(res.body.document), 'roundtrip.yaml');
    expect(again.pools[0]!.hash).toBe(w.manager.get('ci')!.currentHash);
  });

  test('PUT: created (201), unchanged, configured with the changes, persisted in the state dir', async () => {
    const put = (yaml: string) => request(w.app).put('/api/v1/pools/ci').set(auth).type('application/yaml').send(yaml);
    const created = await put(poolYaml('ci')).expect(201);
    checkResponse(created, 'PUT', '/api/v1/pools/{name}');
    expect(created.body).toMatchObject({ name: 'ci', result: 'created', previous_hash: null, dry_run: false });
    expect(w.manager.get('ci')).toBeDefined();
    expect(readFileSync(`${w.stateDir}/ci.yaml`, 'utf8')).toBe(poolYaml('ci'));
    const same = await put(poolYaml('ci')).expect(200);
    checkResponse(same, 'PUT', '/api/v1/pools/{name}');
    expect(same.body).toMatchObject({ result: 'unchanged', changes: [] });
    const dry = await request(w.app).put('/api/v1/pools/ci?dryRun=true').set(auth).type('application/yaml').send(poolYaml('ci', { max: 6 })).expect(200);
    checkResponse(dry, 'PUT', '/api/v1/pools/{name}');
    expect(dry.body).toMatchObject({ result: 'configured', dry_run: true, changes: [{ path: 'spec.scaling.max', from: 4, to: 6 }] });
    expect(w.manager.get('ci')!.currentSpec.scaling.max).toBe(4);
    const changed = await put(poolYaml('ci', { max: 6 })).expect(200);
    expect(changed.body).toMatchObject({ result: 'configured', changes: [{ path: 'spec.scaling.max', from: 4, to: 6 }] });
    expect(w.manager.get('ci')!.currentSpec.scaling.max).toBe(6);
    expect(readFileSync(`${w.stateDir}/ci.yaml`, 'utf8')).toContain('max: 6');
  });

  test('PUT accepts a JSON document too', async () => {
    const { load } = await import('js-yaml');
    const res = await request(w.app).put('/api/v1/pools/ci').set(auth).send(load(poolYaml('ci')) as object).expect(201);
    checkResponse(res, 'PUT', '/api/v1/pools/{name}');
  });

  test('PUT rejects invalid specs with field paths and lines (422), bad bodies and name mismatches (400), overlapping prefixes (422)', async () => {
    const invalid = poolYaml('ci').replace('max: 4', 'max: many');
    const res = await request(w.app).put('/api/v1/pools/ci').set(auth).type('application/yaml').send(invalid).expect(422);
    checkResponse(res, 'PUT', '/api/v1/pools/{name}');
    expect(res.body.error.code).toBe('invalid-spec');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'spec.scaling.max', line: 15, column: 10 }));
    const minMax = await request(w.app).put('/api/v1/pools/ci').set(auth).type('application/yaml').send(poolYaml('ci', { min: 5, max: 2 })).expect(422);
    expect(minMax.body.error.details[0].path).toBe('spec.scaling.max');
    const mismatch = await request(w.app).put('/api/v1/pools/other').set(auth).type('application/yaml').send(poolYaml('ci')).expect(400);
    checkResponse(mismatch, 'PUT', '/api/v1/pools/{name}');
    expect(mismatch.body.error.details[0].path).toBe('metadata.name');
    const empty = await request(w.app).put('/api/v1/pools/ci').set(auth).type('application/yaml').send('').expect(400);
    checkResponse(empty, 'PUT', '/api/v1/pools/{name}');
    const badJson = await request(w.app).put('/api/v1/pools/ci').set(auth).type('application/json').send('{"a":').expect(400);
    checkResponse(badJson, 'PUT', '/api/v1/pools/{name}');
    w.load(poolYaml('gpu', { prefix: 'ci-' }));
    const overlap = await request(w.app).put('/api/v1/pools/ci').set(auth).type('application/yaml').send(poolYaml('ci')).expect(422);
    expect(overlap.body.error.details[0].path).toBe('spec.runner.namePrefix');
    expect(w.manager.get('ci')).toBeUndefined();
  });

  test('mutations need the bearer token: 401 without, 403 wrong, 403 when the controller has none', async () => {
    const paths: [string, string][] = [
      ['put', '/api/v1/pools/ci'],
      ['delete', '/api/v1/pools/ci'],
      ['post', '/api/v1/runners/scale-up'],
      ['post', '/api/v1/runners/scale-down'],
      ['delete', '/api/v1/runners/x'],
    ];
    const templates: Record<string, string> = { '/api/v1/pools/ci': '/api/v1/pools/{name}', '/api/v1/runners/x': '/api/v1/runners/{id}' };
    for (const [m, p] of paths) {
      const r = request(w.app) as unknown as Record<string, (p: string) => request.Test>;
      const none = await r[m]!(p).expect(401);
      checkResponse(none, m, templates[p] ?? p);
      expect(none.body.error.code).toBe('unauthorized');
      const bad = await r[m]!(p).set(wrong).expect(403);
      checkResponse(bad, m, templates[p] ?? p);
      expect(bad.body.error.code).toBe('forbidden');
    }
    const { createApp } = await import('../../pkg/api/app.js');
    const open = createApp({ manager: w.manager, runtime: w.runtime, github: w.github });
    const res = await request(open).put('/api/v1/pools/ci').set(auth).type('application/yaml').send(poolYaml('ci')).expect(403);
    expect(res.body.error.message).toMatch(/no API token configured/);
  });

  test('DELETE drains then removes (202), the stored spec goes, a PUT meanwhile is 409, unknown is 404', async () => {
    await request(w.app).put('/api/v1/pools/ci').set(auth).type('application/yaml').send(poolYaml('ci')).expect(201);
    w.manager.start();
    await waitOnline(w, 'ci', 1);
    const res = await request(w.app).delete('/api/v1/pools/ci').set(auth).expect(202);
    checkResponse(res, 'DELETE', '/api/v1/pools/{name}');
    expect(await w.store.files()).toEqual([]);
    const during = await request(w.app).put('/api/v1/pools/ci').set(auth).type('application/yaml').send(poolYaml('ci', { max: 5 }));
    if (w.manager.get('ci')) {
      expect(during.status).toBe(409);
      checkResponse(during, 'PUT', '/api/v1/pools/{name}');
    }
    await waitFor('the pool to be gone', () => !w.manager.get('ci'));
    expect(w.runtime.all()).toEqual([]);
    checkResponse(await request(w.app).delete('/api/v1/pools/ci').set(auth).expect(404), 'DELETE', '/api/v1/pools/{name}');
    checkResponse(await request(w.app).delete('/api/v1/pools/Bad!').set(auth).expect(400), 'DELETE', '/api/v1/pools/{name}');
  });
});

describe('runners', () => {
  test('GET /api/v1/runners lists docker and github runners with the classic fields', async () => {
    await running();
    const res = await request(w.app).get('/api/v1/runners').expect(200);
    checkResponse(res, 'GET', '/api/v1/runners');
    expect(res.body.docker_runners).toHaveLength(1);
    expect(res.body.github_runners[0]).toMatchObject({ status: 'online', busy: false, pool: 'ci' });
    expect(res.body.runners[0].name).toBe(res.body.docker_runners[0].runner_name);
  });

  test('logs by runner name, container id or GitHub id, with tail; 400 on a bad tail, 404 unknown, 503 when Docker fails', async () => {
    await running();
    const r = (await request(w.app).get('/api/v1/runners')).body.runners[0];
    const full = await request(w.app).get(`/api/v1/runners/${r.name}/logs`).expect(200);
    checkResponse(full, 'GET', '/api/v1/runners/{id}/logs');
    expect(full.text).toBe(`runner ${r.name} starting\nListening for Jobs\n`);
    const tail = await request(w.app).get(`/api/v1/runners/${r.container_id}/logs?tail=1`).expect(200);
    expect(tail.text).toBe('Listening for Jobs\n');
    await request(w.app).get(`/api/v1/runners/${r.github_id}/logs?tail=1`).expect(200);
    checkResponse(await request(w.app).get(`/api/v1/runners/${r.name}/logs?tail=-1`).expect(400), 'GET', '/api/v1/runners/{id}/logs');
    checkResponse(await request(w.app).get(`/api/v1/runners/${r.name}/logs?tail=abc`).expect(400), 'GET', '/api/v1/runners/{id}/logs');
    checkResponse(await request(w.app).get('/api/v1/runners/ghost/logs').expect(404), 'GET', '/api/v1/runners/{id}/logs');
    w.runtime.failNext('logs', 'unreachable');
    const down = await request(w.app).get(`/api/v1/runners/${r.name}/logs`).expect(503);
    checkResponse(down, 'GET', '/api/v1/runners/{id}/logs');
  });

  test('DELETE a runner: registration first, then the container; busy refused (409) unless forced; GitHub 422 -> 409', async () => {
    await running(2, 4);
    const runners = (await request(w.app).get('/api/v1/runners')).body.runners as { name: string; github_id: number }[];
    const [a, b] = runners;
    // b is running a job according to GitHub and the snapshot.
    const job = w.github.enqueueJob('acme/app', ['self-hosted', 'linux']);
    w.github.setJob(job.id, 'in_progress', b!.name);
    await waitFor('b to be busy', async () => (await request(w.app).get('/api/v1/runners')).body.runners.some((r: { name: string; busy: boolean }) => r.name === b!.name && r.busy));
    const refused = await request(w.app).delete(`/api/v1/runners/${b!.name}`).set(auth).expect(409);
    checkResponse(refused, 'DELETE', '/api/v1/runners/{id}');
    expect(refused.body.error.code).toBe('busy');
    w.github.clearCalls();
    w.runtime.clearCalls();
    const ok = await request(w.app).delete(`/api/v1/runners/${a!.name}`).set(auth).expect(200);
    checkResponse(ok, 'DELETE', '/api/v1/runners/{id}');
    expect(ok.body).toEqual({ name: a!.name, pool: 'ci', registration: 'deleted', container: 'removed' });
    expect(w.github.callsOf('deleteRegistration')[0]!.args[1]).toBe(a!.github_id);
    expect(w.runtime.calls.map((c) => c.method).filter((m) => m === 'stop' || m === 'remove').slice(0, 2)).toEqual(['stop', 'remove']);
    expect(w.github.registrations().some((r) => r.name === a!.name)).toBe(false);
    checkResponse(await request(w.app).delete('/api/v1/runners/ghost').set(auth).expect(404), 'DELETE', '/api/v1/runners/{id}');
    checkResponse(await request(w.app).delete(`/api/v1/runners/${b!.name}?force=maybe`).set(auth).expect(400), 'DELETE', '/api/v1/runners/{id}');
    w.github.failNext('deleteRegistration', 'unreachable');
    const down = await request(w.app).delete(`/api/v1/runners/${b!.name}?force=true`).set(auth).expect(503);
    checkResponse(down, 'DELETE', '/api/v1/runners/{id}');
    const forced = await request(w.app).delete(`/api/v1/runners/${b!.name}?force=true`).set(auth).expect(200);
    expect(forced.body.name).toBe(b!.name);
  });

  test('DELETE an idle-looking runner that GitHub says is busy (422) is a 409 and the container is kept', async () => {
    await running();
    const r = (await request(w.app).get('/api/v1/runners')).body.runners[0];
    // The last snapshot says idle; the job was assigned since (S01): GitHub refuses the delete (422 -> busy).
    await w.manager.stop();
    w.github.setRunner(r.name, { busy: true });
    const res = await request(w.app).delete(`/api/v1/runners/${r.name}`).set(auth).expect(409);
    checkResponse(res, 'DELETE', '/api/v1/runners/{id}');
    expect(res.body.error.code).toBe('busy');
    expect(w.runtime.all()).toHaveLength(1);
    expect(w.github.registrations()).toHaveLength(1);
  });

  test('scale-up asks the loop for more runners within max; 409 at max; 400 bad count; 404 unknown pool', async () => {
    await running(1, 3);
    const up = await request(w.app).post('/api/v1/runners/scale-up').set(auth).send({ count: 1 }).expect(202);
    checkResponse(up, 'POST', '/api/v1/runners/scale-up');
    expect(up.body).toMatchObject({ pool: 'ci', requested: 1 });
    await waitFor('2 runners', () => w.runtime.all().filter((c) => c.state === 'running').length === 2);
    const more = await request(w.app).post('/api/v1/runners/scale-up').set(auth).send({ pool: 'ci', count: 5 }).expect(202);
    expect(more.body.requested).toBe(1);
    await waitOnline(w, 'ci', 3);
    const full = await request(w.app).post('/api/v1/runners/scale-up').set(auth).expect(409);
    checkResponse(full, 'POST', '/api/v1/runners/scale-up');
    expect(full.body.error.code).toBe('at-max');
    expect(w.runtime.all()).toHaveLength(3);
    checkResponse(await request(w.app).post('/api/v1/runners/scale-up').set(auth).send({ count: 0 }).expect(400), 'POST', '/api/v1/runners/scale-up');
    checkResponse(await request(w.app).post('/api/v1/runners/scale-up').set(auth).send({ pool: 'nope' }).expect(404), 'POST', '/api/v1/runners/scale-up');
  });

  test('scale-down removes idle runners oldest first, never below min; 409 at min; 400 with several pools and no pool', async () => {
    await running(1, 4);
    await request(w.app).post('/api/v1/runners/scale-up').set(auth).send({ count: 2 }).expect(202);
    await waitOnline(w, 'ci', 3);
    const down = await request(w.app).post('/api/v1/runners/scale-down').set(auth).send({ count: 5 }).expect(200);
    checkResponse(down, 'POST', '/api/v1/runners/scale-down');
    expect(down.body.removed).toHaveLength(2);
    expect(down.body.kept_busy).toEqual([]);
    await waitOnline(w, 'ci', 1);
    const atMin = await request(w.app).post('/api/v1/runners/scale-down').set(auth).send({}).expect(409);
    checkResponse(atMin, 'POST', '/api/v1/runners/scale-down');
    w.load(poolYaml('gpu', { min: 0, prefix: 'gpu-' }));
    const which = await request(w.app).post('/api/v1/runners/scale-down').set(auth).send({}).expect(400);
    checkResponse(which, 'POST', '/api/v1/runners/scale-down');
    expect(which.body.error.details[0].path).toBe('pool');
    checkResponse(await request(w.app).post('/api/v1/runners/scale-down').set(auth).send({ pool: 'zzz' }).expect(404), 'POST', '/api/v1/runners/scale-down');
    checkResponse(await request(w.app).post('/api/v1/runners/scale-down').set(auth).send({ pool: 'ci', extra: 1 }).expect(400), 'POST', '/api/v1/runners/scale-down');
  });
});

afterAll(() => {
  // Every documented operation was exercised and its responses validated against the document.
  const seen = new Set([...covered].map((c) => c.split(' ').slice(0, 2).join(' ')));
  const missing = operations().filter((o) => !seen.has(o));
  expect(missing).toEqual([]);
});
