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
  if (!wj || typeof wj.id !== 'number' || !p.repository?.full_name || !Array.isArray(wj.labels)) return undefined;
  // The action names the transition; prefer it to the status field, which lags on some deliveries.
  const status = STATUSES.includes(p.action ?? '') ? p.action : wj.status;
  if (!status || !STATUSES.includes(status)) return undefined;
  return {
    id: wj.id,
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
