import { ErrorKind, PortError } from '../../pkg/errors.js';
import { createGitHubPort } from '../../pkg/github/octokit-port.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';

/**
 * GitHub's secondary rate limit can ask for a long pause (retry-after of minutes). The port used to wait it out
 * inside the request, freezing the pool's loop (and its minimum upkeep from Docker's view) for that long. A long
 * pause must fail fast as "rate limited" so the loop carries on; a short one is still waited out.
 */
let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  await sim.close();
});

const ROUTE = 'GET /repos/{owner}/{repo}/actions/runners';
const scope = { kind: 'repo' as const, owner: 'acme', repo: 'app' };

test('a long secondary rate limit fails fast as rate-limited', async () => {
  const gh = createGitHubPort({ baseUrl: sim.url, auth: { kind: 'token', token: 'sim-token' }, writeSpacingMs: 0, retryBaseMs: 50, maxRateLimitWaitMs: 2_000 });
  await sim.control.setFaults([{ route: ROUTE, secondaryRateLimit: { rate: 1, retryAfterSec: 600 }, count: 3 }]);
  const began = Date.now();
  const err = await gh.listRegistrations(scope).then(() => undefined, (e: unknown) => e);
  expect(Date.now() - began).toBeLessThan(3_000);
  expect(err).toBeInstanceOf(PortError);
  expect((err as PortError).kind).toBe(ErrorKind.RateLimited);
}, 10_000);

test('a short secondary rate limit is waited out and the call succeeds', async () => {
  const gh = createGitHubPort({ baseUrl: sim.url, auth: { kind: 'token', token: 'sim-token' }, writeSpacingMs: 0, retryBaseMs: 50, maxRateLimitWaitMs: 5_000 });
  await sim.control.setFaults([{ route: ROUTE, secondaryRateLimit: { rate: 1, retryAfterSec: 1 }, count: 1 }]);
  await expect(gh.listRegistrations(scope)).resolves.toEqual([]);
}, 10_000);
