import type { GitHubPort, Job } from '../pkg/github/port.js';
import type { PoolSpec, Scope } from '../pkg/spec/types.js';
import { JobCache } from './job-cache.js';
import { jobMatchesPool } from './matching.js';
import type { DemandSource } from './pool-controller.js';

export const scopeKey = (s: Scope): string => (s.kind === 'repo' ? `repo:${s.owner}/${s.repo}` : `org:${s.org}`).toLowerCase();

/** Whether a job from `repository` (owner/name) can be served by a pool with this scope. */
export const scopeCovers = (s: Scope, repository: string): boolean => {
  const repo = repository.toLowerCase();
  if (s.kind === 'repo') return repo === `${s.owner}/${s.repo}`.toLowerCase();
  if (!repo.startsWith(`${s.org.toLowerCase()}/`)) return false;
  return !s.repositories?.length || s.repositories.some((r) => `${s.org}/${r}`.toLowerCase() === repo || r.toLowerCase() === repo);
};

/**
 * Picks the one pool that serves a job among those that could: the most specific (fewest labels), then the higher
 * `priority`, then the name. So a job is counted as demand by exactly one pool.
 */
export function choosePool(job: Job, pools: readonly PoolSpec[]): PoolSpec | undefined {
  const candidates = pools.filter((p) => scopeCovers(p.scope, job.repository) && jobMatchesPool(job.labels, p.runner.labels));
  candidates.sort(
    (a, b) =>
      a.runner.labels.length - b.runner.labels.length ||
      b.scaling.priority - a.scaling.priority ||
      a.name.localeCompare(b.name),
  );
  return candidates[0];
}

export interface DemandOptions {
  github: GitHubPort;
  pools: () => readonly PoolSpec[];
  /** With webhooks feeding the cache, polling is only the safety net and runs this many times less often. */
  pollSlowdown?: () => number;
  onPollError?: (scope: string, error: unknown) => void;
}

/**
 * Demand for every pool from one job cache, fed by polls (per scope, at most once per poll interval) and by
 * webhook deliveries; jobs are routed so each is counted by exactly one pool.
 */
export class Demand implements DemandSource {
  readonly cache = new JobCache();
  private readonly lastPoll = new Map<string, number>();
  private readonly polling = new Map<string, Promise<void>>();
  private readonly reachable = new Map<string, boolean>();

  constructor(private readonly opts: DemandOptions) {}

  async jobsFor(pool: string, now: number): Promise<Job[] | undefined> {
    const pools = this.opts.pools();
    const spec = pools.find((p) => p.name === pool);
    if (!spec) return [];
    await this.pollIfDue(spec, now);
    if (this.reachable.get(scopeKey(spec.scope)) === false && !this.lastPoll.has(scopeKey(spec.scope))) return undefined;
    return this.cache.active().filter((j) => choosePool(j, pools)?.name === pool);
  }

  /** Active jobs whose repository some pool covers but whose labels no pool satisfies. */
  unmatched(): Job[] {
    const pools = this.opts.pools();
    return this.cache
      .active()
      .filter((j) => j.status === 'queued' && pools.some((p) => scopeCovers(p.scope, j.repository)) && !choosePool(j, pools));
  }

  /** Records a webhook's job; returns the pools to nudge (those whose demand it may change). */
  ingest(job: Job, now: number): string[] {
    if (!this.cache.apply(job, now)) return [];
    const pools = this.opts.pools();
    const chosen = choosePool(job, pools);
    if (chosen) return [chosen.name];
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
      const covered: ReadonlySet<string> | 'all' =
        scope.kind === 'repo'
          ? new Set([`${scope.owner}/${scope.repo}`.toLowerCase()])
          : scope.repositories?.length
            ? new Set(scope.repositories.map((r) => (r.includes('/') ? r : `${scope.org}/${r}`).toLowerCase()))
            : new Set(jobs.map((j) => j.repository.toLowerCase()));
      this.cache.applyPoll(covered, jobs, startedAt, startedAt);
      this.cache.prune(startedAt);
      this.lastPoll.set(key, startedAt);
      this.reachable.set(key, true);
    } catch (e) {
      this.reachable.set(key, false);
      this.opts.onPollError?.(key, e);
    }
  }
}
