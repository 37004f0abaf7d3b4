import type { Job } from '../pkg/github/port.js';
import { formatDuration } from '../pkg/spec/duration.js';
import type { PoolSpec } from '../pkg/spec/types.js';
import { jobMatchesPool } from './matching.js';
import { groupRunners } from './snapshot.js';
import { ActionKind, type Action, type Groups, type Plan, type PoolMemory, type Runner, type Snapshot } from './types.js';

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

/** Queued jobs this pool must serve: matching labels, not waiting for approval, not already on one of our runners. */
export const queuedDemand = (spec: PoolSpec, jobs: readonly Job[] | undefined, groups: Groups): Job[] => {
  const ours = new Set([...groups.busy, ...groups.idle, ...groups.starting].map((r) => r.name));
  return (jobs ?? []).filter(
    (j) => j.status === 'queued' && jobMatchesPool(j.labels, spec.runner.labels) && !(j.runnerName && ours.has(j.runnerName)),
  );
};

const cleanupActions = (spec: PoolSpec, snapshot: Snapshot, groups: Groups, memory: PoolMemory, now: number): Action[] => {
  const actions: Action[] = [];
  for (const r of groups.exited)
    actions.push({
      kind: ActionKind.CleanupExited,
      runnerName: r.name,
      containerId: r.container.id,
      ...(r.registration ? { registrationId: r.registration.id } : {}),
      reason: `container ${r.why}`,
    });
  if (snapshot.registrations === undefined) return actions; // stuck and orphans need GitHub's word
  for (const r of groups.stuck)
    actions.push({
      kind: ActionKind.CleanupStuck,
      runnerName: r.name,
      containerId: r.container.id,
      ...(r.registration ? { registrationId: r.registration.id } : {}),
      reason: `stuck: ${r.why} (grace ${formatDuration(spec.graces.registrationMs)})`,
    });
  for (const reg of groups.orphanRegistrations) {
    // Online with no container we ever saw: a runner alive elsewhere (another host with our prefix). Ours, if its
    // container vanished, goes offline within GitHub's heartbeat timeout and is deleted then.
    if (reg.status === 'online' && !memory.containerSeen?.[reg.name]) continue;
    const seen = memory.orphanSeenAt[String(reg.id)] ?? now;
    if (now - seen >= spec.graces.orphanMs)
      actions.push({
        kind: ActionKind.DeleteOrphan,
        runnerName: reg.name,
        registrationId: reg.id,
        reason: `registration ${reg.status} without a container for ${formatDuration(now - seen)} (grace ${formatDuration(spec.graces.orphanMs)})`,
      });
  }
  return actions;
};

/** Idle runners that may go: idle on two consecutive snapshots and longer than the idle timeout, oldest first. */
const scaleDownCandidates = (spec: PoolSpec, groups: Groups, now: number): Runner[] =>
  groups.idle.filter((r) => r.idleOnPreviousSnapshot && now - (r.idleSince ?? now) >= spec.scaling.idleTimeoutMs);

const scaleDowns = (runners: Runner[], n: number, reason: string): Action[] =>
  runners.slice(0, Math.max(0, n)).map((r) => ({
    kind: ActionKind.ScaleDown,
    runnerName: r.name,
    containerId: r.container.id,
    ...(r.registration ? { registrationId: r.registration.id } : {}),
    reason,
  }));

/**
 * What the pool should look like now and the actions that get it there, each with its reason. Pure: values and a
 * clock value in, a plan out. Guards (max counting in-flight creations, caps, cooldown, breaker) apply afterwards.
 */
export const computeDesiredState = (spec: PoolSpec, snapshot: Snapshot, memory: PoolMemory, now: number): Plan => {
  const groups = groupRunners(spec, snapshot, memory, now);
  const queued = queuedDemand(spec, snapshot.jobs, groups);
  const decided =
    spec.scaling.policy === 'threshold'
      ? thresholdDecision(spec, snapshot, groups, queued, now)
      : demandDecision(spec, snapshot, groups, queued, now);
  return {
    desired: decided.desired,
    reasons: decided.reasons,
    actions: [...cleanupActions(spec, snapshot, groups, memory, now), ...decided.actions],
    queued: queued.length,
    groups,
  };
};

interface Decision {
  desired: number;
  reasons: string[];
  actions: Action[];
}

const githubKnown = (s: Snapshot): boolean => s.registrations !== undefined && s.jobs !== undefined;

/** demand: desired = clamp(busy + queued + idle buffer, min, max); starting runners and in-flight creations are supply. */
const demandDecision = (spec: PoolSpec, snapshot: Snapshot, groups: Groups, queued: Job[], now: number): Decision => {
  const { min, max, idleBuffer } = spec.scaling;
  const busy = groups.busy.length;
  // A busy runner that no known job is assigned to has taken a job whose start we have not heard of yet; that job is
  // still in our queued list, so counting both would create a runner for a job that already has one.
  const assigned = snapshot.assignedRunners ? new Set(snapshot.assignedRunners) : undefined;
  const unexplained = assigned ? groups.busy.filter((r) => !assigned.has(r.name)).length : 0;
  const waiting = Math.max(0, queued.length - unexplained);
  const want = busy + waiting + idleBuffer;
  const desired = clamp(want, min, max);
  const supply = busy + groups.idle.length + groups.starting.length + snapshot.inFlight.creating;
  const reasons = [
    `busy ${busy} + queued ${waiting}${unexplained && queued.length ? ` (${queued.length} less ${Math.min(unexplained, queued.length)} already taken by busy runners)` : ''} + buffer ${idleBuffer} = ${want}, clamped to [${min}, ${max}] = ${desired}`,
    `supply: busy ${busy} + idle ${groups.idle.length} + starting ${groups.starting.length} + creating ${snapshot.inFlight.creating} = ${supply}`,
  ];
  const actions: Action[] = [];
  if (supply < desired) {
    const belowMin = Math.max(0, min - supply);
    const forDemand = desired - supply - belowMin;
    if (belowMin > 0) actions.push({ kind: ActionKind.Create, count: belowMin, purpose: 'minimum', reason: `below minimum ${min} (supply ${supply})` });
    if (forDemand > 0)
      actions.push({ kind: ActionKind.Create, count: forDemand, purpose: 'scale-up', reason: `desired ${desired} > supply ${supply + belowMin}` });
  } else if (supply > desired) {
    if (!githubKnown(snapshot)) reasons.push('GitHub unreachable: no scale-down');
    else {
      const candidates = scaleDownCandidates(spec, groups, now);
      actions.push(
        ...scaleDowns(candidates, supply - desired, `supply ${supply} > desired ${desired}; idle past ${formatDuration(spec.scaling.idleTimeoutMs)}`),
      );
    }
  }
  return { desired, reasons, actions };
};

/**
 * threshold, the classic behaviour: queue length = queued + in progress - available (idle, starting, creating).
 * At or above the up-threshold, or utilization above the high bound with work queued: create up to the per-action
 * cap. At or below the down-threshold, or utilization below the low bound: remove eligible idle runners above min.
 * The minimum counts online runners plus those on their way (starting, creating), never stuck or exited ones.
 */
const thresholdDecision = (spec: PoolSpec, snapshot: Snapshot, groups: Groups, queued: Job[], now: number): Decision => {
  const s = spec.scaling;
  const inProgress = (snapshot.jobs ?? []).filter((j) => j.status === 'in_progress' && jobMatchesPool(j.labels, spec.runner.labels)).length;
  const online = groups.busy.length + groups.idle.length;
  const coming = groups.starting.length + snapshot.inFlight.creating;
  const available = groups.idle.length + coming;
  const total = online + coming;
  const queueLength = queued.length + inProgress - available;
  const utilization = total > 0 ? groups.busy.length / total : queued.length > 0 ? 1 : 0;
  const reasons = [
    `queue length ${queueLength} = queued ${queued.length} + in progress ${inProgress} - available ${available}`,
    `utilization ${Math.round(utilization * 100)}% (busy ${groups.busy.length} / ${total})`,
  ];
  const actions: Action[] = [];
  let desired = total;
  if (total < s.min) {
    actions.push({ kind: ActionKind.Create, count: s.min - total, purpose: 'minimum', reason: `below minimum ${s.min} (online ${online} + starting ${coming})` });
    desired = s.min;
  }
  const up = queueLength >= s.scaleUpThreshold || (utilization > s.utilizationHigh && queued.length > 0);
  const down = queueLength <= s.scaleDownThreshold || (utilization < s.utilizationLow && total > s.min);
  if (up) {
    const n = Math.min(s.maxCreatePerAction, Math.max(queueLength, queued.length, 1), s.max - desired);
    if (n > 0) {
      const why = queueLength >= s.scaleUpThreshold ? `queue length ${queueLength} >= ${s.scaleUpThreshold}` : `utilization > ${s.utilizationHigh * 100}% with ${queued.length} queued`;
      actions.push({ kind: ActionKind.Create, count: n, purpose: 'scale-up', reason: why });
      desired += n;
    } else reasons.push(`at max ${s.max}`);
  } else if (down && desired > s.min) {
    if (!githubKnown(snapshot)) reasons.push('GitHub unreachable: no scale-down');
    else {
      const why = queueLength <= s.scaleDownThreshold ? `queue length ${queueLength} <= ${s.scaleDownThreshold}` : `utilization < ${s.utilizationLow * 100}%`;
      const removed = scaleDowns(scaleDownCandidates(spec, groups, now), Math.min(s.maxDeletePerAction, desired - s.min), `${why}; idle past ${formatDuration(s.idleTimeoutMs)}`);
      actions.push(...removed);
      desired -= removed.length;
    }
  }
  reasons.push(`desired ${desired}`);
  return { desired, reasons, actions };
};
