import type { Job, JobStatus } from '../pkg/github/port.js';

/**
 * Jobs known from webhooks and polls, keyed by the full job id. A job's state only moves forward
 * (queued/waiting -> in_progress -> completed), so duplicated, reordered or stale deliveries change nothing,
 * and a `completed` for a job never seen is kept as a tombstone that can never add demand.
 */
const rank = (s: JobStatus): number => (s === 'completed' ? 2 : s === 'in_progress' ? 1 : 0);

export interface CachedJob extends Job {
  /** epoch ms of the last change */
  updatedAt: number;
}

export class JobCache {
  private readonly jobs = new Map<number, CachedJob>();

  /**
   * @param onTransition called when a job's rank moves forward (queued -> in_progress -> completed), with the
   *   record before (undefined for a first sighting) and after; used for pickup-latency and run-time metrics.
   */
  constructor(
    private readonly retainCompletedMs = 60 * 60 * 1000,
    private readonly onTransition?: (before: CachedJob | undefined, after: CachedJob) => void,
  ) {}

  /** Merges one observation; returns true when it changed what the cache holds. */
  apply(job: Job, now: number): boolean {
    const known = this.jobs.get(job.id);
    if (known) {
      const r0 = rank(known.status);
      const r1 = rank(job.status);
      if (r1 < r0) return false;
      if (r1 === r0 && known.status === job.status && (known.runnerName ?? null) === (job.runnerName ?? null))
        return false;
    }
    const next: CachedJob = {
      ...known,
      ...job,
      runnerName: job.runnerName ?? known?.runnerName ?? null,
      runnerId: job.runnerId ?? known?.runnerId ?? null,
      labels: job.labels.length ? job.labels : (known?.labels ?? []),
      createdAt: known?.createdAt || job.createdAt,
      startedAt: job.startedAt ?? known?.startedAt ?? null,
      updatedAt: now,
    };
    this.jobs.set(job.id, next);
    if (!known || rank(known.status) < rank(next.status)) this.onTransition?.(known, next);
    return true;
  }

  /**
   * A poll is authoritative for the repositories it covered: an active job it no longer lists, and that nothing
   * updated since the poll began, is gone (completed or cancelled).
   */
  applyPoll(covers: (repository: string) => boolean, jobs: Job[], pollStartedAt: number, now: number): void {
    const seen = new Set<number>();
    for (const job of jobs) {
      seen.add(job.id);
      this.apply(job, now);
    }
    for (const job of this.jobs.values()) {
      if (seen.has(job.id) || rank(job.status) === 2 || job.updatedAt >= pollStartedAt) continue;
      if (!covers(job.repository)) continue;
      this.jobs.set(job.id, { ...job, status: 'completed', updatedAt: now });
    }
  }

  /** Jobs still queued, waiting or in progress. */
  active(): CachedJob[] {
    return [...this.jobs.values()].filter((j) => rank(j.status) < 2);
  }

  get(id: number): CachedJob | undefined {
    return this.jobs.get(id);
  }

  /** Forgets tombstones old enough that no delivery about them can still arrive. */
  prune(now: number): void {
    for (const [id, job] of this.jobs) {
      if (rank(job.status) === 2 && now - job.updatedAt > this.retainCompletedMs) this.jobs.delete(id);
    }
  }
}
