// HTTP client for the simulator's control API, usable from tests, benchmarks and other processes.
import type { FaultRule } from './faults.js';
import type { WebhookFaults } from './webhooks.js';

export type { FaultRule } from './faults.js';
export type { WebhookFaults } from './webhooks.js';

export interface StateRunner {
  id: number; name: string; os: string; status: 'online' | 'offline'; busy: boolean; ephemeral: boolean;
  runner_group_id: number; labels: { id: number; name: string; type: string }[];
  scope: string; jobId: number | null; createdAt: number; connected: boolean;
}
export interface StateJob {
  id: number; runId: number; repository: string; name: string; labels: string[]; durationMs: number;
  status: 'queued' | 'waiting' | 'in_progress' | 'completed'; conclusion: string | null;
  runnerId: number | null; runnerName: string | null; createdAt: number; startedAt: number | null; completedAt: number | null;
}
export interface SimCounters {
  total: number; notModified: number;
  byRoute: Record<string, Record<string, number>>; byToken: Record<string, number>;
  webhooks: { sent: number; failed: number; dropped: number; duplicated: number };
}

export class SimControl {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_sim/control${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sim control ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  enqueueJob(j: { repository: string; labels: string[]; durationMs: number; runId?: number; name?: string; status?: 'queued' | 'waiting' }): Promise<{ id: number; runId: number }> {
    return this.call('POST', '/jobs', j);
  }
  cancelJob(id: number): Promise<void> { return this.call('DELETE', `/jobs/${id}`); }
  /** A `waiting` job (environment approval) becomes queued. */
  releaseJob(id: number): Promise<void> { return this.call('POST', `/jobs/${id}/release`); }
  /** Schedules a trace (JSON lines or CSV: offset ms, labels, duration ms, repository); `speed` compresses time. */
  replayTrace(text: string, opts: { speed?: number } = {}): Promise<{ scheduled: number }> {
    return this.call('POST', '/trace', { text, speed: opts.speed });
  }
  state(): Promise<{ runners: StateRunner[]; jobs: StateJob[] }> { return this.call('GET', '/state'); }
  reset(): Promise<void> { return this.call('POST', '/reset'); }
  setFaults(rules: FaultRule[]): Promise<void> { return this.call('PUT', '/faults', { rules }); }
  counters(): Promise<SimCounters> { return this.call('GET', '/counters'); }
  resetCounters(): Promise<void> { return this.call('POST', '/counters/reset'); }
  /** A registration with no process behind it: `scope` is `owner/repo`, `org` or `repo:`/`org:` prefixed. */
  seedRegistration(r: { scope: string; name: string; labels?: string[]; status: 'online' | 'offline'; busy?: boolean;
    ephemeral?: boolean; createdAt?: number }): Promise<{ id: number; name: string }> {
    return this.call('POST', '/registrations', r);
  }
  /** REST reports busy=false for `ms` after a job is assigned to a runner. */
  setBusyLag(ms: number): Promise<void> { return this.call('PUT', '/busy-lag', { ms }); }
  /** Every token's budget window: `remaining` requests until `resetAt` (epoch ms). */
  setRateLimit(r: { remaining: number; resetAt: number }): Promise<void> { return this.call('PUT', '/rate-limit', r); }
  setWebhookFaults(f: WebhookFaults): Promise<void> { return this.call('PUT', '/webhook-faults', f); }
  /** REST connections are reset while on; control and runner routes keep working. */
  setUnreachable(unreachable: boolean): Promise<void> { return this.call('PUT', '/unreachable', { unreachable }); }
  setHeartbeatTimeout(ms: number): Promise<void> { return this.call('PUT', '/heartbeat-timeout', { ms }); }
}
