// Everything the simulator's routes share: the engine, budgets, webhooks, faults, counters and credentials.
import type { Engine } from './engine.js';
import type { Budgets } from './rate-limit.js';
import type { WebhookSender } from './webhooks.js';
import type { FaultRule } from './faults.js';
import type { ScopeKey } from './model.js';

export interface AppConfig { appId: number; installationId: number; publicKeyPem: string }

export interface Counters {
  total: number;
  notModified: number;
  /** `METHOD template` -> status -> count */
  byRoute: Record<string, Record<string, number>>;
  /** token id (sha256 prefix, never the token) -> count */
  byToken: Record<string, number>;
}

export interface SimContext {
  url: string;
  clock: () => number;
  random: () => number;
  engine: Engine;
  budgets: Budgets;
  webhooks: WebhookSender;
  tokens: Set<string>;
  apps: AppConfig[];
  orgs?: Record<string, string[]>;
  regTokens: Map<string, { scope: ScopeKey; expiresAt: number; kind: 'registration' | 'remove' }>;
  registrationTokenTtlMs: number;
  /** single-use JIT secrets -> runner id */
  jitSecrets: Map<string, number>;
  faults: FaultRule[];
  unreachable: boolean;
  counters: Counters;
  ids: Map<string, number>;
}

/** Stable numeric ids for repositories and owners, as GitHub gives each one. */
export function idFor(ctx: SimContext, key: string): number {
  if (!ctx.ids.has(key)) ctx.ids.set(key, 10_000 + ctx.ids.size);
  return ctx.ids.get(key)!;
}

export function newCounters(): Counters { return { total: 0, notModified: 0, byRoute: {}, byToken: {} }; }
