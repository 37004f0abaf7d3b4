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

/** Whether two pools can see jobs of the same repository. */
const shareScope = (a: Scope, b: Scope): boolean => {
  if (a.kind === 'repo' && b.kind === 'repo') return `${a.owner}/${a.repo}`.toLowerCase() === `${b.owner}/${b.repo}`.toLowerCase();
  if (a.kind === 'org' && b.kind === 'org') return a.org.toLowerCase() === b.org.toLowerCase();
  const [repo, org] = a.kind === 'repo' ? [a, b] : [b, a];
  return repo.kind === 'repo' && scopeCovers(org, `${repo.owner}/${repo.repo}`);
};

/**
 * Valid specs worth a second look. GitHub places a job on any idle runner that has all of the job's labels, so when
 * one pool's runners carry every label of another pool in the same scope they can take that pool's jobs: shghar still
 * counts each job for one pool only, but a GPU runner may end up running a plain build.
 */
export function labelOverlapWarnings(pools: readonly PoolSpec[]): string[] {
  const warnings: string[] = [];
  for (const a of pools) {
    for (const b of pools) {
      if (a === b || !shareScope(a.scope, b.scope) || !jobMatchesPool(a.runner.labels, b.runner.labels)) continue;
      const same = jobMatchesPool(b.runner.labels, a.runner.labels);
      if (same && a.name > b.name) continue; // identical label sets: once
      warnings.push(
        same
          ? `pools ${a.name} and ${b.name} have the same labels in the same scope: each job is counted by one of them (higher priority, then name)`
          : `runners of pool ${b.name} carry every label of pool ${a.name}, so GitHub may run ${a.name}'s jobs on them; give ${b.name} a label of its own (and use it in its jobs) if that matters`,
      );
    }
  }
  return warnings;
}
