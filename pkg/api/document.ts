import type { PoolSpec } from '../spec/types.js';

/**
 * The RunnerPool document for a normalized spec, with every default spelled out. Parsing it gives back the same
 * spec (same hash), which is what lets `shghar scale` edit a pool that was loaded from a file on the server.
 */
export function toDocument(spec: PoolSpec): Record<string, unknown> {
  const s = spec.scope;
  const r = spec.runner;
  const sc = spec.scaling;
  const ms = (v: number): string => `${v}ms`;
  const scope =
    s.kind === 'repo'
      ? { repository: `${s.owner}/${s.repo}` }
      : { organization: s.org, ...(s.repositories ? { repositories: [...s.repositories] } : {}) };
  return {
    apiVersion: 'shghar.io/v1',
    kind: 'RunnerPool',
    metadata: { name: spec.name },
    spec: {
      ...scope,
      ...(s.runnerGroup !== undefined ? { runnerGroup: s.runnerGroup } : {}),
      ...(s.runnerGroupId !== undefined ? { runnerGroupId: s.runnerGroupId } : {}),
      runner: {
        image: r.image,
        labels: [...r.labels],
        namePrefix: r.namePrefix,
        ...(Object.keys(r.env).length ? { env: { ...r.env } } : {}),
        ...(r.network !== undefined ? { network: r.network } : {}),
        ...(r.cpus !== undefined ? { cpus: r.cpus } : {}),
        ...(r.memoryBytes !== undefined ? { memory: r.memoryBytes } : {}),
        ...(r.volumes.length ? { volumes: [...r.volumes] } : {}),
        ...(r.workdir !== undefined ? { workdir: r.workdir } : {}),
        privileged: r.privileged,
        mode: r.mode,
      },
      scaling: {
        policy: sc.policy,
        min: sc.min,
        max: sc.max,
        scaleUpThreshold: sc.scaleUpThreshold,
        scaleDownThreshold: sc.scaleDownThreshold,
        utilizationHigh: sc.utilizationHigh,
        utilizationLow: sc.utilizationLow,
        idleTimeout: ms(sc.idleTimeoutMs),
        idleBuffer: sc.idleBuffer,
        maxCreatePerAction: sc.maxCreatePerAction,
        maxDeletePerAction: sc.maxDeletePerAction,
        scaleUpCooldown: ms(sc.scaleUpCooldownMs),
        pollInterval: ms(sc.pollIntervalMs),
        priority: sc.priority,
      },
      guards: {
        breakerThreshold: spec.guards.breakerThreshold,
        breakerBackoff: ms(spec.guards.breakerBackoffMs),
        maxConcurrentActions: spec.guards.maxConcurrentActions,
      },
      graces: {
        registration: ms(spec.graces.registrationMs),
        orphan: ms(spec.graces.orphanMs),
        start: ms(spec.graces.startMs),
      },
    },
  };
}

/** The document with runner env values masked, for readers without the API token. */
export function maskEnv(doc: Record<string, unknown>): Record<string, unknown> {
  const spec = doc.spec as { runner: { env?: Record<string, string> } };
  if (!spec.runner.env) return doc;
  const env = Object.fromEntries(Object.keys(spec.runner.env).map((k) => [k, '<hidden>']));
  return { ...doc, spec: { ...spec, runner: { ...spec.runner, env } } };
}

export interface Change {
  path: string;
  from: unknown;
  to: unknown;
}

const flatten = (v: unknown, prefix: string, out: Map<string, unknown>): void => {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) out.set(prefix, v);
};

/** Field-by-field differences between two specs, as document paths (`spec.scaling.max`); env values never shown. */
export function specChanges(before: PoolSpec | undefined, after: PoolSpec): Change[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before) flatten(toDocument(before).spec, 'spec', a);
  flatten(toDocument(after).spec, 'spec', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const hide = (k: string, v: unknown) => (v !== undefined && k.startsWith('spec.runner.env.') ? '<hidden>' : (v ?? null));
  return keys
    .filter((k) => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)))
    .map((k) => ({ path: k, from: hide(k, a.get(k)), to: hide(k, b.get(k)) }));
}
