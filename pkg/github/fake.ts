import { randomBytes } from 'node:crypto';
import { ErrorKind, PortError } from '../errors.js';
import type { Scope } from '../spec/types.js';
import type { DeleteResult, GitHubPort, JitConfig, Job, JobStatus, RateLimitState, Registration, RegistrationToken } from './port.js';
import { qualifyRepo } from './scope-path.js';

export type GitHubMethod = Exclude<keyof GitHubPort, 'rateLimit'>;

export interface GitHubCall {
  method: GitHubMethod;
  args: unknown[];
}

export interface FakeGitHubOptions {
  /** The fake's clock (epoch ms), so tests can run on simulated time. */
  now?: () => number;
  rateLimit?: number;
  /** Added to every call (real time), to exercise concurrency limits; 0 by default. */
  latencyMs?: number;
}

const DEFAULT_LABELS = ['self-hosted', 'Linux', 'X64'];
const ACTIVE: ReadonlySet<JobStatus> = new Set<JobStatus>(['queued', 'in_progress', 'waiting']);

/** Scopes compare case-insensitively, as GitHub's owner and repository names do. */
export const scopeKey = (s: Scope): string => (s.kind === 'repo' ? `repo:${s.owner}/${s.repo}` : `org:${s.org}`).toLowerCase();

/**
 * An in-memory GitHub for one or more scopes: registrations, jobs, every call recorded in order, failures injectable.
 * Semantics match the Octokit port against the simulator (the contract suite runs against both).
 */
export class FakeGitHub implements GitHubPort {
  readonly calls: GitHubCall[] = [];
  /** Every JIT config handed out, by runner name (tests check it reached the container). */
  readonly jitConfigs = new Map<string, string>();
  private readonly regs = new Map<number, Registration & { scope: string }>();
  private readonly jobs = new Map<number, Job>();
  private readonly failures: { method: GitHubMethod | '*'; error: PortError; times: number }[] = [];
  private readonly now: () => number;
  private nextRunnerId = 1;
  private nextJobId = 1000;
  private limitState: RateLimitState | undefined;
  private exhaustedUntil = 0;
  private readonly limit: number;
  private readonly latencyMs: number;

  constructor(opts: FakeGitHubOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.limit = opts.rateLimit ?? 5000;
    this.latencyMs = opts.latencyMs ?? 0;
  }

  // --- failure injection and world helpers -------------------------------------------------------

  /**
   * The next `times` calls of `method` ('*' = any) fail with `failure`: a PortError, an HTTP status mapped like the
   * real port (5xx retryable, 401/403 terminal, 404 not-found, 409 conflict, 429 rate-limited), or 'unreachable'.
   */
  failNext(method: GitHubMethod | '*', failure: PortError | number | 'unreachable', times = 1): this {
    this.failures.push({ method, error: toError(method, failure), times });
    return this;
  }

  /** Every call fails rate-limited until the clock reaches `resetAt`. */
  exhaustRateLimit(resetAt: number): void {
    this.exhaustedUntil = resetAt;
    this.limitState = { limit: this.limit, remaining: 0, resetAt, used: this.limit };
  }

  /** Adds a registration directly (e.g. an orphan or a foreign runner); not recorded as a call. */
  addRegistration(
    scope: Scope,
    r: { name: string; labels?: string[]; status?: 'online' | 'offline'; busy?: boolean; id?: number },
  ): Registration {
    const id = r.id ?? this.nextRunnerId++;
    this.nextRunnerId = Math.max(this.nextRunnerId, id + 1);
    const reg = { id, name: r.name, status: r.status ?? 'offline', busy: r.busy ?? false, labels: [...(r.labels ?? [])], scope: scopeKey(scope) };
    this.regs.set(id, reg);
    return strip(reg);
  }

  /** Changes what GitHub reports for a runner (online/offline, busy), e.g. when a fake container starts. */
  setRunner(idOrName: number | string, patch: Partial<Pick<Registration, 'status' | 'busy'>>): void {
    Object.assign(this.mustFind(idOrName), patch);
  }

  /** The runner's container came up: GitHub now lists it online. */
  bringOnline(idOrName: number | string): void {
    this.setRunner(idOrName, { status: 'online' });
  }

  /** GitHub removing a registration by itself (an ephemeral runner after its job); not recorded as a call. */
  removeRegistration(id: number): void {
    this.regs.delete(id);
  }

  /** The scope key (`repo:owner/name` or `org:name`, lower case) a registration belongs to. */
  scopeOf(id: number): string | undefined {
    return this.regs.get(id)?.scope;
  }

  registrations(scope?: Scope): Registration[] {
    const k = scope && scopeKey(scope);
    return [...this.regs.values()].filter((r) => !k || r.scope === k).map(strip);
  }

  /** Queues a job in `repository` (`owner/name`). */
  enqueueJob(repository: string, labels: string[], over: Partial<Job> = {}): Job {
    const id = over.id ?? this.nextJobId++;
    const job: Job = { id, runId: id, repository, labels: [...labels], status: 'queued', runnerId: null, runnerName: null, createdAt: this.now(), startedAt: null, ...over };
    this.jobs.set(id, job);
    return { ...job };
  }

  /** Moves a job on: `in_progress` with a runner makes that runner busy; `completed` frees it and drops the job. */
  setJob(id: number, status: JobStatus, runner?: number | string): void {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    if (job.runnerId != null && status !== 'in_progress') {
      const prev = this.regs.get(job.runnerId);
      if (prev) prev.busy = false;
    }
    job.status = status;
    if (status === 'in_progress' && runner !== undefined) {
      const r = this.mustFind(runner);
      r.busy = true;
      job.runnerId = r.id;
      job.runnerName = r.name;
      job.startedAt = this.now();
    }
  }

  jobsInWorld(): Job[] {
    return [...this.jobs.values()].map((j) => ({ ...j, labels: [...j.labels] }));
  }

  callsOf(method: GitHubMethod): GitHubCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // --- GitHubPort ---------------------------------------------------------------------------------

  async listRegistrations(scope: Scope): Promise<Registration[]> {
    await this.enter('listRegistrations', [scope]);
    return this.registrations(scope).sort((a, b) => a.id - b.id);
  }

  async createJitConfig(
    scope: Scope,
    req: { name: string; labels: string[]; runnerGroupId?: number; workFolder?: string },
  ): Promise<JitConfig> {
    await this.enter('createJitConfig', [scope, { ...req, labels: [...req.labels] }]);
    if (!req.name.trim() || req.labels.length === 0) throw new PortError(ErrorKind.Terminal, 'GitHub generate-jitconfig: 422 name and labels are required', 422);
    const k = scopeKey(scope);
    if ([...this.regs.values()].some((r) => r.scope === k && r.name === req.name)) {
      throw new PortError(ErrorKind.Conflict, `GitHub generate-jitconfig: 409 a runner named ${req.name} already exists`, 409);
    }
    // GitHub adds the default labels of the runner's OS and architecture to the custom ones.
    const labels = [...DEFAULT_LABELS.filter((d) => !req.labels.some((l) => l.toLowerCase() === d.toLowerCase())), ...req.labels];
    const runner = this.addRegistration(scope, { name: req.name, labels });
    const encodedJitConfig = Buffer.from(JSON.stringify({ runnerId: runner.id, name: runner.name, secret: randomBytes(12).toString('hex') })).toString('base64');
    this.jitConfigs.set(runner.name, encodedJitConfig);
    return { runner, encodedJitConfig };
  }

  async createRegistrationToken(scope: Scope): Promise<RegistrationToken> {
    await this.enter('createRegistrationToken', [scope]);
    return { token: randomBytes(20).toString('hex').toUpperCase(), expiresAt: this.now() + 3_600_000 };
  }

  async deleteRegistration(scope: Scope, runnerId: number): Promise<DeleteResult> {
    await this.enter('deleteRegistration', [scope, runnerId]);
    const r = this.regs.get(runnerId);
    if (!r || r.scope !== scopeKey(scope)) return 'not-found';
    if (r.busy) return 'busy';
    this.regs.delete(runnerId);
    return 'deleted';
  }

  async listJobs(scope: Scope): Promise<Job[]> {
    await this.enter('listJobs', [scope]);
    const inScope = (repo: string): boolean => {
      const r = repo.toLowerCase();
      if (scope.kind === 'repo') return r === `${scope.owner}/${scope.repo}`.toLowerCase();
      if (scope.repositories?.length) return scope.repositories.some((x) => qualifyRepo(scope.org, x).toLowerCase() === r);
      return r.startsWith(`${scope.org.toLowerCase()}/`);
    };
    return this.jobsInWorld().filter((j) => ACTIVE.has(j.status) && inScope(j.repository));
  }

  rateLimit(): RateLimitState | undefined {
    return this.limitState ? { ...this.limitState } : undefined;
  }

  // --- internals ----------------------------------------------------------------------------------

  private async enter(method: GitHubMethod, args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const now = this.now();
    if (now < this.exhaustedUntil) {
      throw new PortError(ErrorKind.RateLimited, `GitHub ${method}: 403 API rate limit exceeded`, 403, this.exhaustedUntil - now);
    }
    if (!this.limitState || now >= this.limitState.resetAt) {
      this.limitState = { limit: this.limit, remaining: this.limit, resetAt: now + 3_600_000, used: 0 };
    }
    const i = this.failures.findIndex((f) => f.method === method || f.method === '*');
    if (i >= 0) {
      const f = this.failures[i]!;
      if (--f.times <= 0) this.failures.splice(i, 1);
      throw f.error;
    }
    this.limitState.remaining = Math.max(0, this.limitState.remaining - 1);
    this.limitState.used++;
  }

  private mustFind(idOrName: number | string): Registration & { scope: string } {
    const r = typeof idOrName === 'number' ? this.regs.get(idOrName) : [...this.regs.values()].find((x) => x.name === idOrName);
    if (!r) throw new Error(`no registration ${idOrName}`);
    return r;
  }
}

function toError(method: string, f: PortError | number | 'unreachable'): PortError {
  if (f instanceof PortError) return f;
  if (f === 'unreachable') return new PortError(ErrorKind.Unreachable, `GitHub ${method}: unreachable (injected)`);
  const msg = `GitHub ${method}: ${f} injected failure`;
  if (f === 429) return new PortError(ErrorKind.RateLimited, msg, f, 60_000);
  if (f === 404) return new PortError(ErrorKind.NotFound, msg, f);
  if (f === 409) return new PortError(ErrorKind.Conflict, msg, f);
  if (f >= 500) return new PortError(ErrorKind.Retryable, msg, f);
  return new PortError(ErrorKind.Terminal, msg, f);
}

const strip = (r: Registration & { scope?: string }): Registration => ({ id: r.id, name: r.name, status: r.status, busy: r.busy, labels: [...r.labels] });
