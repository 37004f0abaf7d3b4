import type { ContainerInfo } from '../pkg/docker/port.js';
import type { Job, RateLimitState, Registration } from '../pkg/github/port.js';

/**
 * Values the pure decision code works on. Nothing here holds a client or a clock: `now` is always passed in.
 */

export const Group = {
  Idle: 'idle',
  Busy: 'busy',
  Starting: 'starting',
  Stuck: 'stuck',
  Exited: 'exited',
} as const;
export type Group = (typeof Group)[keyof typeof Group];

/** The join of a container and its registration by runner name. */
export interface Runner {
  name: string;
  group: Group;
  container: ContainerInfo;
  registration?: Registration;
  /** epoch ms, from the container's created-at label */
  createdAt: number;
  /** epoch ms since which the runner has been seen idle without a break (from PoolMemory), if idle */
  idleSince?: number;
  /** true when the runner was idle on the previous snapshot too */
  idleOnPreviousSnapshot: boolean;
  /** why it is in its group, for status (`no registration after 2m0s`, `exit code 1`, ...) */
  why: string;
}

/**
 * What the controller remembers between ticks. A cache: a restart may lose it and the next ticks rebuild it.
 * Kept as plain data so the decision code can read it and return its successor.
 */
export interface PoolMemory {
  /** runner name -> epoch ms first seen idle in the current idle streak */
  idleSince: Record<string, number>;
  /** epoch ms of the last scale-up that was carried out */
  lastScaleUpAt?: number;
  /** consecutive runner failures (failed creates, containers exiting without running a job) */
  consecutiveFailures: number;
  /** epoch ms the breaker opened, if open */
  breakerOpenedAt?: number;
  /** registrations of ours seen without a container: id -> epoch ms first seen so */
  orphanSeenAt: Record<string, number>;
  /**
   * runner names that had a container of ours on a snapshot and still have a registration: only such an online
   * registration is ours for sure once its container is gone (another host may run the same prefix). Optional for
   * memories made before it existed; lost on restart, which only waits for the registration to go offline.
   */
  containerSeen?: Record<string, true>;
  /** runner names with a container whose registration was seen online: a later clean exit did real work */
  seenOnline?: Record<string, true>;
  /** epoch ms of the latest failure; with consecutiveFailures >= threshold the breaker is open until + back-off */
  lastFailureAt?: number;
}

export const emptyMemory = (): PoolMemory => ({ idleSince: {}, consecutiveFailures: 0, orphanSeenAt: {} });

/** What the actuators have in flight; fed back into the next plan so nothing is created twice. */
export interface InFlight {
  /** creations reserved or running (capacity is reserved before any credential is requested) */
  creating: number;
  /** runner names being deleted */
  deleting: string[];
  /** runner names being created: their registration may exist before their container (never an orphan) */
  creatingNames?: string[];
}

/** One observation of the world, gathered once per tick. */
export interface Snapshot {
  /** epoch ms when it was gathered */
  observedAt: number;
  /** all registrations in the pool's scope (ours and foreign), or undefined when GitHub could not be reached */
  registrations?: Registration[];
  /** containers labelled as this controller's and this pool's */
  containers: ContainerInfo[];
  /** jobs routed to this pool (queued, in_progress, waiting); undefined when GitHub could not be reached */
  jobs?: Job[];
  inFlight: InFlight;
  /**
   * Names of runners that active jobs (of any pool) are known to run. A busy runner not among them is running a job
   * whose start has not reached us yet, most likely one still counted as queued.
   */
  assignedRunners?: string[];
  rateLimit?: RateLimitState;
}

export interface Groups {
  idle: Runner[];
  busy: Runner[];
  starting: Runner[];
  stuck: Runner[];
  exited: Runner[];
  /** registrations named like ours (prefix) with no container */
  orphanRegistrations: Registration[];
  /** registrations this controller did not create; never touched */
  foreign: Registration[];
  /** runners the actuators are removing right now: neither supply nor candidates */
  deleting?: Runner[];
}

export const ActionKind = {
  Create: 'create',
  ScaleDown: 'scale-down',
  CleanupExited: 'cleanup-exited',
  CleanupStuck: 'cleanup-stuck',
  DeleteOrphan: 'delete-orphan',
} as const;
export type ActionKind = (typeof ActionKind)[keyof typeof ActionKind];

export type Action =
  | {
      kind: typeof ActionKind.Create;
      count: number;
      reason: string;
      /** `minimum`: topping up to min (never held by the cooldown); `scale-up`: demand above the minimum */
      purpose?: 'minimum' | 'scale-up';
    }
  | {
      kind: typeof ActionKind.ScaleDown | typeof ActionKind.CleanupExited | typeof ActionKind.CleanupStuck;
      runnerName: string;
      containerId: string;
      registrationId?: number;
      reason: string;
    }
  | { kind: typeof ActionKind.DeleteOrphan; runnerName: string; registrationId: number; reason: string };

/** The desired state with its reasons, and the actions that would get there. */
export interface Plan {
  desired: number;
  /** e.g. `busy 2 + queued 3 + buffer 0 = 5, clamped to [1, 10]` */
  reasons: string[];
  actions: Action[];
  /** the demand the plan was computed from (matching queued jobs) */
  queued: number;
  /** the groups the plan was built from (counts and names are shown in status) */
  groups: Groups;
}

/** A guard's verdict on one action. */
export interface Hold {
  guard: 'max' | 'create-cap' | 'delete-cap' | 'cooldown' | 'breaker' | 'github-unreachable' | 'rate-limit' | 'cleanup-first';
  action: Action;
  reason: string;
}

export interface GuardedPlan {
  allowed: Action[];
  held: Hold[];
  breaker: 'closed' | 'open' | 'half-open';
}

/** Every action but create: the ones that remove something. */
export type RemovalAction = Exclude<Action, { kind: typeof ActionKind.Create }>;
