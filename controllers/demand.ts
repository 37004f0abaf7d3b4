import type { GitHubPort, Job } from '../pkg/github/port.js';
import type { PoolSpec, Scope } from '../pkg/spec/types.js';
import { JobCache } from './job-cache.js';
import { routeJobs, scopeCovers } from './matching.js';
import type { DemandSource } from './pool-controller.js';

export const scopeKey = (s: Scope): string => (s.kind === 'repo' ? `repo:${s.owner}/${s.repo}` : `org:${s.org}`).toLowerCase();

export interface DemandOptions {
  github: GitHubPort;
  pools: () => readonly PoolSpec[];
  /** With webhooks feeding the cache, polling is only the safety net and runs this many times less often. */
  pollSlowdown?: () => number;
  /** a job was seen starting (queued to started, seconds) or finishing (run time, seconds) */
  onJobStarted?: (pool: string | undefined, pickupSeconds: number) => void;
  onJobFinished?: (pool: string | undefined, runSeconds: number) => void;
  onPollError?: (scope: string, error: unknown) => void;
}

/**
 * Demand for every pool from one job cache, fed by polls (per scope, at most once per poll interval) and by
 * webhook deliveries; jobs are routed so each is counted by exactly one pool.
 */
export class Demand implements DemandSource {
  readonly cache: JobCache;
  private readonly lastPoll = new Map<string, number>();
  private readonly polling = new Map<string, Promise<void>>();
  private readonly reachable = new Map<string, boolean>();

  constructor(private readonly opts: DemandOptions) {
    this.cache = new JobCache(undefined, (before, after) => {
      const pool = () => [...routeJobs([after], this.opts.pools()).byPool].find(([, js]) => js.length)?.[0];
      // Measured once, on the first sighting of the start: a job first seen already running was not waiting on us.
      if (after.status === 'in_progress' && before && after.startedAt && after.createdAt)
        this.opts.onJobStarted?.(pool(), Math.max(0, (after.startedAt - after.createdAt) / 1000));
      if (after.status === 'completed' && after.completedAt && after.startedAt)
        this.opts.onJobFinished?.(pool(), Math.max(0, (after.completedAt - after.startedAt) / 1000));
    });
  }

  async jobsFor(pool: string, now: number): Promise<Job[] | undefined> {
    const pools = this.opts.pools();
    const spec = pools.find((p) => p.name === pool);
    if (!spec) return [];
    await this.pollIfDue(spec, now);
    if (this.reachable.get(scopeKey(spec.scope)) === false && !this.lastPoll.has(scopeKey(spec.scope))) return undefined;
    return routeJobs(this.cache.active(), pools).byPool.get(pool) ?? [];
  }

  assignedRunners(): string[] {
    return this.cache
      .active()
      .map((j) => j.runnerName)
      .filter((n): n is string => !!n);
  }

  /** Active jobs whose repository some pool covers but whose labels no pool satisfies. */
  unmatched(): Job[] {
    const pools = this.opts.pools();
    const queued = this.cache.active().filter((j) => j.status === 'queued' && pools.some((p) => scopeCovers(p.scope, j.repository)));
    return routeJobs(queued, pools).unmatched;
  }

  /** Records a webhook's job; returns the pools to nudge (those whose demand it may change). */
  ingest(job: Job, now: number): string[] {
    if (!this.cache.apply(job, now)) return [];
    const pools = this.opts.pools();
    const chosen = [...routeJobs([job], pools).byPool].find(([, jobs]) => jobs.length > 0);
    if (chosen) return [chosen[0]];
    // A completed/in-progress job we cannot route by labels (webhooks carry them, but be safe) still frees capacity.
    return pools.filter((p) => scopeCovers(p.scope, job.repository)).map((p) => p.name);
  }

  private pollIfDue(spec: PoolSpec, now: number): Promise<void> {
    const key = scopeKey(spec.scope);
    const interval = spec.scaling.pollIntervalMs * (this.opts.pollSlowdown?.() ?? 1);
    const last = this.lastPoll.get(key);
    if (last !== undefined && now - last < interval * 0.9) return Promise.resolve();
    const inFlight = this.polling.get(key);
    if (inFlight) return inFlight;
    const p = this.poll(spec.scope, key, now).finally(() => this.polling.delete(key));
    this.polling.set(key, p);
    return p;
  }

  private async poll(scope: Scope, key: string, startedAt: number): Promise<void> {
    try {
      const jobs = await this.opts.github.listJobs(scope);
      // The port's answer covers the whole scope (an org's unpolled repositories keep their last known jobs).
      this.cache.applyPoll((repo) => scopeCovers(scope, repo), jobs, startedAt, startedAt);
      this.cache.prune(startedAt);
      this.lastPoll.set(key, startedAt);
      this.reachable.set(key, true);
    } catch (e) {
      this.reachable.set(key, false);
      this.opts.onPollError?.(key, e);
    }
  }
}
