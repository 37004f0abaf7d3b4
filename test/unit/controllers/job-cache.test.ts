import { JobCache } from '../../../controllers/job-cache.js';
import type { Job, JobStatus } from '../../../pkg/github/port.js';

const job = (id: number, status: JobStatus, extra: Partial<Job> = {}): Job => ({
  id,
  runId: 1,
  repository: 'acme/app',
  labels: ['self-hosted', 'linux'],
  status,
  createdAt: 0,
  ...extra,
});
const statuses = (c: JobCache) => Object.fromEntries(c.active().map((j) => [j.id, j.status]));

describe('JobCache: a job only moves forward', () => {
  test.each<[string, JobStatus[], JobStatus | undefined]>([
    ['queued then in_progress then completed', ['queued', 'in_progress', 'completed'], undefined],
    ['a stale queued after in_progress changes nothing', ['queued', 'in_progress', 'queued'], 'in_progress'],
    ['reordered: completed before in_progress stays completed', ['completed', 'in_progress', 'queued'], undefined],
    ['waiting and queued again (approval) is queued', ['queued', 'waiting', 'queued'], 'queued'],
    ['waiting is kept as waiting (not demand)', ['queued', 'waiting'], 'waiting'],
    ['a duplicated queued is one job', ['queued', 'queued', 'queued'], 'queued'],
  ])('%s', (_name, sequence, expected) => {
    const c = new JobCache();
    sequence.forEach((s, i) => c.apply(job(101, s), i));
    expect(statuses(c)[101]).toBe(expected);
  });

  test('a completed for a job never seen never adds demand and blocks a later stale queued', () => {
    const c = new JobCache();
    expect(c.apply(job(7, 'completed'), 0)).toBe(true);
    expect(c.active()).toHaveLength(0);
    expect(c.apply(job(7, 'queued'), 1)).toBe(false);
    expect(c.active()).toHaveLength(0);
  });

  test('ids are compared whole: ids sharing a long prefix are different jobs', () => {
    const c = new JobCache();
    c.apply(job(12345678901, 'queued'), 0);
    c.apply(job(12345678902, 'queued'), 0);
    expect(c.active().map((j) => j.id).sort()).toEqual([12345678901, 12345678902]);
  });

  test('an in_progress delivery keeps the runner name; a later one without it does not erase it', () => {
    const c = new JobCache();
    c.apply(job(1, 'in_progress', { runnerName: 'ci-abc' }), 0);
    c.apply(job(1, 'in_progress', { runnerName: null }), 1);
    expect(c.get(1)?.runnerName).toBe('ci-abc');
  });
});

describe('JobCache: polls are authoritative for what they cover', () => {
  test('an active job a later poll no longer lists is gone (cancelled or completed)', () => {
    const c = new JobCache();
    c.apply(job(1, 'queued'), 0);
    c.apply(job(2, 'queued'), 0);
    c.applyPoll(() => true, [job(1, 'queued')], 10, 10);
    expect(Object.keys(statuses(c))).toEqual(['1']);
  });

  test('a job that a webhook reported after the poll began survives the poll', () => {
    const c = new JobCache();
    c.apply(job(3, 'queued'), 15);
    c.applyPoll(() => true, [], 10, 20);
    expect(statuses(c)[3]).toBe('queued');
  });

  test('jobs of repositories the poll did not cover are left alone', () => {
    const c = new JobCache();
    c.apply(job(4, 'queued', { repository: 'acme/other' }), 0);
    c.applyPoll((r) => r === 'acme/app', [], 10, 10);
    expect(statuses(c)[4]).toBe('queued');
  });

  test('tombstones are pruned after the retention', () => {
    const c = new JobCache(1000);
    c.apply(job(5, 'completed'), 0);
    c.prune(2000);
    expect(c.get(5)).toBeUndefined();
  });
});

describe('JobCache: transitions for pickup and run-time metrics', () => {
  test('each forward move is reported once, duplicates and stale deliveries are not', () => {
    const seen: string[] = [];
    const c = new JobCache(undefined, (before, after) => seen.push(`${before?.status ?? '-'}>${after.status}`));
    c.apply(job(1, 'queued', { createdAt: 1000 }), 0);
    c.apply(job(1, 'queued'), 1);
    c.apply(job(1, 'in_progress', { startedAt: 4000 }), 2);
    c.apply(job(1, 'queued'), 3);
    c.apply(job(1, 'completed', { completedAt: 9000 }), 4);
    c.apply(job(1, 'completed'), 5);
    expect(seen).toEqual(['->queued', 'queued>in_progress', 'in_progress>completed']);
    expect(c.get(1)).toEqual(expect.objectContaining({ createdAt: 1000, startedAt: 4000, completedAt: 9000 }));
  });
});

