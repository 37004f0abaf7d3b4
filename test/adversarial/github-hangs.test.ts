import { ErrorKind, PortError } from '../../pkg/errors.js';
import { createGitHubPort } from '../../pkg/github/octokit-port.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';

/**
 * GitHub (or a proxy in front of it) accepts the connection and never answers. Without a request timeout the
 * pool's tick awaited that request forever: no minimum upkeep from Docker's view, no replacement of dead runners.
 * Each request must give up after its timeout as "unreachable", which the loop already handles safely.
 */
let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  await sim.control.setFaults([]);
  await sim.close();
});

test('a request GitHub never answers fails as unreachable after the request timeout', async () => {
  const gh = createGitHubPort({ baseUrl: sim.url, auth: { kind: 'token', token: 'sim-token' }, writeSpacingMs: 0, retries: 0, requestTimeoutMs: 500 });
  await sim.control.setFaults([{ route: 'GET /repos/{owner}/{repo}/actions/runners', latencyMs: 20_000, count: 1 }]);
  const began = Date.now();
  const err = await gh.listRegistrations({ kind: 'repo', owner: 'acme', repo: 'app' }).then(() => undefined, (e: unknown) => e);
  expect(Date.now() - began).toBeLessThan(3_000);
  expect(err).toBeInstanceOf(PortError);
  expect((err as PortError).kind).toBe(ErrorKind.Unreachable);
  // the next request, answered normally, goes through
  await expect(gh.listRegistrations({ kind: 'repo', owner: 'acme', repo: 'app' })).resolves.toEqual([]);
}, 30_000);
