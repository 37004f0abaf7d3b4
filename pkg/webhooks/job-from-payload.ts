import type { Job, JobStatus } from '../github/port.js';

const STATUSES: readonly string[] = ['queued', 'waiting', 'in_progress', 'completed', 'pending', 'requested'];

/** The fields of a `workflow_job` delivery the controller uses; undefined when the payload is not usable. */
export function jobFromWorkflowJob(payload: unknown): Job | undefined {
  const p = payload as {
    action?: string;
    workflow_job?: {
      id?: number;
      run_id?: number;
      status?: string;
      labels?: string[];
      runner_id?: number | null;
      runner_name?: string | null;
      created_at?: string;
      started_at?: string | null;
      completed_at?: string | null;
    };
    repository?: { full_name?: string };
  };
  const wj = p?.workflow_job;
  if (!wj || !Number.isSafeInteger(wj.id) || typeof p.repository?.full_name !== 'string' || !p.repository.full_name) return undefined;
  // Wrong types here would poison the job cache: label routing runs over every cached job on every tick.
  if (!Array.isArray(wj.labels) || !wj.labels.every((l) => typeof l === 'string')) return undefined;
  if (wj.runner_name != null && typeof wj.runner_name !== 'string') return undefined;
  if (wj.runner_id != null && !Number.isSafeInteger(wj.runner_id)) return undefined;
  const times = [wj.created_at, wj.started_at, wj.completed_at];
  if (times.some((t) => t != null && (typeof t !== 'string' || Number.isNaN(Date.parse(t))))) return undefined;
  // The action names the transition; prefer it to the status field, which lags on some deliveries.
  const status = STATUSES.includes(p.action ?? '') ? p.action : wj.status;
  if (!status || !STATUSES.includes(status)) return undefined;
  return {
    id: wj.id as number,
    runId: wj.run_id ?? 0,
    repository: p.repository.full_name,
    labels: wj.labels,
    status: status as JobStatus,
    runnerId: wj.runner_id ?? null,
    runnerName: wj.runner_name ?? null,
    createdAt: wj.created_at ? Date.parse(wj.created_at) : 0,
    startedAt: wj.started_at ? Date.parse(wj.started_at) : null,
    completedAt: wj.completed_at ? Date.parse(wj.completed_at) : null,
  };
}
