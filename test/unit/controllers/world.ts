import { Label, type ContainerInfo, type ContainerState } from '../../../pkg/docker/port.js';
import type { Job, Registration } from '../../../pkg/github/port.js';
import { graceDefaults, guardDefaults, scalingDefaults } from '../../../pkg/spec/defaults.js';
import type { PoolSpec, ScalingPolicy, ScalingSpec } from '../../../pkg/spec/types.js';
import type { Snapshot } from '../../../controllers/types.js';

/** Builders for decision tests: a pool `ci` with prefix `ci-` and labels [self-hosted, linux]. */
export const T0 = Date.UTC(2024, 0, 8, 9, 0, 0);
export const SEC = 1000;
export const MIN = 60_000;

export const poolSpec = (policy: ScalingPolicy = 'demand', scaling: Partial<ScalingSpec> = {}): PoolSpec => ({
  name: 'ci',
  scope: { kind: 'repo', owner: 'acme', repo: 'app' },
  runner: { image: 'img', labels: ['self-hosted', 'linux'], namePrefix: 'ci-', env: {}, volumes: [], privileged: false, mode: 'jit' },
  scaling: { ...scalingDefaults(policy), min: 0, max: 10, ...scaling },
  guards: { ...guardDefaults },
  graces: { ...graceDefaults },
});

export const container = (name: string, opts: { state?: ContainerState; age?: number; exitCode?: number; now?: number } = {}): ContainerInfo => {
  const createdAt = (opts.now ?? T0) - (opts.age ?? 10 * MIN);
  return {
    id: `id-${name}`,
    name,
    image: 'img',
    state: opts.state ?? 'running',
    ...(opts.exitCode !== undefined ? { exitCode: opts.exitCode } : {}),
    labels: { [Label.RunnerName]: name, [Label.Pool]: 'ci', [Label.ControllerId]: 'default', [Label.CreatedAt]: String(createdAt) },
    createdAt,
  };
};

let nextId = 1;
export const reg = (name: string, status: 'online' | 'offline' = 'online', busy = false, id?: number): Registration => ({
  id: id ?? nextId++,
  name,
  status,
  busy,
  labels: ['self-hosted', 'linux', 'X64'],
});

export const job = (id: number, status: Job['status'] = 'queued', labels = ['self-hosted', 'linux'], runnerName?: string): Job => ({
  id,
  runId: id,
  repository: 'acme/app',
  labels,
  status,
  ...(runnerName ? { runnerName } : {}),
  createdAt: T0,
});

export const snap = (parts: Partial<Snapshot> & { now?: number } = {}): Snapshot => ({
  observedAt: parts.now ?? T0,
  registrations: 'registrations' in parts ? parts.registrations : [],
  containers: parts.containers ?? [],
  jobs: 'jobs' in parts ? parts.jobs : [],
  inFlight: parts.inFlight ?? { creating: 0, deleting: [] },
  ...(parts.rateLimit ? { rateLimit: parts.rateLimit } : {}),
  ...(parts.assignedRunners ? { assignedRunners: parts.assignedRunners } : {}),
});

/** An online runner: container + registration. */
export const online = (name: string, busy = false, age = 10 * MIN) => ({ c: container(name, { age }), r: reg(name, 'online', busy) });
