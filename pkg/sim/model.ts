// The simulator's world: runners (registrations), workflow runs and jobs. Plain data; the engine mutates it.

/** `repo:owner/name` or `org:name`: where a registration lives. */
export type ScopeKey = string;

export interface SimLabel { id: number; name: string; type: 'read-only' | 'custom' }

export interface SimRunner {
  id: number;
  name: string;
  scope: ScopeKey;
  os: string;
  status: 'online' | 'offline';
  labels: SimLabel[];
  ephemeral: boolean;
  runnerGroupId: number;
  createdAt: number;
  /** A runner the engine drives (it redeemed a JIT config or registered); seeded ones are static. */
  hasSession: boolean;
  sessionToken?: string;
  lastSeen: number;
  jobId: number | null;
  /** Seeded busy flag for worlds that have no job behind it. */
  seededBusy: boolean;
  assignedAt: number | null;
}

export type SimJobStatus = 'queued' | 'waiting' | 'in_progress' | 'completed';

export interface SimJob {
  id: number;
  runId: number;
  repository: string;
  name: string;
  labels: string[];
  durationMs: number;
  status: SimJobStatus;
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  runnerId: number | null;
  runnerName: string | null;
  headSha: string;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
}

export interface SimRun { id: number; repository: string; headSha: string; createdAt: number }

export const repoScope = (fullName: string): ScopeKey => `repo:${fullName}`;
export const orgScope = (org: string): ScopeKey => `org:${org}`;

/** A runner of an org serves that org's repositories; a repo runner serves its repository only. */
export function scopeServes(scope: ScopeKey, repository: string): boolean {
  if (scope.startsWith('repo:')) return scope.slice(5).toLowerCase() === repository.toLowerCase();
  return scope.slice(4).toLowerCase() === repository.split('/')[0].toLowerCase();
}

/** GitHub's rule: every job label must be among the runner's labels, case-insensitively. */
export function labelsMatch(runnerLabels: string[], jobLabels: string[]): boolean {
  const have = new Set(runnerLabels.map((l) => l.toLowerCase()));
  return jobLabels.every((l) => have.has(l.toLowerCase()));
}
