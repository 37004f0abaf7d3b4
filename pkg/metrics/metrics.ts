import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type Metric,
  type MetricObjectWithValues,
  type MetricType,
  type MetricValue,
} from 'prom-client';

/** Results the loop reports for an action or a Docker operation. Free strings are accepted; these are the usual ones. */
export const Result = { Success: 'success', Failure: 'failure', Skipped: 'skipped', Held: 'held', Busy: 'busy' } as const;

/** One reconcile tick, as the loop reports it. */
export interface TickObservation {
  desired: number;
  /** observed runners per group (idle, busy, starting, stuck, exited, orphan, ...) */
  groups: Record<string, number>;
  /** queued jobs this pool can serve */
  queued: number;
  breakerOpen: boolean;
  durationMs: number;
  /**
   * `success`, `error`, `in-cooldown`, `github-unreachable`, ... Anything but `error` resets the failure streak; an
   * `error` tick counts only duration, outcome and streak, and leaves the runner/queue/breaker gauges as they were.
   */
  outcome: string;
  /** the spec's bounds, so alerts can compare observed runners to the minimum */
  min?: number;
  max?: number;
}

export interface Metrics {
  readonly registry: Registry;
  /** Content-Type for the scrape response. */
  readonly contentType: string;
  observeTick(pool: string, tick: TickObservation): void;
  /** Counts `create` + `success` as `count` runners created too. */
  actionDone(pool: string, kind: string, result: string, count?: number): void;
  runnerDestroyed(pool: string, reason: string): void;
  /** `status` is the HTTP code, or a word such as `error` when no response came. */
  githubRequest(route: string, status: number | string, notModified?: boolean): void;
  /** `resetAt` is epoch ms. */
  rateLimit(remaining: number, resetAt: number, limit?: number): void;
  jobPickup(pool: string, seconds: number): void;
  jobRunTime(pool: string, seconds: number): void;
  unmatchedJobs(n: number): void;
  dockerOperation(kind: string, result: string): void;
  /** Drops every series labelled with this pool (pool deleted from the spec). */
  removePool(pool: string): void;
  /** The exposition text for a scrape. */
  text(): Promise<string>;
}

/**
 * The classic `runners_total` is a gauge whose name ends in `_total`, which Prometheus' lint reserves for counters.
 * Exposing it as `untyped` keeps the old name for existing dashboards while `promtool check metrics` stays clean;
 * Prometheus stores untyped samples exactly like gauges.
 */
class UntypedGauge<T extends string> extends Gauge<T> {
  override async get(): Promise<MetricObjectWithValues<MetricValue<T>>> {
    const m = await super.get();
    return { ...m, type: 'untyped' as unknown as MetricType };
  }
}

/** prom-client's defaults include gauges named `*_total`; the same counts are kept under the per-type gauges. */
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface MetricsOptions {
  /** process_* and nodejs_* metrics; on by default. */
  defaultMetrics?: boolean;
}

export function createMetrics(registry: Registry = new Registry(), opts: MetricsOptions = {}): Metrics {
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  }
  const registers = [registry];
  // Label sets seen per pooled metric, so removePool can drop series whose other labels it does not know.
  const seen = new Map<Metric<string>, Map<string, Record<string, string>>>();
  const track = <M extends Metric<string>>(m: M, labels: Record<string, string>): M => {
    let sets = seen.get(m);
    if (!sets) seen.set(m, (sets = new Map()));
    sets.set(JSON.stringify(labels), labels);
    return m;
  };

  // The classic names, kept for existing dashboards.
  const runnersTotal = new UntypedGauge({ name: 'runners_total', help: 'Runners by status (group).', labelNames: ['pool', 'status'], registers });
  const runnersCreated = new Counter({ name: 'runners_created_total', help: 'Runners created.', labelNames: ['pool'], registers });
  const queueLength = new Gauge({ name: 'queue_length', help: 'Queued jobs this pool can serve.', labelNames: ['pool'], registers });
  const breaker = new Gauge({ name: 'circuit_breaker_active', help: '1 while the pool\'s circuit breaker is open.', labelNames: ['pool'], registers });

  const desired = new Gauge({ name: 'shghar_runners_desired', help: 'Runners the last plan wanted.', labelNames: ['pool'], registers });
  const observed = new Gauge({ name: 'shghar_runners_observed', help: 'Runners observed, by group.', labelNames: ['pool', 'group'], registers });
  const minRunners = new Gauge({ name: 'shghar_runners_min', help: 'The spec\'s minimum runners.', labelNames: ['pool'], registers });
  const maxRunners = new Gauge({ name: 'shghar_runners_max', help: 'The spec\'s maximum runners.', labelNames: ['pool'], registers });
  const destroyed = new Counter({ name: 'shghar_runners_destroyed_total', help: 'Runners removed, by reason.', labelNames: ['pool', 'reason'], registers });
  const reconcileDuration = new Histogram({
    name: 'shghar_reconcile_duration_seconds',
    help: 'Time one reconcile tick took.',
    labelNames: ['pool'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const reconciles = new Counter({ name: 'shghar_reconcile_total', help: 'Reconcile ticks, by outcome.', labelNames: ['pool', 'outcome'], registers });
  const failureStreak = new Gauge({
    name: 'shghar_reconcile_consecutive_failures',
    help: 'Reconcile ticks in a row that ended in error.',
    labelNames: ['pool'],
    registers,
  });
  const actions = new Counter({ name: 'shghar_actions_total', help: 'Actions carried out, by kind and result.', labelNames: ['pool', 'kind', 'result'], registers });
  const githubRequests = new Counter({ name: 'shghar_github_requests_total', help: 'GitHub REST requests, by route and status.', labelNames: ['route', 'status'], registers });
  const notModified = new Counter({ name: 'shghar_github_not_modified_total', help: 'GitHub answers 304 (conditional request hits).', labelNames: ['route'], registers });
  const rlRemaining = new Gauge({ name: 'shghar_github_rate_limit_remaining', help: 'GitHub API requests left in the window.', registers });
  const rlLimit = new Gauge({ name: 'shghar_github_rate_limit_limit', help: 'GitHub API requests allowed per window.', registers });
  const rlReset = new Gauge({ name: 'shghar_github_rate_limit_reset_timestamp_seconds', help: 'When the GitHub rate-limit window resets (unix seconds).', registers });
  const pickup = new Histogram({
    name: 'shghar_job_pickup_latency_seconds',
    help: 'Time from a job queued to started on a runner.',
    labelNames: ['pool'],
    buckets: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  const runTime = new Histogram({
    name: 'shghar_job_run_time_seconds',
    help: 'Time from a job started to completed.',
    labelNames: ['pool'],
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600],
    registers,
  });
  const unmatched = new Gauge({ name: 'shghar_unmatched_queued_jobs', help: 'Queued jobs whose labels no pool satisfies.', registers });
  const dockerOps = new Counter({ name: 'shghar_docker_operations_total', help: 'Docker API operations, by kind and result.', labelNames: ['kind', 'result'], registers });

  const streaks = new Map<string, number>();
  const knownGroups = new Map<string, Set<string>>();
  const seconds = (ms: number): number => Math.max(0, ms) / 1000;

  return {
    registry,
    contentType: registry.contentType,

    observeTick(pool, t) {
      track(reconcileDuration, { pool }).observe({ pool }, seconds(t.durationMs));
      track(reconciles, { pool, outcome: t.outcome }).inc({ pool, outcome: t.outcome });
      const streak = t.outcome === 'error' ? (streaks.get(pool) ?? 0) + 1 : 0;
      streaks.set(pool, streak);
      track(failureStreak, { pool }).set({ pool }, streak);
      // A failed tick observed nothing: keep the last known world rather than report it empty.
      if (t.outcome === 'error') return;
      track(desired, { pool }).set({ pool }, t.desired);
      track(queueLength, { pool }).set({ pool }, t.queued);
      track(breaker, { pool }).set({ pool }, t.breakerOpen ? 1 : 0);
      // A group absent from this tick is zero, not stale from an earlier tick.
      const groups = knownGroups.get(pool) ?? new Set<string>();
      knownGroups.set(pool, groups);
      for (const g of Object.keys(t.groups)) groups.add(g);
      for (const g of groups) {
        const n = t.groups[g] ?? 0;
        track(observed, { pool, group: g }).set({ pool, group: g }, n);
        track(runnersTotal, { pool, status: g }).set({ pool, status: g }, n);
      }
      if (t.min !== undefined) track(minRunners, { pool }).set({ pool }, t.min);
      if (t.max !== undefined) track(maxRunners, { pool }).set({ pool }, t.max);
    },

    actionDone(pool, kind, result, count = 1) {
      track(actions, { pool, kind, result }).inc({ pool, kind, result }, count);
      if (kind === 'create' && result === Result.Success) track(runnersCreated, { pool }).inc({ pool }, count);
    },

    runnerDestroyed(pool, reason) {
      track(destroyed, { pool, reason }).inc({ pool, reason });
    },

    githubRequest(route, status, isNotModified = false) {
      githubRequests.inc({ route, status: String(status) });
      if (isNotModified || status === 304) notModified.inc({ route });
    },

    rateLimit(remaining, resetAt, limit) {
      rlRemaining.set(remaining);
      rlReset.set(Math.floor(resetAt / 1000));
      if (limit !== undefined) rlLimit.set(limit);
    },

    jobPickup(pool, s) {
      track(pickup, { pool }).observe({ pool }, Math.max(0, s));
    },

    jobRunTime(pool, s) {
      track(runTime, { pool }).observe({ pool }, Math.max(0, s));
    },

    unmatchedJobs(n) {
      unmatched.set(n);
    },

    dockerOperation(kind, result) {
      dockerOps.inc({ kind, result });
    },

    removePool(pool) {
      for (const [metric, sets] of seen) {
        for (const [key, labels] of sets) {
          if (labels.pool !== pool) continue;
          (metric as unknown as { remove(l: Record<string, string>): void }).remove(labels);
          sets.delete(key);
        }
      }
      streaks.delete(pool);
      knownGroups.delete(pool);
    },

    text: () => registry.metrics(),
  };
}
