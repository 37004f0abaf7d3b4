/** Shapes of the API answers the CLI reads (see pkg/api/openapi.yaml). */
import type { PoolView as StatusPoolView, RunnerView } from '../../controllers/status.js';

export type { Condition, RunnerView } from '../../controllers/status.js';

/** A pool as the API answers: the controller's view plus whether it is being deleted. */
export interface PoolView extends StatusPoolView {
  deleting: boolean;
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
