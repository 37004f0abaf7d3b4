import type { Job } from '../pkg/github/port.js';
import type { PoolSpec, Scope } from '../pkg/spec/types.js';

/** GitHub's rule: a runner serves a job when it has every label the job asks for, compared case-insensitively. */
export const jobMatchesPool = (jobLabels: readonly string[], poolLabels: readonly string[]): boolean => {
  const have = new Set(poolLabels.map((l) => l.toLowerCase()));
  return jobLabels.every((l) => have.has(l.toLowerCase()));
};

/** Whether a pool with this scope may serve a job of `repository` (owner/name). */
export const scopeCovers = (s: Scope, repository: string): boolean => {
  const repo = repository.toLowerCase();
  if (s.kind === 'repo') return repo === `${s.owner}/${s.repo}`.toLowerCase();
  if (!repo.startsWith(`${s.org.toLowerCase()}/`)) return false;
  return !s.repositories?.length || s.repositories.some((r) => (r.includes('/') ? r : `${s.org}/${r}`).toLowerCase() === repo);
};

/**
 * Routes each job to exactly one pool, so no job is counted as demand twice. Among the pools whose scope covers
 * the job's repository and whose labels satisfy it: the most specific (fewest labels) wins, then the higher
 * `priority`, then the name in alphabetical order.
 */
export const routeJobs = (
  jobs: readonly Job[],
  pools: readonly PoolSpec[],
): { byPool: Map<string, Job[]>; unmatched: Job[] } => {
  const byPool = new Map<string, Job[]>(pools.map((p) => [p.name, []]));
  const unmatched: Job[] = [];
  const ranked = [...pools].sort(
    (a, b) =>
      a.runner.labels.length - b.runner.labels.length || b.scaling.priority - a.scaling.priority || a.name.localeCompare(b.name),
  );
  for (const job of jobs) {
    const pool = ranked.find((p) => scopeCovers(p.scope, job.repository) && jobMatchesPool(job.labels, p.runner.labels));
    if (pool) byPool.get(pool.name)!.push(job);
    else unmatched.push(job);
  }
  return { byPool, unmatched };
};
