import { ErrorKind, PortError } from '../pkg/errors.js';
import { Label, MANAGED_BY, type ContainerSpec, type RuntimePort } from '../pkg/docker/port.js';
import type { DeleteResult, GitHubPort } from '../pkg/github/port.js';
import type { PoolSpec } from '../pkg/spec/types.js';
import { Limiter } from '../pkg/util/limit.js';
import { withRetry } from '../pkg/util/retry.js';
import { ActionKind, type Action, type InFlight, type RemovalAction } from './types.js';

/**
 * The actuators carry out allowed actions. They are small, one per action kind, bounded in concurrency, retry
 * 5xx with back-off, and report what is in flight so the next snapshot never creates a runner twice.
 */

export type Outcome =
  | { kind: 'created'; runnerName: string; registrationId?: number }
  | {
      kind: 'create-failed';
      runnerName: string;
      error: string;
      retryable: boolean;
      /** GitHub was down, rate-limited or failing (after retries) before any credential existed: not the runner's fault */
      githubUnavailable?: boolean;
    }
  | { kind: 'deleted'; action: RemovalAction }
  | { kind: 'kept-busy'; action: RemovalAction }
  | { kind: 'delete-failed'; action: RemovalAction; error: string };

export interface ActuatorDeps {
  github: GitHubPort;
  runtime: RuntimePort;
  controllerId: string;
  /** Registers a secret with the logger's redactor before it exists anywhere else. */
  registerSecret?: (value: string) => void;
  retry?: { attempts: number; baseDelayMs: number; sleep?: (ms: number) => Promise<void> };
  clock?: () => number;
}

export const runnerLabels = (spec: PoolSpec, controllerId: string, runnerName: string, specHash: string, now: number) => ({
  [Label.ManagedBy]: MANAGED_BY,
  [Label.ControllerId]: controllerId,
  [Label.Pool]: spec.name,
  [Label.RunnerName]: runnerName,
  [Label.SpecHash]: specHash,
  [Label.CreatedAt]: new Date(now).toISOString(),
});

export const scopeUrl = (spec: PoolSpec, webBaseUrl: string): string =>
  spec.scope.kind === 'repo'
    ? `${webBaseUrl}/${spec.scope.owner}/${spec.scope.repo}`
    : `${webBaseUrl}/${spec.scope.org}`;

const githubTransient = (e: unknown): boolean =>
  e instanceof PortError &&
  (e.kind === ErrorKind.Unreachable || e.kind === ErrorKind.Retryable || e.kind === ErrorKind.RateLimited);

export class Actuators {
  private readonly limiter: Limiter;
  private readonly creating = new Set<string>();
  private readonly deleting = new Set<string>();
  /**
   * Containers removed recently, by id, with when. A snapshot listed just before a removal finished still shows the
   * container; without this the next tick would "remove" it again and count the runner as destroyed twice.
   */
  private readonly removed = new Map<string, number>();

  constructor(
    private readonly deps: ActuatorDeps,
    concurrency: number,
  ) {
    this.limiter = new Limiter(Math.max(1, concurrency));
  }

  /** Whether this container was removed by us moments ago (a listing may still show it). */
  wasRemoved(containerId: string): boolean {
    return this.removed.has(containerId);
  }

  /**
   * @param creatingWhenListed the names in flight when the container list was read: one that finished since is
   *   missing from that list, and would otherwise be counted nowhere (and the hard max one runner short).
   */
  inFlight(visibleContainerNames: ReadonlySet<string>, creatingWhenListed: readonly string[] = []): InFlight {
    const names = new Set([...creatingWhenListed, ...this.creating]);
    // A creation whose container is already listed is counted once, as the container.
    const creating = [...names].filter((n) => !visibleContainerNames.has(n)).length;
    return { creating, deleting: [...this.deleting], creatingNames: [...names] };
  }

  creatingNames(): string[] {
    return [...this.creating];
  }

  /** Reserves capacity for `names` synchronously, then creates them; resolves when all have finished. */
  createRunners(
    spec: PoolSpec,
    specHash: string,
    names: string[],
    webBaseUrl: string,
  ): Promise<Outcome[]> {
    for (const n of names) this.creating.add(n);
    return Promise.all(
      names.map((name) =>
        this.limiter
          .run(() => this.createOne(spec, specHash, name, webBaseUrl))
          .finally(() => this.creating.delete(name)),
      ),
    );
  }

  private retry<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.deps.retry ?? { attempts: 4, baseDelayMs: 500 };
    return withRetry(fn, { attempts: r.attempts, baseDelayMs: r.baseDelayMs, sleep: r.sleep });
  }

  private async createOne(spec: PoolSpec, specHash: string, name: string, webBaseUrl: string): Promise<Outcome> {
    const { github, runtime } = this.deps;
    const now = (this.deps.clock ?? Date.now)();
    let registrationId: number | undefined;
    let containerId: string | undefined;
    let credentialsIssued = false;
    try {
      const env: Record<string, string> = { ...spec.runner.env };
      const labels: Record<string, string> = runnerLabels(spec, this.deps.controllerId, name, specHash, now);
      if (spec.runner.mode === 'jit') {
        const jit = await this.retry(() =>
          github.createJitConfig(spec.scope, {
            name,
            labels: spec.runner.labels,
            runnerGroupId: spec.scope.runnerGroupId,
            workFolder: spec.runner.workdir,
          }),
        );
        this.deps.registerSecret?.(jit.encodedJitConfig);
        registrationId = jit.runner.id;
        labels[Label.RunnerId] = String(jit.runner.id);
        env.ACTIONS_RUNNER_INPUT_JITCONFIG = jit.encodedJitConfig;
      } else {
        const token = await this.retry(() => github.createRegistrationToken(spec.scope));
        this.deps.registerSecret?.(token.token);
        Object.assign(env, {
          RUNNER_TOKEN: token.token,
          RUNNER_NAME: name,
          RUNNER_URL: scopeUrl(spec, webBaseUrl),
          RUNNER_LABELS: spec.runner.labels.join(','),
          RUNNER_EPHEMERAL: 'true',
        });
      }
      credentialsIssued = true;
      const container: ContainerSpec = {
        name,
        image: spec.runner.image,
        env,
        labels,
        network: spec.runner.network,
        cpus: spec.runner.cpus,
        memoryBytes: spec.runner.memoryBytes,
        volumes: spec.runner.volumes,
        privileged: spec.runner.privileged,
      };
      containerId = await this.retry(() => runtime.create(container));
      const id = containerId;
      await this.retry(() => runtime.start(id));
      return { kind: 'created', runnerName: name, registrationId };
    } catch (e) {
      // Leave nothing behind: a registration without a container is a leak, and so is a container never started.
      if (containerId) await runtime.remove(containerId).catch(() => undefined);
      if (registrationId !== undefined) {
        const rid = registrationId;
        await this.retry(() => github.deleteRegistration(spec.scope, rid)).catch(() => undefined);
      }
      return {
        kind: 'create-failed',
        runnerName: name,
        error: e instanceof Error ? e.message : String(e),
        retryable: e instanceof Error && 'kind' in e ? (e as { kind: string }).kind !== 'terminal' : true,
        ...(!credentialsIssued && githubTransient(e) ? { githubUnavailable: true } : {}),
      };
    }
  }

  /** Carries out delete-like actions (scale-down, clean-ups, orphan removal), registration first. */
  removeRunners(spec: PoolSpec, actions: Action[], graceSeconds = 10): Promise<Outcome[]> {
    const now = (this.deps.clock ?? Date.now)();
    for (const [id, at] of this.removed) if (now - at > 10 * 60_000) this.removed.delete(id);
    const todo = actions.filter(
      (a): a is RemovalAction =>
        a.kind !== ActionKind.Create &&
        !this.deleting.has(a.runnerName) &&
        !(a.kind !== ActionKind.DeleteOrphan && this.removed.has(a.containerId)),
    );
    for (const a of todo) this.deleting.add(a.runnerName);
    return Promise.all(
      todo.map((a) =>
        this.limiter.run(() => this.removeOne(spec, a, graceSeconds)).finally(() => this.deleting.delete(a.runnerName)),
      ),
    );
  }

  private async removeOne(spec: PoolSpec, action: RemovalAction, graceSeconds: number): Promise<Outcome> {
    const { github, runtime } = this.deps;
    try {
      const rid = action.registrationId;
      if (rid !== undefined) {
        const result: DeleteResult = await this.retry(() => github.deleteRegistration(spec.scope, rid));
        // GitHub refuses (422) while the runner runs a job: a live runner is kept, its container untouched. An
        // exited container runs nothing, so it goes; its registration is retried as an orphan until GitHub accepts.
        if (result === 'busy' && action.kind !== ActionKind.CleanupExited) return { kind: 'kept-busy', action };
      }
      if (action.kind !== ActionKind.DeleteOrphan) {
        const cid = action.containerId;
        if (action.kind === ActionKind.ScaleDown || action.kind === ActionKind.CleanupStuck)
          await this.retry(() => runtime.stop(cid, graceSeconds));
        await this.retry(() => runtime.remove(cid));
        this.removed.set(cid, (this.deps.clock ?? Date.now)());
      }
      return { kind: 'deleted', action };
    } catch (e) {
      return { kind: 'delete-failed', action, error: e instanceof Error ? e.message : String(e) };
    }
  }
}
