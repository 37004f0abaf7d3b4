import type { Scope } from '../spec/types.js';

/** A runner as GitHub lists it. */
export interface Registration {
  id: number;
  name: string;
  status: 'online' | 'offline';
  busy: boolean;
  labels: string[];
}

export type JobStatus = 'queued' | 'in_progress' | 'waiting' | 'completed' | 'pending' | 'requested';

/** A workflow job as the controller sees it (from REST or webhooks). */
export interface Job {
  id: number;
  runId: number;
  /** `owner/name` */
  repository: string;
  labels: string[];
  status: JobStatus;
  runnerId?: number | null;
  runnerName?: string | null;
  /** epoch ms */
  createdAt: number;
  startedAt?: number | null;
  /** epoch ms, known from `completed` webhooks */
  completedAt?: number | null;
}

export interface JitConfig {
  runner: Registration;
  /** Secret: never logged. */
  encodedJitConfig: string;
}

export interface RegistrationToken {
  /** Secret: never logged. */
  token: string;
  expiresAt: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** epoch ms */
  resetAt: number;
  used: number;
}

export type DeleteResult = 'deleted' | 'busy' | 'not-found';

export interface GitHubPort {
  listRegistrations(scope: Scope): Promise<Registration[]>;
  createJitConfig(
    scope: Scope,
    req: { name: string; labels: string[]; runnerGroupId?: number; workFolder?: string },
  ): Promise<JitConfig>;
  createRegistrationToken(scope: Scope): Promise<RegistrationToken>;
  /** A 422 (runner still running a job) is `busy`, a 404 is `not-found`; neither throws. */
  deleteRegistration(scope: Scope, runnerId: number): Promise<DeleteResult>;
  /** Queued and in-progress jobs (and `waiting`, which callers must not count as demand). */
  listJobs(scope: Scope): Promise<Job[]>;
  /** Last rate-limit state seen on any response; undefined before the first call. */
  rateLimit(): RateLimitState | undefined;
}
