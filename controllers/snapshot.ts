import { Label, type ContainerInfo } from '../pkg/docker/port.js';
import type { Registration } from '../pkg/github/port.js';
import { formatDuration } from '../pkg/spec/duration.js';
import { nameHasPrefix } from '../pkg/spec/prefixes.js';
import type { PoolSpec } from '../pkg/spec/types.js';
import { jobMatchesPool } from './matching.js';
import { Group, type Groups, type PoolMemory, type Runner, type Snapshot } from './types.js';

export const runnerNameOf = (c: ContainerInfo): string => c.labels[Label.RunnerName] ?? c.name;

const ACTIVE_JOB = new Set(['queued', 'in_progress', 'waiting', 'pending', 'requested']);

/** Sorts one snapshot into named groups; every decision is made from these groups only. */
export const groupRunners = (
  spec: PoolSpec,
  snapshot: Snapshot,
  memory: PoolMemory,
  now: number,
  controllerId?: string,
): Groups => {
  const regs = snapshot.registrations;
  const regByName = new Map((regs ?? []).map((r) => [r.name, r]));
  const assigned = new Set(
    (snapshot.jobs ?? []).filter((j) => j.runnerName && ACTIVE_JOB.has(j.status)).map((j) => j.runnerName as string),
  );
  const deletingNames = new Set(snapshot.inFlight.deleting);
  const groups: Groups = { idle: [], busy: [], starting: [], stuck: [], exited: [], orphanRegistrations: [], foreign: [], deleting: [] };
  const containerNames = new Set<string>();
  const grace = spec.graces.registrationMs;

  for (const c of snapshot.containers) {
    if (controllerId !== undefined && c.labels[Label.ControllerId] !== undefined && c.labels[Label.ControllerId] !== controllerId)
      continue; // another controller's container: not ours to judge
    const name = runnerNameOf(c);
    containerNames.add(name);
    const reg = regByName.get(name);
    const age = now - c.createdAt;
    const runner = (group: Group, why: string): Runner => ({
      name,
      group,
      container: c,
      ...(reg ? { registration: reg } : {}),
      createdAt: c.createdAt,
      ...(group === Group.Idle ? { idleSince: memory.idleSince[name] ?? now } : {}),
      idleOnPreviousSnapshot: group === Group.Idle && memory.idleSince[name] !== undefined,
      why,
    });
    if (deletingNames.has(name)) {
      groups.deleting!.push(runner(Group.Busy, 'being removed'));
      continue;
    }
    if (c.state === 'exited' || c.state === 'dead' || c.state === 'removing') {
      groups.exited.push(runner(Group.Exited, `${c.state}${c.exitCode !== undefined ? ` with exit code ${c.exitCode}` : ''}`));
    } else if (c.state === 'created') {
      if (age > spec.graces.startMs) groups.exited.push(runner(Group.Exited, `never started after ${formatDuration(age)}`));
      else groups.starting.push(runner(Group.Starting, 'created, not started yet'));
    } else if (regs === undefined) {
      // GitHub unreachable: a young container is starting; an older one is assumed busy so nothing removes it.
      if (age < grace) groups.starting.push(runner(Group.Starting, 'GitHub unreachable; younger than the registration grace'));
      else groups.busy.push(runner(Group.Busy, 'GitHub unreachable; assumed busy'));
    } else if (reg && reg.status === 'online') {
      if (reg.busy || assigned.has(name)) groups.busy.push(runner(Group.Busy, reg.busy ? 'online, busy' : 'online, job assigned'));
      else groups.idle.push(runner(Group.Idle, 'online, idle'));
    } else if (age < grace) {
      groups.starting.push(runner(Group.Starting, reg ? 'registered, not online yet' : 'no registration yet'));
    } else {
      groups.stuck.push(
        runner(Group.Stuck, reg ? `registration offline after ${formatDuration(age)}` : `no registration after ${formatDuration(age)}`),
      );
    }
  }

  const creatingNames = new Set(snapshot.inFlight.creatingNames ?? []);
  for (const r of regs ?? []) {
    if (containerNames.has(r.name) || creatingNames.has(r.name)) continue; // the creation counts as supply already
    if (isOurRegistration(spec, r)) groups.orphanRegistrations.push(r);
    else groups.foreign.push(r);
  }
  groups.idle.sort(oldestIdleFirst);
  return groups;
};

/** Named with the pool's prefix (+ letters/digits) and carrying every pool label: a runner this pool made. */
export const isOurRegistration = (spec: PoolSpec, r: Registration): boolean =>
  nameHasPrefix(spec.runner.namePrefix, r.name) && jobMatchesPool(spec.runner.labels, r.labels);

/** Longest idle first, then the oldest container, then the name (a stable order for equal times). */
export const oldestIdleFirst = (a: Runner, b: Runner): number =>
  (a.idleSince ?? 0) - (b.idleSince ?? 0) || a.createdAt - b.createdAt || a.name.localeCompare(b.name);

/**
 * The memory after this snapshot: idle streaks continue or end, orphan registrations keep the time they were first
 * seen. A runner absent from a snapshot loses its streak (a restart loses them all, which only delays scale-down).
 */
export const nextMemory = (
  spec: PoolSpec,
  snapshot: Snapshot,
  groups: Groups,
  memory: PoolMemory,
  now: number,
): PoolMemory => {
  void spec;
  const idleSince: Record<string, number> = {};
  for (const r of groups.idle) idleSince[r.name] = memory.idleSince[r.name] ?? now;
  // GitHub unreachable: nothing is known about idleness or orphans, so keep what was known.
  if (snapshot.registrations === undefined) return { ...memory };
  const orphanSeenAt: Record<string, number> = {};
  for (const r of groups.orphanRegistrations) orphanSeenAt[String(r.id)] = memory.orphanSeenAt[String(r.id)] ?? now;
  const containerSeen: Record<string, true> = {};
  for (const c of snapshot.containers) containerSeen[c.labels[Label.RunnerName] ?? c.name] = true;
  for (const r of groups.orphanRegistrations) if (memory.containerSeen?.[r.name]) containerSeen[r.name] = true;
  const online = new Set(snapshot.registrations.filter((r) => r.status === 'online').map((r) => r.name));
  const seenOnline: Record<string, true> = {};
  for (const c of snapshot.containers) {
    const name = c.labels[Label.RunnerName] ?? c.name;
    if (online.has(name) || memory.seenOnline?.[name]) seenOnline[name] = true;
  }
  return { ...memory, idleSince, orphanSeenAt, containerSeen, seenOnline };
};
