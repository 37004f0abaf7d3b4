/**
 * The normalized, validated pool specification that the controller works with.
 * Durations are milliseconds; every default is filled in. Values of this type are frozen at the edge (cmd/).
 */
export const ScalingPolicy = { Demand: 'demand', Threshold: 'threshold' } as const;
export type ScalingPolicy = (typeof ScalingPolicy)[keyof typeof ScalingPolicy];

export const RunnerMode = { Jit: 'jit', RegistrationToken: 'registration-token' } as const;
export type RunnerMode = (typeof RunnerMode)[keyof typeof RunnerMode];

/** `runnerGroup` (a name) is resolved to an id by the GitHub port when only the name is given. */
export type Scope =
  | { kind: 'repo'; owner: string; repo: string; runnerGroupId?: number; runnerGroup?: string }
  | { kind: 'org'; org: string; runnerGroupId?: number; runnerGroup?: string; repositories?: string[] };

export interface RunnerTemplate {
  image: string;
  /** Labels the runner registers with; matching is case-insensitive. */
  labels: string[];
  namePrefix: string;
  env: Record<string, string>;
  network?: string;
  cpus?: number;
  memoryBytes?: number;
  /** Docker bind/volume strings such as `name:/path` or `/host:/path:ro`. */
  volumes: string[];
  workdir?: string;
  privileged: boolean;
  mode: RunnerMode;
}

export interface ScalingSpec {
  policy: ScalingPolicy;
  min: number;
  max: number;
  /** threshold policy: scale up when queue length reaches this. */
  scaleUpThreshold: number;
  /** threshold policy: scale down when queue length falls to this. */
  scaleDownThreshold: number;
  /** threshold policy: utilization bounds as fractions (0.8 / 0.2). */
  utilizationHigh: number;
  utilizationLow: number;
  idleTimeoutMs: number;
  /** demand policy: idle runners kept above busy + queued. */
  idleBuffer: number;
  maxCreatePerAction: number;
  maxDeletePerAction: number;
  scaleUpCooldownMs: number;
  pollIntervalMs: number;
  /** Tie-break when several pools could serve a job (higher wins). */
  priority: number;
}

export interface GuardSpec {
  breakerThreshold: number;
  breakerBackoffMs: number;
  /** Actuator concurrency (creates/deletes in flight at once). */
  maxConcurrentActions: number;
}

export interface GraceSpec {
  /** A container with no online registration after this long is stuck. */
  registrationMs: number;
  /** A registration of ours with no container after this long is an orphan to delete. */
  orphanMs: number;
  /** A container created but never running after this long is exited. */
  startMs: number;
}

export interface PoolSpec {
  name: string;
  scope: Scope;
  runner: RunnerTemplate;
  scaling: ScalingSpec;
  guards: GuardSpec;
  graces: GraceSpec;
}

/** Where a spec came from, so errors and status can point at it. */
export interface SpecSource {
  file?: string;
  documentIndex?: number;
}

export interface ControllerSettings {
  /** GitHub REST base URL; https://api.github.com, a GHES `/api/v3` URL, or the simulator. */
  githubApiUrl: string;
  /** Credential reference such as `env:GITHUB_TOKEN` or `file:/run/secrets/token`; resolved at the edge. */
  githubTokenRef?: string;
  githubApp?: { appId: number; installationId: number; privateKeyRef: string };
  dockerEndpoint?: string;
  listen: { host: string; port: number };
  /** Controller id written into every container label; tells our containers from another controller's. */
  controllerId: string;
  webhook?: { path: string; secretRef: string };
  apiTokenRef?: string;
  logLevel: string;
  structuredLogging: boolean;
  stateDir?: string;
}
