import type { GraceSpec, GuardSpec, ScalingPolicy, ScalingSpec } from './types.js';

/** Defaults filled into every RunnerPool; documented in README.md (keep the two in step). */
export const DEFAULT_LABELS = ['self-hosted', 'linux', 'x64'];

const common = {
  min: 1,
  max: 10,
  scaleUpThreshold: 2,
  scaleDownThreshold: 0,
  utilizationHigh: 0.8,
  utilizationLow: 0.2,
  idleTimeoutMs: 5 * 60_000,
  idleBuffer: 0,
  pollIntervalMs: 30_000,
  priority: 0,
};

/** The per-action caps and cooldown depend on the policy: `threshold` keeps the classic tool's values. */
export const scalingDefaults = (policy: ScalingPolicy): ScalingSpec =>
  policy === 'threshold'
    ? { ...common, policy, maxCreatePerAction: 2, maxDeletePerAction: 1, scaleUpCooldownMs: 60_000 }
    : { ...common, policy, maxCreatePerAction: 10, maxDeletePerAction: 5, scaleUpCooldownMs: 0 };

export const guardDefaults: GuardSpec = { breakerThreshold: 5, breakerBackoffMs: 5 * 60_000, maxConcurrentActions: 4 };

export const graceDefaults: GraceSpec = { registrationMs: 2 * 60_000, orphanMs: 10 * 60_000, startMs: 60_000 };

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8080 };
export const DEFAULT_CONTROLLER_ID = 'default';
