import { graceDefaults, guardDefaults, scalingDefaults, DEFAULT_LABELS } from './defaults.js';
import { parseDuration, parseMemory } from './duration.js';
import type { PoolSpec, RunnerMode, ScalingPolicy, Scope } from './types.js';
import type { PathIssue } from './validate.js';

/** The RunnerPool document as the schema admits it (friendly names and units). */
export interface RawPool {
  metadata: { name: string };
  spec: {
    repository?: string;
    organization?: string;
    repositories?: string[];
    runnerGroup?: string;
    runnerGroupId?: number;
    runner: {
      image: string;
      labels?: string[];
      namePrefix?: string;
      env?: Record<string, string | number | boolean>;
      network?: string;
      cpus?: number;
      memory?: string | number;
      volumes?: string[];
      workdir?: string;
      privileged?: boolean;
      mode?: RunnerMode;
    };
    scaling?: Record<string, unknown> & { policy?: ScalingPolicy };
    guards?: { breakerThreshold?: number; breakerBackoff?: string | number; maxConcurrentActions?: number };
    graces?: { registration?: string | number; orphan?: string | number; start?: string | number };
  };
}

const ms = (v: unknown, fallback: number): number =>
  v === undefined ? fallback : (parseDuration(v as string | number) ?? fallback);

const scopeOf = (s: RawPool['spec'], issues: PathIssue[]): Scope => {
  const group = {
    ...(s.runnerGroupId !== undefined ? { runnerGroupId: s.runnerGroupId } : {}),
    ...(s.runnerGroup !== undefined ? { runnerGroup: s.runnerGroup } : {}),
  };
  if (s.runnerGroup !== undefined && s.runnerGroupId !== undefined)
    issues.push({ path: 'spec.runnerGroupId', message: 'give runnerGroup or runnerGroupId, not both' });
  if (s.repository !== undefined && s.organization !== undefined)
    issues.push({ path: 'spec.organization', message: 'give repository or organization, not both' });
  if (s.repository === undefined && s.organization === undefined)
    issues.push({ path: 'spec', message: 'one of repository (owner/name) or organization is required' });
  if (s.repositories !== undefined && s.organization === undefined)
    issues.push({ path: 'spec.repositories', message: 'only allowed with organization' });
  if (s.organization !== undefined)
    return { kind: 'org', org: s.organization, ...group, ...(s.repositories ? { repositories: s.repositories } : {}) };
  const [owner = '', repo = ''] = (s.repository ?? '/').split('/');
  return { kind: 'repo', owner, repo, ...group };
};

/** Node fires a timer above 2^31-1 ms after 1 ms, so a longer duration would spin the loop; 24d stays below. */
export const MAX_DURATION_MS = 24 * 86_400_000;
/** Polling faster than this only burns the API budget. */
export const MIN_POLL_INTERVAL_MS = 100;

const checkTimerRanges = (
  scaling: { idleTimeoutMs: number; scaleUpCooldownMs: number; pollIntervalMs: number },
  s: RawPool['spec'],
  issues: PathIssue[],
): void => {
  const given: [string, unknown, number][] = [
    ['spec.scaling.idleTimeout', s.scaling?.idleTimeout, scaling.idleTimeoutMs],
    ['spec.scaling.scaleUpCooldown', s.scaling?.scaleUpCooldown, scaling.scaleUpCooldownMs],
    ['spec.scaling.pollInterval', s.scaling?.pollInterval, scaling.pollIntervalMs],
    ['spec.guards.breakerBackoff', s.guards?.breakerBackoff, ms(s.guards?.breakerBackoff, 0)],
    ['spec.graces.registration', s.graces?.registration, ms(s.graces?.registration, 0)],
    ['spec.graces.orphan', s.graces?.orphan, ms(s.graces?.orphan, 0)],
    ['spec.graces.start', s.graces?.start, ms(s.graces?.start, 0)],
  ];
  for (const [path, raw, value] of given) {
    if (raw === undefined) continue;
    if (value > MAX_DURATION_MS) issues.push({ path, message: 'must be at most 24d' });
    else if (path === 'spec.scaling.pollInterval' && value < MIN_POLL_INTERVAL_MS)
      issues.push({ path, message: 'must be at least 100ms' });
  }
};

/** Defaults filled in and cross-field rules checked; issues are pushed, never thrown. */
export const normalizePool = (raw: RawPool, issues: PathIssue[]): PoolSpec => {
  const s = raw.spec;
  const r = s.runner;
  const sc = s.scaling ?? {};
  const d = scalingDefaults(sc.policy ?? 'demand');
  const num = (k: string, fallback: number): number => (typeof sc[k] === 'number' ? (sc[k] as number) : fallback);
  const scaling = {
    ...d,
    min: num('min', d.min),
    max: num('max', d.max),
    scaleUpThreshold: num('scaleUpThreshold', d.scaleUpThreshold),
    scaleDownThreshold: num('scaleDownThreshold', d.scaleDownThreshold),
    utilizationHigh: num('utilizationHigh', d.utilizationHigh),
    utilizationLow: num('utilizationLow', d.utilizationLow),
    idleTimeoutMs: ms(sc.idleTimeout, d.idleTimeoutMs),
    idleBuffer: num('idleBuffer', d.idleBuffer),
    maxCreatePerAction: num('maxCreatePerAction', d.maxCreatePerAction),
    maxDeletePerAction: num('maxDeletePerAction', d.maxDeletePerAction),
    scaleUpCooldownMs: ms(sc.scaleUpCooldown, d.scaleUpCooldownMs),
    pollIntervalMs: ms(sc.pollInterval, d.pollIntervalMs),
    priority: num('priority', d.priority),
  };
  // An explicit max below the default min lowers that default rather than failing on a field nobody wrote.
  if (sc.min === undefined && scaling.max < scaling.min) scaling.min = scaling.max;
  if (scaling.min > scaling.max)
    issues.push({ path: 'spec.scaling.max', message: `must be >= spec.scaling.min (${scaling.min})` });
  if (scaling.scaleDownThreshold >= scaling.scaleUpThreshold)
    issues.push({
      path: 'spec.scaling.scaleDownThreshold',
      message: `must be < spec.scaling.scaleUpThreshold (${scaling.scaleUpThreshold})`,
    });
  if (scaling.utilizationLow >= scaling.utilizationHigh)
    issues.push({
      path: 'spec.scaling.utilizationLow',
      message: `must be < spec.scaling.utilizationHigh (${scaling.utilizationHigh})`,
    });
  checkTimerRanges(scaling, s, issues);
  if (scaling.idleBuffer > scaling.max)
    issues.push({ path: 'spec.scaling.idleBuffer', message: `must be <= spec.scaling.max (${scaling.max})` });

  const memoryBytes = r.memory !== undefined ? parseMemory(r.memory) : undefined;
  return {
    name: raw.metadata.name,
    scope: scopeOf(s, issues),
    runner: {
      image: r.image,
      labels: r.labels ?? [...DEFAULT_LABELS],
      namePrefix: r.namePrefix ?? `${raw.metadata.name}-`,
      env: Object.fromEntries(Object.entries(r.env ?? {}).map(([k, v]) => [k, String(v)])),
      ...(r.network !== undefined ? { network: r.network } : {}),
      ...(r.cpus !== undefined ? { cpus: r.cpus } : {}),
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
      volumes: r.volumes ?? [],
      ...(r.workdir !== undefined ? { workdir: r.workdir } : {}),
      privileged: r.privileged ?? false,
      mode: r.mode ?? 'jit',
    },
    scaling,
    guards: {
      breakerThreshold: s.guards?.breakerThreshold ?? guardDefaults.breakerThreshold,
      breakerBackoffMs: ms(s.guards?.breakerBackoff, guardDefaults.breakerBackoffMs),
      maxConcurrentActions: s.guards?.maxConcurrentActions ?? guardDefaults.maxConcurrentActions,
    },
    graces: {
      registrationMs: ms(s.graces?.registration, graceDefaults.registrationMs),
      orphanMs: ms(s.graces?.orphan, graceDefaults.orphanMs),
      startMs: ms(s.graces?.start, graceDefaults.startMs),
    },
  };
};
