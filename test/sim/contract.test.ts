// Every body the simulator serves, successes and errors, validated against the operation's response schema in
// GitHub's OpenAPI description (committed subset, see scripts/extract-openapi.mjs).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { FakeRunner } from '../../pkg/sim/fake-runner.js';
import { TOKEN, until } from './helpers.js';
import { normalizeNullable } from './openapi-schema.js';

const spec = JSON.parse(readFileSync(new URL('../fixtures/openapi/api.github.com.subset.json', import.meta.url), 'utf8'));
const ops = normalizeNullable(spec.operations) as Record<string, { responses: Record<string, object | null> }>;
// `nullable` (OpenAPI 3.0) is understood by Ajv 8 natively; strict off for OpenAPI-only keywords such as `example`.
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const basicError = ops['GET /orgs/{org}/actions/runners/{runner_id}/labels'].responses['404']!;
const templates = Object.keys(ops).map((k) => {
  const [method, path] = k.split(' ');
  return { key: k, method, regex: new RegExp('^' + path.replace(/\{\w+\}/g, '[^/]+') + '$') };
});

interface Seen { op: string; status: number; body: unknown }
const seen: Seen[] = [];
let sim: Simulator;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(sim.url + path, {
    method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const pathname = new URL(sim.url + path).pathname;
  const op = templates.find((t) => t.method === method && t.regex.test(pathname))?.key ?? '(none)';
  const parsed = text ? JSON.parse(text) : undefined;
  seen.push({ op, status: res.status, body: parsed });
  return { status: res.status, body: parsed, headers: res.headers };
}

beforeAll(async () => { sim = await startSimulator({ heartbeatTimeoutMs: 2000 }); });
afterAll(async () => { await sim.close(); });

test('exercise every operation, then validate every body against its schema', async () => {
  for (const base of ['/repos/acme/app', '/orgs/acme']) {
    const R = `${base}/actions/runners`;
    const jit = await call('POST', `${R}/generate-jitconfig`, { name: 'c1', runner_group_id: 1, labels: ['gpu'] });
    expect(jit.status).toBe(201);
    expect((await call('POST', `${R}/generate-jitconfig`, { name: 'c1', runner_group_id: 1, labels: ['gpu'] })).status).toBe(409);
    expect((await call('POST', `${R}/generate-jitconfig`, { name: 'c2', runner_group_id: 1, labels: [] })).status).toBe(422);
    expect((await call('POST', `${R}/registration-token`)).status).toBe(201);
    expect((await call('POST', `${R}/remove-token`)).status).toBe(201);
    const runner = new FakeRunner({ jitConfig: jit.body.encoded_jit_config, pollWaitMs: 100 });
    await runner.start();
    const id = jit.body.runner.id;
    expect((await call('GET', R)).status).toBe(200);
    expect((await call('GET', `${R}/${id}`)).status).toBe(200);
    expect((await call('GET', `${R}/424242`)).status).toBe(404);
    expect((await call('GET', `${R}/${id}/labels`)).status).toBe(200);
    expect((await call('POST', `${R}/${id}/labels`, { labels: ['extra'] })).status).toBe(200);
    expect((await call('POST', `${R}/${id}/labels`, { labels: [] })).status).toBe(422);
    expect((await call('PUT', `${R}/${id}/labels`, { labels: ['gpu', 'more'] })).status).toBe(200);
    expect((await call('DELETE', `${R}/${id}/labels/more`)).status).toBe(200);
    expect((await call('DELETE', `${R}/${id}/labels/more`)).status).toBe(404);
    const job = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['gpu'], durationMs: 400 });
    await until('busy', async () => (await sim.control.state()).jobs.find((j) => j.id === job.id)?.status === 'in_progress');
    expect((await call('GET', `/repos/acme/app/actions/runs?status=in_progress`)).status).toBe(200);
    expect((await call('GET', `/repos/acme/app/actions/runs/${job.runId}/jobs`)).status).toBe(200);
    expect((await call('GET', `/repos/acme/app/actions/jobs/${job.id}`)).status).toBe(200);
    expect((await call('DELETE', `${R}/${id}`)).status).toBe(422);
    await runner.done;
    expect((await call('GET', `/repos/acme/app/actions/jobs/${job.id}`)).status).toBe(200);
    expect((await call('DELETE', `${R}/${id}`)).status).toBe(404);
    const idle = await call('POST', `${R}/generate-jitconfig`, { name: 'c3', runner_group_id: 1, labels: ['x'] });
    expect((await call('DELETE', `${R}/${idle.body.runner.id}`)).status).toBe(204);
  }
  await sim.control.enqueueJob({ repository: 'acme/app', labels: ['nobody'], durationMs: 1 });
  expect((await call('GET', '/repos/acme/app/actions/runs?status=queued')).status).toBe(200);
  expect((await call('GET', '/rate_limit')).status).toBe(200);
  const repos = await call('GET', '/orgs/acme/repos?per_page=100');
  expect(repos.status).toBe(200);
  expect(repos.body.map((r: { full_name: string }) => r.full_name)).toEqual(['acme/app']);
  expect((await call('GET', '/repos/acme/app/actions/runners', undefined, { authorization: 'token wrong' })).status).toBe(401);
  await sim.control.setFaults([{ route: 'GET /repos/{owner}/{repo}/actions/runners', errorRate: 1, status: 503, count: 1 }]);
  expect((await call('GET', '/repos/acme/app/actions/runners')).status).toBe(503);
  await sim.control.setRateLimit({ remaining: 0, resetAt: Date.now() + 60_000 });
  expect((await call('GET', '/repos/acme/app/actions/runners')).status).toBe(403);
  await sim.control.reset();

  const failures: string[] = [];
  for (const s of seen) {
    const op = ops[s.op];
    expect(op).toBeDefined();
    const schema = op.responses[String(s.status)] ?? (s.status >= 400 ? basicError : undefined);
    if (s.body === undefined) { expect([204, 304]).toContain(s.status); continue; }
    if (!schema) { failures.push(`${s.op} ${s.status}: no schema in the description`); continue; }
    const validate = ajv.compile(schema);
    if (!validate(s.body)) failures.push(`${s.op} ${s.status}: ${ajv.errorsText(validate.errors)}`);
  }
  expect(failures).toEqual([]);
  expect(seen.length).toBeGreaterThan(40);
  const covered = new Set(seen.filter((s) => s.status < 300).map((s) => s.op));
  expect(Object.keys(ops).filter((k) => !covered.has(k) && !k.startsWith('POST /app/'))).toEqual([]);
});
