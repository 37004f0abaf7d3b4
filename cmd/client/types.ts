/** Shapes of the API answers the CLI reads (see pkg/api/openapi.yaml). */
export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface PoolView {
  name: string;
  scope: string;
  policy: string;
  min: number;
  max: number;
  spec_hash: string;
  desired: number;
  desired_reasons: string[];
  observed: Record<string, number>;
  observed_runners: Record<string, string[]>;
  queued_jobs: number;
  planned_actions: string[];
  held_actions: { guard: string; action: string; reason: string }[];
  breaker: string;
  in_flight: { creating: number; deleting: string[] };
  conditions: Condition[];
  last_reconcile: string | null;
  last_error: string | null;
  deleting: boolean;
}

export interface RunnerView {
  name: string;
  pool: string;
  state: string;
  busy: boolean;
  age_seconds: number;
  container_id: string;
  container_state: string;
  github_id: number | null;
  github_status: string | null;
  labels: string[];
  why: string;
}

export interface PoolDetail extends PoolView {
  runners: RunnerView[];
  events: { type: string; reason: string; message: string; count: number; first_seen: string; last_seen: string }[];
  document: { spec: { scaling: Record<string, unknown> } } & Record<string, unknown>;
}

export interface ApplyAnswer {
  name: string;
  result: 'created' | 'configured' | 'unchanged';
  hash: string;
  previous_hash: string | null;
  changes: { path: string; from: unknown; to: unknown }[];
  dry_run: boolean;
  applied_at: string;
}
