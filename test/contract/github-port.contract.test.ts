import { PortError } from '../../pkg/errors.js';
import { FakeGitHub } from '../../pkg/github/fake.js';
import { createGitHubPort } from '../../pkg/github/octokit-port.js';
import type { GitHubPort } from '../../pkg/github/port.js';
import type { Scope } from '../../pkg/spec/types.js';
import { startSimulator } from '../../pkg/sim/index.js';

/** A GitHub the suite can shape, and the port under test looking at it. */
interface World {
  port: GitHubPort;
  seedRegistration(scope: Scope, r: { name: string; labels: string[]; status: 'online' | 'offline'; busy?: boolean }): Promise<number>;
  enqueueJob(repository: string, labels: string[], status?: 'queued' | 'waiting', runId?: number): Promise<number>;
  exhaustRateLimit(resetAt: number): Promise<void>;
  /** The runner list answers 503 for longer than any retry budget. */
  breakRunnerList(scope: Scope): Promise<void>;
  cutNetwork(): Promise<void>;
  close(): Promise<void>;
}

const scopeString = (s: Scope): string => (s.kind === 'repo' ? `${s.owner}/${s.repo}` : s.org);

const fakeWorld = async (): Promise<World> => {
  const gh = new FakeGitHub();
  return {
    port: gh,
    seedRegistration: async (scope, r) => gh.addRegistration(scope, r).id,
    enqueueJob: async (repository, labels, status = 'queued', runId) =>
      gh.enqueueJob(repository, labels, { status, ...(runId ? { runId } : {}) }).id,
    exhaustRateLimit: async (resetAt) => gh.exhaustRateLimit(resetAt),
    breakRunnerList: async () => void gh.failNext('listRegistrations', 503, 100),
    cutNetwork: async () => void gh.failNext('*', 'unreachable', 100),
    close: async () => undefined,
  };
};

const simWorld = async (): Promise<World> => {
  const sim = await startSimulator();
  const port = createGitHubPort({
    baseUrl: sim.url,
    auth: { kind: 'token', token: 'sim-token' },
    retries: 1,
    retryBaseMs: 10,
    writeSpacingMs: 0,
  });
  return {
    port,
    seedRegistration: async (scope, r) => (await sim.control.seedRegistration({ scope: scopeString(scope), ...r })).id,
    enqueueJob: async (repository, labels, status = 'queued', runId) =>
      (await sim.control.enqueueJob({ repository, labels, durationMs: 600_000, status, ...(runId ? { runId } : {}) })).id,
    exhaustRateLimit: (resetAt) => sim.control.setRateLimit({ remaining: 0, resetAt }),
    breakRunnerList: (scope) =>
      sim.control.setFaults([
        { route: `GET ${scope.kind === 'repo' ? '/repos/{owner}/{repo}' : '/orgs/{org}'}/actions/runners`, errorRate: 1, status: 503 },
      ]),
    cutNetwork: () => sim.control.setUnreachable(true),
    close: () => sim.close(),
  };
};

async function failure(p: Promise<unknown>): Promise<PortError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PortError);
  return e as PortError;
}

const REPO: Scope = { kind: 'repo', owner: 'acme', repo: 'app' };
const ORG: Scope = { kind: 'org', org: 'acme', repositories: ['app', 'acme/lib'] };

describe.each([
  ['FakeGitHub', fakeWorld],
  ['Octokit port on the simulator', simWorld],
])('GitHubPort contract: %s', (_name, makeWorld) => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(() => w.close());

  describe.each([
    ['repository', REPO],
    ['organization', ORG],
  ])('%s scope', (_s, scope) => {
    test('a JIT config registers the runner offline with its labels; the same name again is a conflict', async () => {
      const jit = await w.port.createJitConfig(scope, { name: 'ci-abc123', labels: ['self-hosted', 'gpu'] });
      expect(jit.encodedJitConfig.length).toBeGreaterThan(10);
      expect(jit.runner).toMatchObject({ name: 'ci-abc123', status: 'offline', busy: false });
      expect(jit.runner.labels).toEqual(expect.arrayContaining(['self-hosted', 'gpu']));
      const regs = await w.port.listRegistrations(scope);
      expect(regs.map((r) => [r.id, r.name])).toEqual([[jit.runner.id, 'ci-abc123']]);
      expect((await failure(w.port.createJitConfig(scope, { name: 'ci-abc123', labels: ['x'] }))).kind).toBe('conflict');
    });

    test('registrations are listed across pages', async () => {
      const ids = new Set<number>();
      for (let i = 0; i < 230; i++) ids.add(await w.seedRegistration(scope, { name: `r-${i}`, labels: ['self-hosted'], status: 'online' }));
      const regs = await w.port.listRegistrations(scope);
      expect(regs).toHaveLength(230);
      expect(new Set(regs.map((r) => r.id))).toEqual(ids);
      expect(regs.find((r) => r.name === 'r-7')).toMatchObject({ status: 'online', busy: false });
    });

    test('delete: deleted, then not-found; a busy runner answers busy and stays', async () => {
      const idle = await w.seedRegistration(scope, { name: 'idle', labels: ['self-hosted'], status: 'online' });
      const busy = await w.seedRegistration(scope, { name: 'busy', labels: ['self-hosted'], status: 'online', busy: true });
      expect(await w.port.deleteRegistration(scope, idle)).toBe('deleted');
      expect(await w.port.deleteRegistration(scope, idle)).toBe('not-found');
      expect(await w.port.deleteRegistration(scope, busy)).toBe('busy');
      expect((await w.port.listRegistrations(scope)).map((r) => [r.name, r.busy])).toEqual([['busy', true]]);
    });

    test('a registration token is a secret string that expires in the future', async () => {
      const t = await w.port.createRegistrationToken(scope);
      expect(t.token).toMatch(/^\S{20,}$/);
      expect(t.expiresAt).toBeGreaterThan(Date.now());
    });
  });

  test('listJobs (repository): queued and waiting jobs of that repository only, with their labels', async () => {
    const a = await w.enqueueJob('acme/app', ['self-hosted', 'Linux']);
    const b = await w.enqueueJob('acme/app', ['self-hosted', 'gpu']);
    const c = await w.enqueueJob('acme/app', ['self-hosted'], 'waiting');
    await w.enqueueJob('acme/other', ['self-hosted']);
    const jobs = await w.port.listJobs(REPO);
    expect(jobs.map((j) => j.id).sort()).toEqual([a, b, c].sort());
    expect(jobs.find((j) => j.id === a)).toMatchObject({ repository: 'acme/app', labels: ['self-hosted', 'Linux'], status: 'queued' });
    expect(jobs.find((j) => j.id === c)!.status).toBe('waiting');
    expect(jobs.every((j) => j.createdAt > 0 && j.runId > 0)).toBe(true);
  });

  test('listJobs (repository): several jobs of one run are each listed once', async () => {
    const first = await w.enqueueJob('acme/app', ['self-hosted']);
    const run = (await w.port.listJobs(REPO))[0]!.runId;
    const second = await w.enqueueJob('acme/app', ['self-hosted', 'big'], 'queued', run);
    const jobs = await w.port.listJobs(REPO);
    expect(jobs.map((j) => j.id).sort()).toEqual([first, second].sort());
    expect(new Set(jobs.map((j) => j.runId))).toEqual(new Set([run]));
  });

  test('listJobs (organization): over the configured repositories only', async () => {
    const a = await w.enqueueJob('acme/app', ['self-hosted']);
    const b = await w.enqueueJob('acme/lib', ['self-hosted']);
    await w.enqueueJob('acme/secret', ['self-hosted']);
    const jobs = await w.port.listJobs(ORG);
    expect(jobs.map((j) => j.id).sort()).toEqual([a, b].sort());
  });

  test('rateLimit(): undefined before any call, then the last state seen', async () => {
    expect(w.port.rateLimit()).toBeUndefined();
    await w.port.listRegistrations(REPO);
    const rl = w.port.rateLimit()!;
    expect(rl.limit).toBeGreaterThan(0);
    expect(rl.remaining).toBeLessThan(rl.limit);
    expect(rl.resetAt).toBeGreaterThan(Date.now());
  });

  test('an exhausted rate limit with a distant reset fails fast as rate-limited with the wait', async () => {
    await w.port.listRegistrations(REPO);
    await w.exhaustRateLimit(Date.now() + 3_600_000);
    const t0 = Date.now();
    const e = await failure(w.port.createJitConfig(REPO, { name: 'x', labels: ['self-hosted'] }));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(e.kind).toBe('rate-limited');
    expect(e.retryAfterMs).toBeGreaterThan(3_000_000);
  });

  test('a 503 that outlasts the retries is retryable', async () => {
    await w.breakRunnerList(REPO);
    const e = await failure(w.port.listRegistrations(REPO));
    expect(e.kind).toBe('retryable');
    expect(e.status).toBe(503);
  });

  test('an unreachable GitHub is unreachable', async () => {
    await w.cutNetwork();
    expect((await failure(w.port.listJobs(REPO))).kind).toBe('unreachable');
  });
});
