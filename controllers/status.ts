import { Label } from '../pkg/docker/port.js';
import type { Manager } from './manager.js';
import { describeAction, type PoolController } from './pool-controller.js';
import type { Runner } from './types.js';

/** Desired-vs-observed views of the pools, built from what the loops last saw. Shared by the API and the CLI. */

export interface Condition {
  type: 'Ready' | 'Degraded' | 'BreakerOpen' | 'RateLimited' | 'GitHubUnreachable' | 'Draining';
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface RunnerView {
  name: string;
  pool: string;
  state: string;
  busy: boolean;
  age_seconds: number;
  container_id: string;
  container_state: string;
  github_id: number | null;
  github_status: string | null;
  labels: string[];
  why: string;
}

const runnerView = (pool: string, r: Runner, now: number): RunnerView => ({
  name: r.name,
  pool,
  state: r.group,
  busy: r.group === 'busy',
  age_seconds: Math.max(0, Math.round((now - r.createdAt) / 1000)),
  container_id: r.container.id.slice(0, 12),
  container_state: r.container.state,
  github_id: r.registration?.id ?? (r.container.labels[Label.RunnerId] ? Number(r.container.labels[Label.RunnerId]) : null),
  github_status: r.registration?.status ?? null,
  labels: r.registration?.labels ?? [],
  why: r.why,
});

export function runnersOf(pool: PoolController, now: number): RunnerView[] {
  const g = pool.lastTick?.plan.groups;
  if (!g) return [];
  return [...g.busy, ...g.idle, ...g.starting, ...g.stuck, ...g.exited].map((r) => runnerView(pool.name, r, now));
}

export function conditionsOf(pool: PoolController, now: number): Condition[] {
  const t = pool.lastTick;
  const spec = pool.currentSpec;
  const c: Condition[] = [];
  const online = t ? t.plan.groups.idle.length + t.plan.groups.busy.length : 0;
  const breakerOpen = t?.guarded.breaker === 'open';
  const unreachable = t ? t.snapshot.registrations === undefined : false;
  const rl = t?.snapshot.rateLimit;
  const rateLimited = !!t?.guarded.held.some((h) => h.guard === 'rate-limit') || (!!rl && rl.remaining === 0 && rl.resetAt > now);
  const failing = pool.failingTicks > 0;
  const ready = !!t && online >= spec.scaling.min && !breakerOpen && !failing;
  c.push({
    type: 'Ready',
    status: ready ? 'True' : 'False',
    reason: !t ? 'NotObserved' : ready ? 'MinimumOnline' : online < spec.scaling.min ? 'BelowMinimum' : breakerOpen ? 'BreakerOpen' : 'ReconcileFailing',
    message: t ? `${online} online of minimum ${spec.scaling.min}` : 'no reconcile has completed yet',
  });
  const stuck = (t?.plan.groups.stuck.length ?? 0) > 0;
  c.push({
    type: 'Degraded',
    status: failing || unreachable || stuck || breakerOpen ? 'True' : 'False',
    reason: failing ? 'ReconcileFailing' : breakerOpen ? 'BreakerOpen' : unreachable ? 'GitHubUnreachable' : stuck ? 'StuckRunners' : 'AsExpected',
    message: failing ? (pool.lastTickError?.message ?? '') : breakerOpen ? 'runners keep failing: see the CreateFailed events and `shghar doctor`' : '',
  });
  c.push({
    type: 'BreakerOpen',
    status: breakerOpen ? 'True' : 'False',
    reason: breakerOpen ? 'ConsecutiveFailures' : 'Closed',
    message: breakerOpen
      ? `${pool.memorySnapshot.consecutiveFailures} consecutive failures; creates held until the back-off passes`
      : '',
  });
  c.push({
    type: 'RateLimited',
    status: rateLimited ? 'True' : 'False',
    reason: rateLimited ? 'BudgetLow' : 'BudgetOk',
    message: rl ? `${rl.remaining}/${rl.limit} left, resets ${new Date(rl.resetAt).toISOString()}` : '',
  });
  c.push({ type: 'GitHubUnreachable', status: unreachable ? 'True' : 'False', reason: unreachable ? 'RequestsFailing' : 'Reachable', message: '' });
  if (pool.isDraining) c.push({ type: 'Draining', status: 'True', reason: 'Deleting', message: 'no new runners; idle ones removed' });
  return c;
}

export interface PoolView {
  name: string;
  scope: string;
  policy: string;
  min: number;
  max: number;
  spec_hash: string;
  desired: number;
  desired_reasons: string[];
  observed: Record<string, number>;
  observed_runners: Record<string, string[]>;
  queued_jobs: number;
  planned_actions: string[];
  held_actions: { guard: string; action: string; reason: string }[];
  breaker: string;
  in_flight: { creating: number; deleting: string[] };
  conditions: Condition[];
  last_reconcile: string | null;
  last_error: string | null;
}

export function poolView(pool: PoolController, now: number): PoolView {
  const t = pool.lastTick;
  const s = pool.currentSpec;
  const groups = t?.plan.groups;
  const names = (rs: Runner[] | undefined) => (rs ?? []).map((r) => r.name);
  return {
    name: s.name,
    scope: s.scope.kind === 'repo' ? `${s.scope.owner}/${s.scope.repo}` : `org:${s.scope.org}`,
    policy: s.scaling.policy,
    min: s.scaling.min,
    max: s.scaling.max,
    spec_hash: pool.currentHash,
    desired: t?.plan.desired ?? s.scaling.min,
    desired_reasons: t?.plan.reasons ?? [],
    observed: {
      idle: groups?.idle.length ?? 0,
      busy: groups?.busy.length ?? 0,
      starting: groups?.starting.length ?? 0,
      stuck: groups?.stuck.length ?? 0,
      exited: groups?.exited.length ?? 0,
      orphan_registrations: groups?.orphanRegistrations.length ?? 0,
      foreign: groups?.foreign.length ?? 0,
    },
    observed_runners: {
      idle: names(groups?.idle),
      busy: names(groups?.busy),
      starting: names(groups?.starting),
      stuck: names(groups?.stuck),
      exited: names(groups?.exited),
      orphan_registrations: (groups?.orphanRegistrations ?? []).map((r) => r.name),
    },
    queued_jobs: t?.plan.queued ?? 0,
    planned_actions: t?.guarded.allowed.map(describeAction) ?? [],
    held_actions: (t?.guarded.held ?? []).map((h) => ({ guard: h.guard, action: describeAction(h.action), reason: h.reason })),
    breaker: t?.guarded.breaker ?? 'closed',
    in_flight: { creating: t?.snapshot.inFlight.creating ?? 0, deleting: t?.snapshot.inFlight.deleting ?? [] },
    conditions: conditionsOf(pool, now),
    last_reconcile: t ? new Date(t.at).toISOString() : null,
    last_error: pool.lastTickError?.message ?? null,
  };
}

/** The classic `/api/v1/status` shape for one pool, with the field names operators already use. */
export function classicStatus(manager: Manager, pool: PoolController, now: number) {
  const t = pool.lastTick;
  const s = pool.currentSpec;
  const g = t?.plan.groups;
  const containers = t?.snapshot.containers ?? [];
  const registeredRunning = g ? g.idle.length + g.busy.length : 0;
  const running = containers.filter((c) => c.state === 'running').length;
  return {
    orchestrator: { running: manager.isRunning, started_at: new Date(manager.since).toISOString(), pool: s.name },
    runners: {
      active: registeredRunning,
      docker_containers: containers.length,
      registered_running: registeredRunning,
      unregistered_running: Math.max(0, running - registeredRunning),
      total_created: pool.totals.created,
      total_destroyed: pool.totals.destroyed,
      ignored_existing: g?.foreign.length ?? 0,
    },
    queue: { current_length: t?.plan.queued ?? 0, last_poll: t ? new Date(t.at).toISOString() : null },
    scaling: {
      min_runners: s.scaling.min,
      max_runners: s.scaling.max,
      scale_up_threshold: s.scaling.scaleUpThreshold,
      scale_down_threshold: s.scaling.scaleDownThreshold,
      last_action: pool.lastAction
        ? { ...pool.lastAction, at: new Date(pool.lastAction.at).toISOString() }
        : null,
    },
    settings: {
      poll_interval: s.scaling.pollIntervalMs / 1000,
      idle_timeout: s.scaling.idleTimeoutMs / 1000,
      runner_image: s.runner.image,
    },
  };
}
