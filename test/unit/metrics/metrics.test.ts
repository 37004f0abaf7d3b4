import { spawnSync } from 'node:child_process';
import { createMetrics, parseExposition, sampleValue, type Metrics } from '../../../pkg/metrics/index.js';

const tick = {
  desired: 4,
  groups: { idle: 1, busy: 2, starting: 1 },
  queued: 3,
  breakerOpen: false,
  durationMs: 120,
  outcome: 'success',
  min: 2,
  max: 10,
};

async function scrape(m: Metrics) {
  return parseExposition(await m.text());
}

describe('createMetrics', () => {
  it('exposes the classic names with a pool label', async () => {
    const m = createMetrics(undefined, { defaultMetrics: false });
    m.observeTick('ci', { ...tick, breakerOpen: true });
    m.actionDone('ci', 'create', 'success', 2);
    m.actionDone('ci', 'create', 'failure');
    const s = await scrape(m);
    expect(sampleValue(s, 'runners_total', { pool: 'ci', status: 'busy' })).toBe(2);
    expect(sampleValue(s, 'runners_total', { pool: 'ci', status: 'idle' })).toBe(1);
    expect(sampleValue(s, 'runners_created_total', { pool: 'ci' })).toBe(2);
    expect(sampleValue(s, 'queue_length', { pool: 'ci' })).toBe(3);
    expect(sampleValue(s, 'circuit_breaker_active', { pool: 'ci' })).toBe(1);
  });

  it('exposes desired, observed by group, bounds, reconcile histogram and outcomes', async () => {
    const m = createMetrics(undefined, { defaultMetrics: false });
    m.observeTick('ci', tick);
    m.observeTick('ci', { ...tick, groups: { idle: 3 }, durationMs: 2000, outcome: 'in-cooldown' });
    const s = await scrape(m);
    expect(sampleValue(s, 'shghar_runners_desired', { pool: 'ci' })).toBe(4);
    expect(sampleValue(s, 'shghar_runners_observed', { pool: 'ci', group: 'idle' })).toBe(3);
    // A group missing from the latest tick reads zero, not its stale value.
    expect(sampleValue(s, 'shghar_runners_observed', { pool: 'ci', group: 'busy' })).toBe(0);
    expect(sampleValue(s, 'shghar_runners_min', { pool: 'ci' })).toBe(2);
    expect(sampleValue(s, 'shghar_runners_max', { pool: 'ci' })).toBe(10);
    expect(sampleValue(s, 'shghar_reconcile_duration_seconds_count', { pool: 'ci' })).toBe(2);
    expect(sampleValue(s, 'shghar_reconcile_duration_seconds_bucket', { pool: 'ci', le: '0.25' })).toBe(1);
    expect(sampleValue(s, 'shghar_reconcile_duration_seconds_sum', { pool: 'ci' })).toBeCloseTo(2.12);
    expect(sampleValue(s, 'shghar_reconcile_total', { pool: 'ci', outcome: 'success' })).toBe(1);
    expect(sampleValue(s, 'shghar_reconcile_total', { pool: 'ci', outcome: 'in-cooldown' })).toBe(1);
  });

  it('counts consecutive failed ticks and resets on any other outcome', async () => {
    const m = createMetrics(undefined, { defaultMetrics: false });
    for (let i = 0; i < 3; i++) m.observeTick('ci', { ...tick, outcome: 'error' });
    expect(sampleValue(await scrape(m), 'shghar_reconcile_consecutive_failures', { pool: 'ci' })).toBe(3);
    m.observeTick('ci', tick);
    expect(sampleValue(await scrape(m), 'shghar_reconcile_consecutive_failures', { pool: 'ci' })).toBe(0);
  });

  it('keeps the last observed gauges through a failed tick', async () => {
    const m = createMetrics(undefined, { defaultMetrics: false });
    m.observeTick('ci', { ...tick, breakerOpen: true });
    m.observeTick('ci', { desired: 0, groups: {}, queued: 0, breakerOpen: false, durationMs: 5, outcome: 'error' });
    const s = await scrape(m);
    expect(sampleValue(s, 'shghar_runners_observed', { pool: 'ci', group: 'busy' })).toBe(2);
    expect(sampleValue(s, 'shghar_runners_desired', { pool: 'ci' })).toBe(4);
    expect(sampleValue(s, 'circuit_breaker_active', { pool: 'ci' })).toBe(1);
    expect(sampleValue(s, 'shghar_reconcile_total', { pool: 'ci', outcome: 'error' })).toBe(1);
    expect(sampleValue(s, 'shghar_reconcile_duration_seconds_count', { pool: 'ci' })).toBe(2);
  });

  it('exposes actions, destroys, GitHub, rate limit, jobs, unmatched and Docker operations', async () => {
    const m = createMetrics(undefined, { defaultMetrics: false });
    m.actionDone('ci', 'scale-down', 'busy');
    m.runnerDestroyed('ci', 'idle-timeout');
    m.runnerDestroyed('ci', 'idle-timeout');
    m.githubRequest('GET /repos/{owner}/{repo}/actions/runners', 200);
    m.githubRequest('GET /repos/{owner}/{repo}/actions/runners', 304, true);
    m.githubRequest('POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig', 'error');
    m.rateLimit(4321, 1_700_000_000_500, 5000);
    m.jobPickup('ci', 7);
    m.jobPickup('ci', 45);
    m.jobRunTime('ci', 300);
    m.unmatchedJobs(2);
    m.dockerOperation('create', 'success');
    m.dockerOperation('create', 'failure');
    const s = await scrape(m);
    expect(sampleValue(s, 'shghar_actions_total', { pool: 'ci', kind: 'scale-down', result: 'busy' })).toBe(1);
    expect(sampleValue(s, 'shghar_runners_destroyed_total', { pool: 'ci', reason: 'idle-timeout' })).toBe(2);
    expect(sampleValue(s, 'shghar_github_requests_total', { status: '304' })).toBe(1);
    expect(sampleValue(s, 'shghar_github_requests_total', { status: 'error' })).toBe(1);
    expect(sampleValue(s, 'shghar_github_not_modified_total', { route: 'GET /repos/{owner}/{repo}/actions/runners' })).toBe(1);
    expect(sampleValue(s, 'shghar_github_rate_limit_remaining')).toBe(4321);
    expect(sampleValue(s, 'shghar_github_rate_limit_limit')).toBe(5000);
    expect(sampleValue(s, 'shghar_github_rate_limit_reset_timestamp_seconds')).toBe(1_700_000_000);
    expect(sampleValue(s, 'shghar_job_pickup_latency_seconds_bucket', { pool: 'ci', le: '10' })).toBe(1);
    expect(sampleValue(s, 'shghar_job_pickup_latency_seconds_bucket', { pool: 'ci', le: '60' })).toBe(2);
    expect(sampleValue(s, 'shghar_job_run_time_seconds_count', { pool: 'ci' })).toBe(1);
    expect(sampleValue(s, 'shghar_unmatched_queued_jobs')).toBe(2);
    expect(sampleValue(s, 'shghar_docker_operations_total', { kind: 'create', result: 'failure' })).toBe(1);
  });

  it('drops every series of a removed pool and keeps the others', async () => {
    const m = createMetrics(undefined, { defaultMetrics: false });
    for (const pool of ['a', 'b']) {
      m.observeTick(pool, tick);
      m.actionDone(pool, 'create', 'success');
      m.runnerDestroyed(pool, 'exited');
      m.jobPickup(pool, 3);
    }
    m.removePool('a');
    const s = await scrape(m);
    expect(s.filter((x) => x.labels.pool === 'a')).toEqual([]);
    expect(sampleValue(s, 'runners_created_total', { pool: 'b' })).toBe(1);
    expect(sampleValue(s, 'shghar_job_pickup_latency_seconds_count', { pool: 'b' })).toBe(1);
  });

  it('includes default process metrics and passes promtool check metrics', async () => {
    const m = createMetrics();
    m.observeTick('ci', tick);
    m.actionDone('ci', 'create', 'success');
    m.githubRequest('GET /orgs/{org}/actions/runners', 200);
    m.rateLimit(10, Date.now() + 60_000, 5000);
    m.jobPickup('ci', 12);
    m.jobRunTime('ci', 60);
    m.dockerOperation('start', 'success');
    m.unmatchedJobs(0);
    const text = await m.text();
    expect(m.contentType).toMatch(/^text\/plain/);
    expect(text).toContain('# TYPE runners_total untyped');
    expect(sampleValue(parseExposition(text), 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    const res = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(res.error).toBeUndefined();
    expect({ status: res.status, out: res.stdout + res.stderr }).toEqual({ status: 0, out: '' });
  });

  it('keeps separate registries independent', async () => {
    const a = createMetrics(undefined, { defaultMetrics: false });
    const b = createMetrics(undefined, { defaultMetrics: false });
    a.unmatchedJobs(5);
    expect(sampleValue(await scrape(b), 'shghar_unmatched_queued_jobs')).toBe(0);
  });
});
