import { formatDuration } from '../pkg/spec/duration.js';
import type { PoolSpec } from '../pkg/spec/types.js';
import { ActionKind, type Action, type GuardedPlan, type Hold, type Plan, type PoolMemory, type Snapshot } from './types.js';

export type BreakerState = GuardedPlan['breaker'];

/**
 * Open after `breakerThreshold` consecutive failures; half-open once `breakerBackoffMs` has passed since the latest
 * failure (one create may probe); a failure while open or half-open re-opens it, a success closes it.
 */
export const breakerState = (spec: PoolSpec, memory: PoolMemory, now: number): BreakerState => {
  if (memory.consecutiveFailures < spec.guards.breakerThreshold) return 'closed';
  const since = memory.lastFailureAt ?? memory.breakerOpenedAt ?? now;
  return now - since >= spec.guards.breakerBackoffMs ? 'half-open' : 'open';
};

/** Counts a runner outcome for the breaker. `breakerThreshold` only sets `breakerOpenedAt` for status. */
export const recordOutcome = (
  memory: PoolMemory,
  outcome: 'success' | 'failure',
  now: number,
  breakerThreshold = 5,
): PoolMemory => {
  if (outcome === 'success') {
    const { breakerOpenedAt: _o, lastFailureAt: _l, ...rest } = memory;
    return { ...rest, consecutiveFailures: 0 };
  }
  const consecutiveFailures = memory.consecutiveFailures + 1;
  return {
    ...memory,
    consecutiveFailures,
    lastFailureAt: now,
    ...(consecutiveFailures >= breakerThreshold ? { breakerOpenedAt: now } : {}),
  };
};

/** Marks a carried-out scale-up for the cooldown. */
export const recordScaleUp = (memory: PoolMemory, now: number): PoolMemory => ({ ...memory, lastScaleUpAt: now });

/** GitHub calls one create costs (JIT config or token, plus a registration lookup on failure). */
export const CALLS_PER_CREATE = 2;
/** Calls kept back for observing (registrations, jobs) until the reset. */
export const rateLimitReserve = (limit: number): number => Math.max(20, Math.ceil(limit * 0.02));

const NEEDS_GITHUB = new Set<Action['kind']>([ActionKind.ScaleDown, ActionKind.CleanupStuck, ActionKind.DeleteOrphan]);
const RUNNING_STATES = new Set(['running', 'created', 'restarting', 'paused']);

type CreateAction = Extract<Action, { kind: 'create' }>;

/**
 * Holds back what must not happen now, each hold with a named guard and reason. Creates are trimmed in this
 * order: dead runners' registrations still to delete (cleanup first), breaker, GitHub unreachable, rate limit, cooldown, hard max (running containers + in-flight creations),
 * per-action cap. Scale-downs: GitHub unreachable, per-action cap. Cleanups of exited containers always pass.
 */
export const applyGuards = (spec: PoolSpec, plan: Plan, snapshot: Snapshot, memory: PoolMemory, now: number): GuardedPlan => {
  const held: Hold[] = [];
  const allowed: Action[] = [];
  const breaker = breakerState(spec, memory, now);
  const unreachable = snapshot.registrations === undefined;

  // Removals first: they do not compete with creates for anything.
  let scaleDowns = 0;
  for (const a of plan.actions) {
    if (a.kind === ActionKind.Create) continue;
    if (unreachable && NEEDS_GITHUB.has(a.kind)) {
      held.push({ guard: 'github-unreachable', action: a, reason: 'GitHub unreachable: its word is needed to remove this safely' });
    } else if (a.kind === ActionKind.ScaleDown && scaleDowns >= spec.scaling.maxDeletePerAction) {
      held.push({ guard: 'delete-cap', action: a, reason: `at most ${spec.scaling.maxDeletePerAction} scale-down(s) per tick` });
    } else {
      if (a.kind === ActionKind.ScaleDown) scaleDowns++;
      allowed.push(a);
    }
  }

  // A dead runner's registration goes before its replacement asks GitHub for credentials: otherwise a crash loop
  // holds a dead registration per live one and the pool owns more registrations than max.
  const deadWithRegistration = allowed.filter(
    (a) => (a.kind === ActionKind.CleanupExited || a.kind === ActionKind.CleanupStuck) && a.registrationId !== undefined,
  ).length;
  const deadBeingRemoved = (plan.groups.deleting ?? []).filter((r) => !RUNNING_STATES.has(r.container.state) && r.registration).length;
  const cleanupFirst = deadWithRegistration + deadBeingRemoved > 0;

  const running = snapshot.containers.filter((c) => RUNNING_STATES.has(c.state)).length;
  let room = Math.max(0, spec.scaling.max - running - snapshot.inFlight.creating);
  let capLeft = spec.scaling.maxCreatePerAction;
  let probeLeft = breaker === 'half-open' && snapshot.inFlight.creating === 0 ? 1 : 0;
  const rl = snapshot.rateLimit;
  let budget =
    rl && now < rl.resetAt ? Math.max(0, Math.floor((rl.remaining - rateLimitReserve(rl.limit)) / CALLS_PER_CREATE)) : Infinity;
  const inCooldown =
    spec.scaling.scaleUpCooldownMs > 0 &&
    memory.lastScaleUpAt !== undefined &&
    now - memory.lastScaleUpAt < spec.scaling.scaleUpCooldownMs;

  for (const a of plan.actions) {
    if (a.kind !== ActionKind.Create) continue;
    let n = a.count;
    const hold = (guard: Hold['guard'], wanted: number, reason: string): void => {
      const count = Math.min(wanted, n);
      if (count <= 0) return;
      held.push({ guard, action: { ...a, count }, reason });
      n -= count;
    };
    if (cleanupFirst)
      hold('cleanup-first', n, `${deadWithRegistration + deadBeingRemoved} dead runner(s) whose registration must be deleted first`);
    if (breaker === 'open') hold('breaker', n, `breaker open after ${memory.consecutiveFailures} consecutive failures; retry after ${formatDuration(spec.guards.breakerBackoffMs)}`);
    if (breaker === 'half-open') {
      hold('breaker', n - probeLeft, probeLeft > 0 ? 'breaker half-open: one probe at a time' : 'breaker half-open: probe in flight');
      probeLeft = Math.max(0, probeLeft - n);
    }
    if (unreachable && a.purpose !== 'minimum') hold('github-unreachable', n, 'GitHub unreachable: only the minimum is kept');
    if (budget !== Infinity && rl) {
      hold('rate-limit', n - budget, `rate limit: ${rl.remaining} of ${rl.limit} calls left; holding creates until the reset at ${new Date(rl.resetAt).toISOString()}`);
      budget -= Math.max(0, n);
    }
    if (inCooldown && a.purpose !== 'minimum')
      hold('cooldown', n, `scale-up cooldown: ${formatDuration(spec.scaling.scaleUpCooldownMs - (now - memory.lastScaleUpAt!))} left`);
    hold('max', n - room, `max ${spec.scaling.max}: ${running} running + ${snapshot.inFlight.creating} being created`);
    room -= Math.max(0, n);
    hold('create-cap', n - capLeft, `at most ${spec.scaling.maxCreatePerAction} create(s) per tick`);
    capLeft -= Math.max(0, n);
    if (n > 0) allowed.push({ ...a, count: n } as CreateAction);
  }
  return { allowed, held, breaker };
};
