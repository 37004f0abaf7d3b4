import { FakeGitHub } from '../../../pkg/github/fake.js';
import type { Scope } from '../../../pkg/spec/types.js';

const S: Scope = { kind: 'repo', owner: 'o', repo: 'r' };

describe('FakeGitHub', () => {
  test('records calls in order, failed ones included; failNext fails exactly n times', async () => {
    const gh = new FakeGitHub();
    gh.failNext('createJitConfig', 503, 2);
    for (let i = 0; i < 2; i++) await expect(gh.createJitConfig(S, { name: 'a', labels: ['x'] })).rejects.toMatchObject({ kind: 'retryable', status: 503 });
    await gh.createJitConfig(S, { name: 'a', labels: ['x'] });
    await gh.listRegistrations(S);
    expect(gh.calls.map((c) => c.method)).toEqual(['createJitConfig', 'createJitConfig', 'createJitConfig', 'listRegistrations']);
    expect(gh.jitConfigs.get('a')).toEqual(expect.any(String));
  });

  test('a job in progress on a runner makes it busy (delete answers busy) until the job completes', async () => {
    const gh = new FakeGitHub();
    const { runner } = await gh.createJitConfig(S, { name: 'ci-1', labels: ['self-hosted'] });
    gh.bringOnline('ci-1');
    const job = gh.enqueueJob('o/r', ['self-hosted']);
    gh.setJob(job.id, 'in_progress', 'ci-1');
    expect((await gh.listJobs(S))[0]).toMatchObject({ status: 'in_progress', runnerName: 'ci-1' });
    expect(await gh.deleteRegistration(S, runner.id)).toBe('busy');
    gh.setJob(job.id, 'completed');
    expect(await gh.listJobs(S)).toEqual([]);
    expect(await gh.deleteRegistration(S, runner.id)).toBe('deleted');
  });

  test('an exhausted rate limit fails every call until the clock passes the reset', async () => {
    let now = 1000;
    const gh = new FakeGitHub({ now: () => now });
    gh.exhaustRateLimit(61_000);
    await expect(gh.listJobs(S)).rejects.toMatchObject({ kind: 'rate-limited', retryAfterMs: 60_000 });
    expect(gh.rateLimit()).toMatchObject({ remaining: 0 });
    now = 61_000;
    await expect(gh.listJobs(S)).resolves.toEqual([]);
    expect(gh.rateLimit()).toMatchObject({ remaining: 4999, used: 1 });
  });

  test('registrations of another scope are invisible and cannot be deleted from here', async () => {
    const gh = new FakeGitHub();
    const other = gh.addRegistration({ kind: 'org', org: 'o' }, { name: 'x' });
    expect(await gh.listRegistrations(S)).toEqual([]);
    expect(await gh.deleteRegistration(S, other.id)).toBe('not-found');
  });
});
