// The job engine: registrations, sessions, GitHub's job matching, ephemeral removal, heartbeat expiry.
import { randomBytes } from 'node:crypto';
import { labelsMatch, scopeServes, type ScopeKey, type SimJob, type SimLabel, type SimRun, type SimRunner } from './model.js';

export type JobEventAction = 'queued' | 'waiting' | 'in_progress' | 'completed';
export type JobListener = (action: JobEventAction, job: SimJob) => void;

const DEFAULT_LABELS = ['self-hosted', 'Linux', 'X64'];

interface Poller { runnerId: number; resolve: (job: SimJob | null) => void; timer: NodeJS.Timeout }

export class Engine {
  runners = new Map<number, SimRunner>();
  jobs = new Map<number, SimJob>();
  runs = new Map<number, SimRun>();
  private labelIds = new Map<string, number>();
  private pollers: Poller[] = [];
  private nextRunnerId = 1;
  private nextJobId = 1000;
  private nextRunId = 100;
  /** REST shows busy=false for this long after an assignment (GitHub's list lags behind reality). */
  busyLagMs = 0;

  constructor(
    private readonly clock: () => number,
    public heartbeatTimeoutMs: number,
    private readonly onJob: JobListener,
  ) {}

  reset(): void {
    for (const p of this.pollers) { clearTimeout(p.timer); p.resolve(null); }
    this.pollers = [];
    this.runners.clear(); this.jobs.clear(); this.runs.clear();
    this.busyLagMs = 0;
  }

  labelsOf(names: string[], ephemeralDefaults: boolean): SimLabel[] {
    const out: SimLabel[] = [];
    const seen = new Set<string>();
    const add = (name: string, type: SimLabel['type']) => {
      const key = name.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      if (!this.labelIds.has(key)) this.labelIds.set(key, this.labelIds.size + 1);
      out.push({ id: this.labelIds.get(key)!, name, type });
    };
    if (ephemeralDefaults) for (const l of DEFAULT_LABELS) add(l, 'read-only');
    for (const l of names) add(l, DEFAULT_LABELS.some((d) => d.toLowerCase() === l.toLowerCase()) ? 'read-only' : 'custom');
    return out;
  }

  findByName(scope: ScopeKey, name: string): SimRunner | undefined {
    for (const r of this.runners.values()) if (r.scope === scope && r.name === name) return r;
    return undefined;
  }

  createRunner(p: { scope: ScopeKey; name: string; labels: string[]; ephemeral: boolean; status?: 'online' | 'offline';
    busy?: boolean; createdAt?: number; defaultLabels?: boolean }): SimRunner {
    const r: SimRunner = {
      id: this.nextRunnerId++, name: p.name, scope: p.scope, os: 'Linux', status: p.status ?? 'offline',
      labels: this.labelsOf(p.labels, p.defaultLabels ?? true), ephemeral: p.ephemeral, runnerGroupId: 1,
      createdAt: p.createdAt ?? this.clock(), hasSession: false, lastSeen: this.clock(), jobId: null,
      seededBusy: p.busy ?? false, assignedAt: null,
    };
    this.runners.set(r.id, r);
    return r;
  }

  /** A runner process connected: it gets a session token for the private runner routes. */
  openSession(r: SimRunner): string {
    r.hasSession = true;
    r.sessionToken = randomBytes(24).toString('hex');
    r.status = 'online';
    r.lastSeen = this.clock();
    return r.sessionToken;
  }

  bySession(token: string | undefined): SimRunner | undefined {
    if (!token) return undefined;
    for (const r of this.runners.values()) if (r.sessionToken === token) return r;
    return undefined;
  }

  isBusy(r: SimRunner): boolean { return r.jobId != null || r.seededBusy; }

  /** What the REST API shows, honouring the configured visibility lag. */
  busyVisible(r: SimRunner): boolean {
    if (r.seededBusy) return true;
    if (r.jobId == null) return false;
    return r.assignedAt == null || this.clock() - r.assignedAt >= this.busyLagMs;
  }

  enqueueJob(p: { repository: string; labels: string[]; durationMs: number; runId?: number; name?: string;
    status?: 'queued' | 'waiting' }): SimJob {
    const now = this.clock();
    let runId = p.runId;
    if (runId == null || !this.runs.has(runId)) {
      runId = runId ?? this.nextRunId++;
      this.nextRunId = Math.max(this.nextRunId, runId + 1);
      this.runs.set(runId, { id: runId, repository: p.repository, headSha: randomBytes(20).toString('hex'), createdAt: now });
    }
    const job: SimJob = {
      id: this.nextJobId++, runId, repository: p.repository, name: p.name ?? 'build', labels: [...p.labels],
      durationMs: p.durationMs, status: p.status ?? 'queued', conclusion: null, runnerId: null, runnerName: null,
      headSha: this.runs.get(runId)!.headSha, createdAt: now, startedAt: null, completedAt: null,
    };
    this.jobs.set(job.id, job);
    this.onJob(job.status === 'waiting' ? 'waiting' : 'queued', job);
    this.dispatch();
    return job;
  }

  /** A waiting job (environment approval) becomes queued. */
  releaseJob(id: number): boolean {
    const j = this.jobs.get(id);
    if (!j || j.status !== 'waiting') return false;
    j.status = 'queued';
    this.onJob('queued', j);
    this.dispatch();
    return true;
  }

  cancelJob(id: number): boolean {
    const j = this.jobs.get(id);
    if (!j || j.status === 'completed') return false;
    this.finish(j, 'cancelled');
    return true;
  }

  /** Long-poll for a job; resolves null when nothing arrived within waitMs. */
  poll(r: SimRunner, waitMs: number): Promise<SimJob | null> {
    r.lastSeen = this.clock();
    if (r.jobId != null) return Promise.resolve(this.jobs.get(r.jobId) ?? null);
    return new Promise((resolve) => {
      const poller: Poller = {
        runnerId: r.id,
        resolve,
        timer: setTimeout(() => {
          this.pollers = this.pollers.filter((p) => p !== poller);
          r.lastSeen = this.clock();
          resolve(null);
        }, waitMs),
      };
      this.pollers.push(poller);
      this.dispatch();
    });
  }

  /** Oldest queued job first, to the longest-waiting idle online runner that serves it and has its labels. */
  private dispatch(): void {
    for (const job of [...this.jobs.values()].filter((j) => j.status === 'queued').sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)) {
      const idx = this.pollers.findIndex((p) => {
        const r = this.runners.get(p.runnerId);
        return !!r && r.status === 'online' && !this.isBusy(r) && scopeServes(r.scope, job.repository) &&
          labelsMatch(r.labels.map((l) => l.name), job.labels);
      });
      if (idx < 0) continue;
      const [poller] = this.pollers.splice(idx, 1);
      clearTimeout(poller.timer);
      const r = this.runners.get(poller.runnerId)!;
      const now = this.clock();
      job.status = 'in_progress'; job.runnerId = r.id; job.runnerName = r.name; job.startedAt = now;
      r.jobId = job.id; r.assignedAt = now; r.lastSeen = now;
      this.onJob('in_progress', job);
      poller.resolve(job);
    }
  }

  heartbeat(r: SimRunner): void { r.lastSeen = this.clock(); }

  complete(r: SimRunner, jobId: number, conclusion: 'success' | 'failure'): boolean {
    const j = this.jobs.get(jobId);
    if (!j || r.jobId !== jobId) return false;
    this.finish(j, conclusion);
    return true;
  }

  private finish(j: SimJob, conclusion: 'success' | 'failure' | 'cancelled'): void {
    const now = this.clock();
    j.status = 'completed'; j.conclusion = conclusion; j.completedAt = now;
    if (j.startedAt == null) j.startedAt = now;
    const r = j.runnerId != null ? this.runners.get(j.runnerId) : undefined;
    if (r && r.jobId === j.id) {
      r.jobId = null; r.assignedAt = null;
      // GitHub removes an ephemeral runner's registration once its job is done.
      if (r.ephemeral) this.removeRunner(r.id);
    }
    this.onJob('completed', j);
  }

  removeRunner(id: number): void {
    this.runners.delete(id);
    this.pollers = this.pollers.filter((p) => {
      if (p.runnerId !== id) return true;
      clearTimeout(p.timer); p.resolve(null);
      return false;
    });
  }

  /** Runners that stopped talking go offline; a job they held fails, as GitHub fails it after losing the runner. */
  sweep(): void {
    const now = this.clock();
    const polling = new Set(this.pollers.map((p) => p.runnerId));
    for (const r of this.runners.values()) {
      if (!r.hasSession || r.status === 'offline' || polling.has(r.id)) continue;
      if (now - r.lastSeen < this.heartbeatTimeoutMs) continue;
      r.status = 'offline';
      r.sessionToken = undefined;
      const j = r.jobId != null ? this.jobs.get(r.jobId) : undefined;
      if (j && j.status !== 'completed') {
        r.jobId = null; r.assignedAt = null;
        const now2 = this.clock();
        j.status = 'completed'; j.conclusion = 'failure'; j.completedAt = now2;
        this.onJob('completed', j);
      }
    }
  }

  close(): void {
    for (const p of this.pollers) { clearTimeout(p.timer); p.resolve(null); }
    this.pollers = [];
  }
}
