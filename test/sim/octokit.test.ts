// The real @octokit/rest (with plugin-throttling) and @octokit/auth-app pointed at the simulator.
import { generateKeyPairSync } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { createAppAuth } from '@octokit/auth-app';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const Throttled = Octokit.plugin(throttling);
// Expected errors are asserted; Octokit's request log would only repeat them.
const log = { debug() {}, info() {}, warn() {}, error() {} };
let sim: Simulator;
beforeAll(async () => { sim = await startSimulator({ apps: [{ appId: 42, installationId: 7, publicKeyPem: publicKey }] }); });
afterAll(async () => { await sim.close(); });
beforeEach(async () => { await sim.control.reset(); });

const client = (onRateLimit = () => false) =>
  new Throttled({ log, auth: 'sim-token', baseUrl: sim.url, throttle: { onRateLimit, onSecondaryRateLimit: () => false } });

test('octokit.paginate pages through 250 runners with Link headers', async () => {
  for (let i = 0; i < 250; i++) await sim.control.seedRegistration({ scope: 'acme/app', name: `r-${i}`, labels: ['x'], status: 'online' });
  const octokit = client();
  const runners = await octokit.paginate(octokit.rest.actions.listSelfHostedRunnersForRepo, { owner: 'acme', repo: 'app', per_page: 100 });
  expect(runners).toHaveLength(250);
  expect(new Set(runners.map((r) => r.name)).size).toBe(250);
  const c = await sim.control.counters();
  expect(c.byRoute['GET /repos/{owner}/{repo}/actions/runners']).toEqual({ 200: 3 });
});

test('repeated conditional GETs get 304 and spend no budget', async () => {
  await sim.control.seedRegistration({ scope: 'acme', name: 'org-r', labels: ['x'], status: 'online' });
  const octokit = client();
  const first = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: 'acme' });
  const etag = first.headers.etag!;
  const before = Number(first.headers['x-ratelimit-remaining']);
  for (let i = 0; i < 3; i++) {
    await expect(octokit.rest.actions.listSelfHostedRunnersForOrg({ org: 'acme', headers: { 'if-none-match': etag } })).rejects.toMatchObject({ status: 304 });
  }
  const rate = await octokit.rest.rateLimit.get();
  expect(rate.data.rate.remaining).toBe(before);
  expect((await sim.control.counters()).notModified).toBe(3);
});

test('plugin-throttling holds requests back while the budget is spent, then they go through after the reset', async () => {
  const calls: number[] = [];
  const octokit = client(((retryAfter: number) => { calls.push(retryAfter); return calls.length < 3; }) as () => boolean);
  const resetAt = Date.now() + 1500;
  await sim.control.setRateLimit({ remaining: 0, resetAt });
  const res = await octokit.rest.actions.listSelfHostedRunnersForRepo({ owner: 'acme', repo: 'app' });
  expect(res.status).toBe(200);
  expect(calls.length).toBeGreaterThanOrEqual(1);
  expect(Date.now()).toBeGreaterThanOrEqual(resetAt - 50);
  expect((await sim.control.counters()).byRoute['GET /repos/{owner}/{repo}/actions/runners'][403]).toBeGreaterThanOrEqual(1);
});

test('the budget is really enforced: 403 with remaining 0 once spent', async () => {
  const small = await startSimulator({ hourlyBudget: 3 });
  try {
    const octokit = new Octokit({ log, auth: 'sim-token', baseUrl: small.url });
    for (let i = 0; i < 3; i++) await octokit.rest.actions.listSelfHostedRunnersForRepo({ owner: 'a', repo: 'b' });
    await expect(octokit.rest.actions.listSelfHostedRunnersForRepo({ owner: 'a', repo: 'b' }))
      .rejects.toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
  } finally { await small.close(); }
});

test('GitHub App auth: a JWT signed by the configured key gets an installation token the API accepts', async () => {
  const octokit = new Octokit({ log, baseUrl: sim.url, authStrategy: createAppAuth, auth: { appId: 42, privateKey, installationId: 7 } });
  const res = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: 'acme' });
  expect(res.status).toBe(200);
  const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const bad = new Octokit({ log, baseUrl: sim.url, authStrategy: createAppAuth, auth: { appId: 42, privateKey: other.privateKey, installationId: 7 } });
  await expect(bad.rest.actions.listSelfHostedRunnersForOrg({ org: 'acme' })).rejects.toMatchObject({ status: 401 });
});

test('secondary rate limits carry retry-after; the unreachable switch resets connections', async () => {
  await sim.control.setFaults([{ route: '*', secondaryRateLimit: { rate: 1, retryAfterSec: 7 }, count: 1 }]);
  const octokit = new Octokit({ log, auth: 'sim-token', baseUrl: sim.url });
  await expect(octokit.rest.actions.listSelfHostedRunnersForRepo({ owner: 'a', repo: 'b' }))
    .rejects.toMatchObject({ status: 403, response: { headers: { 'retry-after': '7' } } });
  await sim.control.setUnreachable(true);
  await expect(octokit.rest.actions.listSelfHostedRunnersForRepo({ owner: 'a', repo: 'b' })).rejects.toThrow();
  await sim.control.setUnreachable(false);
  expect((await octokit.rest.actions.listSelfHostedRunnersForRepo({ owner: 'a', repo: 'b' })).status).toBe(200);
});
