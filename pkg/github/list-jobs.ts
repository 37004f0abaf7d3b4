import type { Scope } from '../spec/types.js';
import type { Job, JobStatus } from './port.js';
import { qualifyRepo } from './scope-path.js';

/** The slice of Octokit that job listing needs; every call goes through the port's hooks (ETags, metrics). */
export interface Pager {
  /** Up to `maxPages` pages of a paginated GET, items concatenated. */
  pages<T>(route: string, params: Record<string, unknown>, maxPages: number): Promise<T[]>;
}

export interface ListJobsOptions {
  /** Pages of workflow runs read per status (100 runs a page). */
  maxRunPages: number;
  /** Organization scope: repositories polled per call; the rest keep their last known jobs (see below). */
  orgRepoBudget: number;
  /** Runs whose jobs are read at the same time. */
  concurrency: number;
}

/** A run waiting for an environment approval has status `waiting`; its jobs are reported (not counted) too. */
const RUN_STATUSES = ['queued', 'in_progress', 'waiting'];
const ACTIVE: ReadonlySet<string> = new Set<JobStatus>(['queued', 'in_progress', 'waiting']);

interface RawJob {
  id: number;
  run_id: number;
  status: string;
  labels: string[];
  runner_id?: number | null;
  runner_name?: string | null;
  created_at: string;
  started_at?: string | null;
}

interface RawRepo {
  full_name: string;
  archived?: boolean;
  disabled?: boolean;
}

/**
 * Queued demand. Repository scope: runs that are queued, in progress or waiting, then their jobs that are queued, in progress
 * or waiting. Organization scope: the same over the configured repositories, else over the org's repositories.
 *
 * An org can hold thousands of repositories, so one call polls at most `orgRepoBudget` of them, moving a cursor round
 * the list; a repository not polled this call contributes the jobs it had when last polled. Every repository is
 * therefore at most ceil(repos / budget) calls stale, and the call cost stays bounded. Conditional requests make the
 * unchanged ones cheap (304s are free).
 */
export function createJobLister(pager: Pager, opts: ListJobsOptions): (scope: Scope) => Promise<Job[]> {
  const cursors = new Map<string, number>();
  const lastJobs = new Map<string, Job[]>();

  async function repoJobs(fullName: string): Promise<Job[]> {
    const [owner, repo] = fullName.split('/') as [string, string];
    const runIds = new Set<number>();
    for (const status of RUN_STATUSES) {
      const runs = await pager.pages<{ id: number }>(
        'GET /repos/{owner}/{repo}/actions/runs',
        { owner, repo, status, per_page: 100 },
        opts.maxRunPages,
      );
      for (const r of runs) runIds.add(r.id);
    }
    const perRun = await mapLimit([...runIds], opts.concurrency, (run_id) =>
      pager.pages<RawJob>('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { owner, repo, run_id, per_page: 100 }, 3),
    );
    const seen = new Set<number>();
    const jobs: Job[] = [];
    for (const j of perRun.flat()) {
      if (!ACTIVE.has(j.status) || seen.has(j.id)) continue;
      seen.add(j.id);
      jobs.push(toJob(j, fullName));
    }
    return jobs;
  }

  async function orgRepos(scope: Extract<Scope, { kind: 'org' }>): Promise<string[]> {
    if (scope.repositories?.length) return scope.repositories.map((r) => qualifyRepo(scope.org, r));
    const repos = await pager.pages<RawRepo>('GET /orgs/{org}/repos', { org: scope.org, per_page: 100 }, 10);
    return repos.filter((r) => !r.archived && !r.disabled).map((r) => r.full_name);
  }

  return async (scope) => {
    if (scope.kind === 'repo') return repoJobs(`${scope.owner}/${scope.repo}`);
    const repos = await orgRepos(scope);
    const key = scope.org.toLowerCase();
    const start = (cursors.get(key) ?? 0) % Math.max(1, repos.length);
    const batch = repos.length <= opts.orgRepoBudget ? repos : rotate(repos, start).slice(0, opts.orgRepoBudget);
    const fresh = await mapLimit(batch, opts.concurrency, async (r) => [r, await repoJobsOrNone(r)] as const);
    for (const [r, jobs] of fresh) lastJobs.set(cacheKey(key, r), jobs);
    cursors.set(key, (start + batch.length) % Math.max(1, repos.length));
    return repos.flatMap((r) => lastJobs.get(cacheKey(key, r)) ?? []);
  };

  /** A repository deleted or hidden since the list was read has no jobs, not an error. */
  async function repoJobsOrNone(r: string): Promise<Job[]> {
    try {
      return await repoJobs(r);
    } catch (e) {
      if ((e as { kind?: string }).kind === 'not-found') return [];
      throw e;
    }
  }
}

const cacheKey = (org: string, repo: string): string => `${org}\u0000${repo.toLowerCase()}`;
const rotate = <T>(xs: T[], start: number): T[] => [...xs.slice(start), ...xs.slice(0, start)];

function toJob(j: RawJob, repository: string): Job {
  return {
    id: j.id,
    runId: j.run_id,
    repository,
    labels: j.labels ?? [],
    status: j.status as JobStatus,
    runnerId: j.runner_id ?? null,
    runnerName: j.runner_name ?? null,
    createdAt: Date.parse(j.created_at),
    startedAt: j.started_at ? Date.parse(j.started_at) : null,
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
