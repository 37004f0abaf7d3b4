import { randomBytes } from 'node:crypto';
import { Label, MANAGED_BY, type RuntimePort } from '../pkg/docker/port.js';
import type { GitHubPort, Job, Registration } from '../pkg/github/port.js';
import { newReconcileId } from '../pkg/log/index.js';
import type { TickObservation } from '../pkg/metrics/metrics.js';
import type { PoolSpec } from '../pkg/spec/types.js';
import { Actuators, type Outcome } from './actuators.js';
import { computeDesiredState } from './desired-state.js';
import { exitOutcome } from './exit-outcome.js';
import { applyGuards, recordOutcome, recordScaleUp } from './guards.js';
import { generateRunnerName } from './names.js';
import { nextMemory } from './snapshot.js';
import { ActionKind, emptyMemory, type Action, type GuardedPlan, type Plan, type PoolMemory, type Snapshot } from './types.js';

/** Structural views of the logger, metrics and event recorder, so the loop depends on behaviour, not modules. */
export interface LoopLogger {
  debug(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
  error(msg: string, meta?: object): void;
  child(meta: object): LoopLogger;
}
export interface LoopEvents {
  record(pool: string, type: 'Normal' | 'Warning', reason: string, message: string, now: number): void;
}
export interface LoopMetrics {
  observeTick(pool: string, t: TickMetrics): void;
  /** result: success | failure | busy */
  actionDone(pool: string, kind: string, result: string): void;
  runnerDestroyed(pool: string, reason: string): void;
  /** GitHub's budget as last seen; resetAt in epoch ms */
  rateLimit?(remaining: number, resetAt: number, limit?: number): void;
}
/** What one tick reports to metrics (the metrics module's own type). */
export type TickMetrics = TickObservation;

/** Where the pool's demand comes from (the manager's job cache, routed across pools). */
export interface DemandSource {
  /** Jobs routed to this pool; undefined when GitHub cannot be reached and nothing is known. */
  jobsFor(pool: string, now: number): Promise<Job[] | undefined>;
  /** Runner names that active jobs of any pool are known to run. */
  assignedRunners?(): string[];
}

export interface PoolControllerDeps {
  github: GitHubPort;
  runtime: RuntimePort;
  demand: DemandSource;
  controllerId: string;
  /** e.g. https://github.com, or the simulator's URL: runners in token mode register against it */
  webBaseUrl: string;
  logger: LoopLogger;
  events?: LoopEvents;
  metrics?: LoopMetrics;
  registerSecret?: (value: string) => void;
  clock?: () => number;
  random?: () => string;
  retry?: { attempts: number; baseDelayMs: number };
}

export interface TickReport {
  reconcileId: string;
  at: number;
  snapshot: Snapshot;
  plan: Plan;
  guarded: GuardedPlan;
  durationMs: number;
  error?: string;
}

export const ownLabels = (controllerId: string, pool: string): Record<string, string> => ({
  [Label.ManagedBy]: MANAGED_BY,
  [Label.ControllerId]: controllerId,
  [Label.Pool]: pool,
});

/**
 * One pool's reconcile loop: observe the world, decide with the pure functions, hand allowed actions to the
 * actuators (which run in the background and report what is in flight), and go again on a timer or a nudge.
 */
export class PoolController {
  private memory: PoolMemory = emptyMemory();
  private readonly actuators: Actuators;
  private timer?: NodeJS.Timeout;
  private running = false;
  private ticking?: Promise<TickReport | undefined>;
  private again = false;
  private readonly pending = new Set<Promise<unknown>>();
  private last?: TickReport;
  private lastError?: { at: number; message: string };
  private consecutiveTickFailures = 0;
  private draining = false;
  readonly totals = { created: 0, destroyed: 0 };
  lastAction?: { at: number; kind: string; count: number; reason: string };

  constructor(
    private spec: PoolSpec,
    private specHash: string,
    private readonly deps: PoolControllerDeps,
  ) {
    this.actuators = new Actuators(
      {
        github: deps.github,
        runtime: deps.runtime,
        controllerId: deps.controllerId,
        registerSecret: deps.registerSecret,
        retry: deps.retry,
        clock: deps.clock,
      },
      spec.guards.maxConcurrentActions,
    );
  }

  get name(): string {
    return this.spec.name;
  }
  get currentSpec(): PoolSpec {
    return this.spec;
  }
  get currentHash(): string {
    return this.specHash;
  }
  get lastTick(): TickReport | undefined {
    return this.last;
  }
  get lastTickError(): { at: number; message: string } | undefined {
    return this.lastError;
  }
  get memorySnapshot(): PoolMemory {
    return this.memory;
  }
  get isDraining(): boolean {
    return this.draining;
  }
  get failingTicks(): number {
    return this.consecutiveTickFailures;
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.nudge('start');
  }

  /** Wakes the loop now; concurrent nudges collapse into one extra tick. */
  nudge(_reason = 'nudge'): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    // Nudges never push the timer back: a steady stream of webhooks must not postpone the safety-net poll.
    this.ticking = this.tick().finally(() => {
      this.ticking = undefined;
      if (!this.running) return;
      if (this.again) {
        this.again = false;
        this.nudge('again');
      } else if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.nudge('timer');
        }, this.spec.scaling.pollIntervalMs);
      }
    });
  }

  updateSpec(spec: PoolSpec, hash: string): void {
    this.spec = spec;
    this.specHash = hash;
    this.nudge('spec-changed');
  }

  /** Stops the loop; waits for actions in flight (runners are never killed). With drain, idle runners are removed. */
  async stop(opts: { drain?: boolean } = {}): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.pending]);
    if (opts.drain) await this.drainIdle();
  }

  /** Scales to zero: no creates, idle runners removed at once, busy ones left to finish. */
  setDraining(on: boolean): void {
    this.draining = on;
    this.nudge('drain');
  }

  private extraRunnersOnce = 0;

  /**
   * An operator's one-shot scale-up (API `scale-up`): the next tick's minimum is raised to the runners present plus
   * `count`, within max and through the guards; later ticks size the pool as usual again.
   */
  requestRunners(count: number): void {
    this.extraRunnersOnce += Math.max(0, Math.floor(count));
    this.nudge('scale-up-requested');
  }

  private effectiveSpec(): PoolSpec {
    if (!this.draining && this.extraRunnersOnce > 0) {
      const t = this.last;
      const g = t?.plan.groups;
      const present = (g ? g.idle.length + g.busy.length + g.starting.length : 0) + (t?.snapshot.inFlight.creating ?? 0);
      const min = Math.min(this.spec.scaling.max, Math.max(this.spec.scaling.min, present + this.extraRunnersOnce));
      this.extraRunnersOnce = 0;
      return { ...this.spec, scaling: { ...this.spec.scaling, min } };
    }
    if (!this.draining) return this.spec;
    return { ...this.spec, scaling: { ...this.spec.scaling, min: 0, max: 0, idleTimeoutMs: 0, idleBuffer: 0 } };
  }

  async observe(now: number): Promise<Snapshot> {
    const spec = this.spec;
    const creatingWhenListed = this.actuators.creatingNames();
    // A container removed while the listing was in flight is gone: do not plan for it again.
    const containers = (await this.deps.runtime.list(ownLabels(this.deps.controllerId, spec.name))).filter(
      (c) => !this.actuators.wasRemoved(c.id),
    );
    let registrations: Registration[] | undefined;
    try {
      registrations = await this.deps.github.listRegistrations(spec.scope);
    } catch (e) {
      this.deps.logger.warn('github unreachable: listing registrations failed', { error: errText(e) });
    }
    const jobs = registrations ? await this.deps.demand.jobsFor(spec.name, now) : undefined;
    const names = new Set(containers.map((c) => c.labels[Label.RunnerName] ?? c.name));
    return {
      observedAt: now,
      registrations,
      containers,
      jobs,
      inFlight: this.actuators.inFlight(names, creatingWhenListed),
      ...(jobs && this.deps.demand.assignedRunners ? { assignedRunners: this.deps.demand.assignedRunners() } : {}),
      rateLimit: this.deps.github.rateLimit(),
    };
  }

  /** One reconcile: observe, decide, act. Never throws. */
  async tick(): Promise<TickReport | undefined> {
    const started = this.now();
    const reconcileId = newReconcileId();
    const log = this.deps.logger.child({ pool: this.spec.name, reconcileId });
    try {
      const snapshot = await this.observe(started);
      if (snapshot.rateLimit)
        this.deps.metrics?.rateLimit?.(snapshot.rateLimit.remaining, snapshot.rateLimit.resetAt, snapshot.rateLimit.limit);
      const spec = this.effectiveSpec();
      const plan = computeDesiredState(spec, snapshot, this.memory, started);
      const guarded = applyGuards(spec, plan, snapshot, this.memory, started);
      this.memory = nextMemory(spec, snapshot, plan.groups, this.memory, started);
      const report: TickReport = { reconcileId, at: started, snapshot, plan, guarded, durationMs: 0 };
      // Logged once per tick; at info only when it acts, holds something back or changes its mind, so a quiet pool
      // does not bury real events (the same line is at debug otherwise).
      const quiet =
        guarded.allowed.length === 0 &&
        guarded.held.length === 0 &&
        this.last?.plan.desired === plan.desired &&
        this.last?.guarded.breaker === guarded.breaker;
      log[quiet ? 'debug' : 'info']('decision', {
        event: 'decision',
        inputs: summarizeInputs(snapshot, plan),
        desired: plan.desired,
        reasons: plan.reasons,
        allowed: guarded.allowed.map(describeAction),
        held: guarded.held.map((h) => `${h.guard}: ${h.reason}`),
        breaker: guarded.breaker,
      });
      this.act(spec, guarded, snapshot, log, started);
      report.durationMs = this.now() - started;
      this.last = report;
      this.consecutiveTickFailures = 0;
      this.deps.metrics?.observeTick(spec.name, {
        desired: plan.desired,
        groups: Object.fromEntries(
          Object.entries(plan.groups).map(([k, v]) => [k, (v as unknown[]).length]),
        ),
        queued: plan.queued,
        breakerOpen: guarded.breaker === 'open',
        durationMs: report.durationMs,
        outcome: snapshot.registrations ? 'success' : 'github-unreachable',
        min: spec.scaling.min,
        max: spec.scaling.max,
      });
      return report;
    } catch (e) {
      this.consecutiveTickFailures++;
      this.lastError = { at: started, message: errText(e) };
      log.error('reconcile failed', { event: 'reconcile-failed', error: errText(e) });
      this.deps.events?.record(this.spec.name, 'Warning', 'ReconcileFailed', errText(e), started);
      this.deps.metrics?.observeTick(this.spec.name, {
        desired: this.last?.plan.desired ?? 0,
        groups: {},
        queued: 0,
        breakerOpen: false,
        durationMs: this.now() - started,
        outcome: 'error',
      });
      return undefined;
    }
  }

  private act(spec: PoolSpec, guarded: GuardedPlan, snapshot: Snapshot, log: LoopLogger, now: number): void {
    const creates = guarded.allowed.filter((a) => a.kind === ActionKind.Create);
    const removals = guarded.allowed.filter((a) => a.kind !== ActionKind.Create);
    const count = creates.reduce((n, a) => n + (a.kind === ActionKind.Create ? a.count : 0), 0);
    for (const a of removals) this.noteExit(spec, a, snapshot, now);
    if (removals.length) {
      this.track(
        this.actuators.removeRunners(spec, removals).then((outcomes) => this.onOutcomes(spec, outcomes, log)),
      );
    }
    if (count > 0) {
      const taken = new Set([
        ...snapshot.containers.map((c) => c.labels[Label.RunnerName] ?? c.name),
        ...(snapshot.registrations?.map((r) => r.name) ?? []),
        ...this.actuators.creatingNames(),
      ]);
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        const name = generateRunnerName(spec.runner.namePrefix, taken, this.deps.random ?? randomSuffix);
        taken.add(name);
        names.push(name);
      }
      this.memory = recordScaleUp(this.memory, now);
      const reason = creates.map((a) => a.reason).join('; ');
      this.lastAction = { at: now, kind: 'scale-up', count, reason };
      this.deps.events?.record(spec.name, 'Normal', 'ScalingUp', `creating ${count} runner(s): ${reason}`, now);
      this.track(
        this.actuators
          .createRunners(spec, this.specHash, names, this.deps.webBaseUrl)
          .then((outcomes) => this.onOutcomes(spec, outcomes, log)),
      );
    }
  }

  /** An exited container tells the breaker whether the runner did its work or failed (see exitOutcome). */
  private noteExit(spec: PoolSpec, a: Action, snapshot: Snapshot, now: number): void {
    if (a.kind !== ActionKind.CleanupExited || snapshot.inFlight.deleting.includes(a.runnerName)) return;
    const c = snapshot.containers.find((x) => x.id === a.containerId);
    const outcome = c ? exitOutcome(a.runnerName, c, snapshot, this.memory) : undefined;
    if (outcome) this.memory = recordOutcome(this.memory, outcome, now, spec.guards.breakerThreshold);
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    p.finally(() => {
      this.pending.delete(p);
      this.nudge('actions-done');
    });
  }

  /** Resolves when every action handed to the actuators has finished. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private onOutcomes(spec: PoolSpec, outcomes: Outcome[], log: LoopLogger): void {
    const now = this.now();
    for (const o of outcomes) {
      switch (o.kind) {
        case 'created':
          this.totals.created++;
          this.deps.metrics?.actionDone(spec.name, 'create', 'success');
          log.info('runner created', { event: 'runner-created', runner: o.runnerName, registrationId: o.registrationId });
          break;
        case 'create-failed':
          // The breaker protects against broken runners; a GitHub outage would otherwise hold creates for the whole
          // back-off after GitHub is back. Those creates are retried on the next ticks instead.
          if (!o.githubUnavailable) this.memory = recordOutcome(this.memory, 'failure', now, spec.guards.breakerThreshold);
          this.deps.metrics?.actionDone(spec.name, 'create', 'failure');
          log.warn('runner creation failed', { event: 'create-failed', runner: o.runnerName, error: o.error });
          this.deps.events?.record(spec.name, 'Warning', 'CreateFailed', o.error, now);
          break;
        case 'deleted':
          this.totals.destroyed++;
          this.deps.metrics?.actionDone(spec.name, o.action.kind, 'success');
          this.deps.metrics?.runnerDestroyed(spec.name, o.action.kind);
          if (o.action.kind === ActionKind.ScaleDown)
            this.lastAction = { at: now, kind: 'scale-down', count: 1, reason: o.action.reason };
          log.info('runner removed', { event: o.action.kind, runner: o.action.runnerName, reason: o.action.reason });
          this.deps.events?.record(spec.name, 'Normal', eventReason(o.action.kind), `${o.action.runnerName}: ${o.action.reason}`, now);
          break;
        case 'kept-busy':
          this.deps.metrics?.actionDone(spec.name, o.action.kind, 'busy');
          log.info('runner kept: GitHub says it is running a job', { event: 'kept-busy', runner: o.action.runnerName });
          this.deps.events?.record(spec.name, 'Normal', 'KeptBusy', `${o.action.runnerName} is running a job`, now);
          break;
        case 'delete-failed':
          this.deps.metrics?.actionDone(spec.name, o.action.kind, 'failure');
          log.warn('removal failed', { event: 'delete-failed', runner: o.action.runnerName, error: o.error });
          this.deps.events?.record(spec.name, 'Warning', 'DeleteFailed', `${o.action.runnerName}: ${o.error}`, now);
          break;
      }
    }
  }

  /** Removes idle runners now (registration first, so a runner that just took a job is kept). */
  async drainIdle(): Promise<void> {
    const snapshot = await this.observe(this.now());
    const plan = computeDesiredState(
      { ...this.spec, scaling: { ...this.spec.scaling, min: 0, max: 0, idleTimeoutMs: 0, idleBuffer: 0 } },
      snapshot,
      this.memory,
      this.now(),
    );
    const idle = plan.groups.idle.map<Action>((r) => ({
      kind: ActionKind.ScaleDown,
      runnerName: r.name,
      containerId: r.container.id,
      registrationId: r.registration?.id,
      reason: 'drain',
    }));
    const outcomes = await this.actuators.removeRunners(this.spec, idle);
    this.onOutcomes(this.spec, outcomes, this.deps.logger.child({ pool: this.spec.name }));
  }
}

const randomSuffix = (): string => randomBytes(4).toString('hex');

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const eventReason = (kind: string): string =>
  ({ 'scale-down': 'ScaledDown', 'cleanup-exited': 'CleanedUpExited', 'cleanup-stuck': 'CleanedUpStuck', 'delete-orphan': 'DeletedOrphan' })[kind] ?? kind;

export const describeAction = (a: Action): string =>
  a.kind === ActionKind.Create ? `create ${a.count}: ${a.reason}` : `${a.kind} ${a.runnerName}: ${a.reason}`;

const summarizeInputs = (s: Snapshot, p: Plan) => ({
  containers: s.containers.length,
  registrations: s.registrations?.length ?? null,
  jobs: s.jobs?.length ?? null,
  queued: p.queued,
  inFlight: { creating: s.inFlight.creating, deleting: s.inFlight.deleting.length },
  groups: Object.fromEntries(Object.entries(p.groups).map(([k, v]) => [k, (v as unknown[]).length])),
  rateLimitRemaining: s.rateLimit?.remaining ?? null,
});
