import { generateKeyPairSync } from 'node:crypto';
import { PortError } from '../../pkg/errors.js';
import { createGitHubPort, type GitHubPortOptions, type RequestInfo } from '../../pkg/github/octokit-port.js';
import type { Scope } from '../../pkg/spec/types.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';

/** What only the real adapter does: conditional requests, throttling, retries, app auth, keeping secrets out. */
const REPO: Scope = { kind: 'repo', owner: 'acme', repo: 'app' };
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP = { appId: 4242, installationId: 77, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ apps: [{ appId: APP.appId, installationId: APP.installationId, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }] });
});
afterAll(() => sim.close());
beforeEach(() => sim.control.reset());

const port = (over: Partial<GitHubPortOptions> = {}) =>
  createGitHubPort({ baseUrl: sim.url, auth: { kind: 'token', token: 'sim-token' }, retries: 2, retryBaseMs: 10, writeSpacingMs: 0, ...over });

async function failure(p: Promise<unknown>): Promise<PortError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(PortError);
  return e as PortError;
}

test('an unchanged list is answered 304 from the ETag cache, with the same data and no budget spent', async () => {
  const seen: RequestInfo[] = [];
  const gh = port({ onRequest: (i) => seen.push(i) });
  await sim.control.seedRegistration({ scope: 'acme/app', name: 'r1', status: 'online' });
  const first = await gh.listRegistrations(REPO);
  const remaining = gh.rateLimit()!.remaining;
  const second = await gh.listRegistrations(REPO);
  expect(second).toEqual(first);
  expect(seen.map((s) => [s.route, s.status, s.notModified])).toEqual([
    ['GET /repos/{owner}/{repo}/actions/runners', 200, false],
    ['GET /repos/{owner}/{repo}/actions/runners', 304, true],
  ]);
  expect(gh.rateLimit()!.remaining).toBe(remaining);
  expect((await sim.control.counters()).notModified).toBe(1);
  // A change is seen at once: the ETag no longer matches.
  await sim.control.seedRegistration({ scope: 'acme/app', name: 'r2', status: 'offline' });
  expect((await gh.listRegistrations(REPO)).map((r) => r.name)).toEqual(['r1', 'r2']);
});

test('a single 503 is retried transparently', async () => {
  await sim.control.setFaults([{ route: 'GET /repos/{owner}/{repo}/actions/runners', errorRate: 1, status: 503, count: 1 }]);
  const seen: RequestInfo[] = [];
  await expect(port({ onRequest: (i) => seen.push(i) }).listRegistrations(REPO)).resolves.toEqual([]);
  expect(seen.map((s) => s.status)).toEqual([200]);
});

test('a secondary rate limit is retried after retry-after', async () => {
  await sim.control.setFaults([{ route: 'POST /repos/{owner}/{repo}/actions/runners/registration-token', secondaryRateLimit: { rate: 1, retryAfterSec: 1 }, count: 1 }]);
  const t0 = Date.now();
  await expect(port().createRegistrationToken(REPO)).resolves.toMatchObject({ token: expect.any(String) });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
});

test('a secondary rate limit that persists fails as rate-limited', async () => {
  await sim.control.setFaults([{ route: '*', secondaryRateLimit: { rate: 1, retryAfterSec: 1 } }]);
  const e = await failure(port({ secondaryRateLimitRetries: 0 }).listRegistrations(REPO));
  expect(e.kind).toBe('rate-limited');
  expect(e.retryAfterMs).toBe(1000);
});

test('a primary rate limit that resets soon is waited out', async () => {
  const gh = port({ maxRateLimitWaitMs: 10_000 });
  await sim.control.setRateLimit({ remaining: 0, resetAt: Date.now() + 500 });
  await expect(gh.listRegistrations(REPO)).resolves.toEqual([]);
  expect(gh.rateLimit()!.remaining).toBeGreaterThan(0);
});

test('bad credentials are terminal, and the token appears nowhere in the error', async () => {
  const secret = 'ghp_ThisIsASecretThatMustNotLeak0000';
  const e = await failure(port({ auth: { kind: 'token', token: secret } }).listRegistrations(REPO));
  expect(e.kind).toBe('terminal');
  expect(e.status).toBe(401);
  expect(`${e.message} ${e.stack} ${JSON.stringify(e)}`).not.toContain(secret);
});

test('JIT configs never appear in errors or request reports', async () => {
  const seen: string[] = [];
  const gh = port({ onRequest: (i) => seen.push(JSON.stringify(i)) });
  const jit = await gh.createJitConfig(REPO, { name: 'ci-1', labels: ['self-hosted'] });
  const e = await failure(gh.createJitConfig(REPO, { name: 'ci-1', labels: ['self-hosted'] }));
  expect(e.kind).toBe('conflict');
  expect(seen.join(' ') + e.message).not.toContain(jit.encodedJitConfig);
  expect(seen.join(' ')).toContain('generate-jitconfig');
});

test('GitHub App auth: an installation token from a signed JWT is used for the API', async () => {
  const gh = port({ auth: { kind: 'app', ...APP } });
  const jit = await gh.createJitConfig(REPO, { name: 'app-runner', labels: ['self-hosted'] });
  expect((await gh.listRegistrations(REPO)).map((r) => r.id)).toEqual([jit.runner.id]);
  const counters = await sim.control.counters();
  expect(counters.byRoute['POST /app/installations/{installation_id}/access_tokens']).toEqual({ 201: 1 });
});

test('GitHub App auth with the wrong key is terminal and leaks no key material', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const e = await failure(port({ auth: { kind: 'app', ...APP, privateKeyPem: other } }).listRegistrations(REPO));
  expect(e.kind).toBe('terminal');
  expect(e.message).not.toContain('PRIVATE KEY');
});

test('writes are spaced by writeSpacingMs', async () => {
  const gh = port({ writeSpacingMs: 300 });
  const t0 = Date.now();
  await Promise.all([1, 2, 3].map((i) => gh.createJitConfig(REPO, { name: `s-${i}`, labels: ['self-hosted'] })));
  expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
});
