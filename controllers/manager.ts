import { Label, MANAGED_BY, type RuntimePort } from '../pkg/docker/port.js';
import type { GitHubPort, Job } from '../pkg/github/port.js';
import type { PoolSpec } from '../pkg/spec/types.js';
import { Demand } from './demand.js';
import {
  PoolController,
  type LoopEvents,
  type LoopLogger,
  type LoopMetrics,
  type PoolControllerDeps,
} from './pool-controller.js';

export interface ManagerDeps {
  github: GitHubPort;
  runtime: RuntimePort;
  controllerId: string;
  webBaseUrl: string;
  logger: LoopLogger;
  events?: LoopEvents;
  metrics?: LoopMetrics & {
    unmatchedJobs?(n: number): void;
    removePool?(pool: string): void;
    jobPickup?(pool: string, seconds: number): void;
    jobRunTime?(pool: string, seconds: number): void;
  };
  registerSecret?: (value: string) => void;
  clock?: () => number;
  retry?: PoolControllerDeps['retry'];
  /** Source of runner name suffixes (tests pin it to show that a taken name is never reused). */
  random?: PoolControllerDeps['random'];
  /** true when webhooks feed demand: polling becomes the slower safety net */
  webhooks?: boolean;
  webhookPollSlowdown?: number;
}

export type ApplyResult = 'created' | 'configured' | 'unchanged';

/** Owns one PoolController per pool and the demand they share. */
export class Manager {
  readonly pools = new Map<string, PoolController>();
  readonly demand: Demand;
  private started = false;
  private readonly startedAt: number;
  private readonly deleting = new Map<string, Promise<void>>();
  private unwatch?: () => void;

  constructor(private readonly deps: ManagerDeps) {
    this.startedAt = this.now();
    this.demand = new Demand({
      github: deps.github,
      pools: () => this.specs(),
      pollSlowdown: () => (deps.webhooks ? (deps.webhookPollSlowdown ?? 1) : 1),
      onJobStarted: (pool, s) => deps.metrics?.jobPickup?.(pool ?? 'none', s),
      onJobFinished: (pool, s) => deps.metrics?.jobRunTime?.(pool ?? 'none', s),
      onPollError: (scope, e) =>
        deps.logger.warn('polling queued jobs failed', { event: 'poll-failed', scope, error: String((e as Error)?.message ?? e) }),
    });
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }

  get isRunning(): boolean {
    return this.started;
  }
  get since(): number {
    return this.startedAt;
  }

  specs(): PoolSpec[] {
    return [...this.pools.values()].filter((p) => !p.isDraining).map((p) => p.currentSpec);
  }

  get(name: string): PoolController | undefined {
    return this.pools.get(name);
  }

  /** Applies pool specs; pools already present are updated in place (their loops keep their memory). */
  apply(entries: { spec: PoolSpec; hash: string }[]): { name: string; result: ApplyResult }[] {
    return entries.map(({ spec, hash }) => {
      const existing = this.pools.get(spec.name);
      if (existing) {
        if (existing.currentHash === hash && !existing.isDraining) return { name: spec.name, result: 'unchanged' };
        if (existing.isDraining) existing.setDraining(false);
        existing.updateSpec(spec, hash);
        this.deps.events?.record(spec.name, 'Normal', 'SpecUpdated', `spec ${hash.slice(0, 12)} applied`, this.now());
        return { name: spec.name, result: 'configured' };
      }
      const pool = new PoolController(spec, hash, {
        github: this.deps.github,
        runtime: this.deps.runtime,
        demand: this.demand,
        controllerId: this.deps.controllerId,
        webBaseUrl: this.deps.webBaseUrl,
        logger: this.deps.logger,
        events: this.deps.events,
        metrics: this.deps.metrics,
        registerSecret: this.deps.registerSecret,
        clock: this.deps.clock,
        retry: this.deps.retry,
        random: this.deps.random,
      });
      this.pools.set(spec.name, pool);
      this.deps.events?.record(spec.name, 'Normal', 'PoolCreated', `spec ${hash.slice(0, 12)} applied`, this.now());
      if (this.started) pool.start();
      return { name: spec.name, result: 'created' };
    });
  }

  /**
   * Drains a pool (no new runners, idle ones removed, busy ones left to finish their job), then forgets it.
   * Resolves when the pool owns no container any more.
   */
  deletePool(name: string, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
    const pool = this.pools.get(name);
    if (!pool) return Promise.resolve();
    const running = this.deleting.get(name);
    if (running) return running;
    pool.setDraining(true);
    const done = (async () => {
      const began = this.now();
      const deadline = began + (opts.timeoutMs ?? 60 * 60 * 1000);
      for (;;) {
        const tick = pool.lastTick;
        const empty = tick && tick.at >= began && tick.snapshot.containers.length === 0 && tick.snapshot.inFlight.creating === 0;
        if (empty) break;
        if (this.now() > deadline) break;
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
        pool.nudge('drain');
      }
      await pool.stop();
      this.pools.delete(name);
      this.deps.metrics?.removePool?.(name);
      this.deps.events?.record(name, 'Normal', 'PoolDeleted', 'drained and removed', this.now());
    })().finally(() => this.deleting.delete(name));
    this.deleting.set(name, done);
    return done;
  }

  isDeleting(name: string): boolean {
    return this.deleting.has(name);
  }

  start(): void {
    this.started = true;
    for (const p of this.pools.values()) p.start();
    // A runner container starting or exiting wakes its pool at once; the pool's timer remains the safety net.
    this.unwatch = this.deps.runtime.watch?.(
      { [Label.ManagedBy]: MANAGED_BY, [Label.ControllerId]: this.deps.controllerId },
      (e) => {
        const pool = this.pools.get(e.labels[Label.Pool] ?? '');
        if (!pool) return;
        pool.nudge(`container-${e.action}`);
        // The engine may announce a death a moment before its container list says so: look again shortly.
        setTimeout(() => pool.nudge(`container-${e.action}-settled`), 1000).unref();
      },
    );
  }

  async stop(opts: { drain?: boolean } = {}): Promise<void> {
    this.started = false;
    this.unwatch?.();
    this.unwatch = undefined;
    await Promise.all([...this.pools.values()].map((p) => p.stop(opts)));
  }

  /** Takes a workflow_job delivery and wakes the pools it concerns. */
  ingestJob(job: Job): string[] {
    const pools = this.demand.ingest(job, this.now());
    for (const name of pools) this.pools.get(name)?.nudge('webhook');
    return pools;
  }

  unmatchedJobs(): Job[] {
    const jobs = this.demand.unmatched();
    this.deps.metrics?.unmatchedJobs?.(jobs.length);
    return jobs;
  }
}
