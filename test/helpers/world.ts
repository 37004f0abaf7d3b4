import { randomBytes } from 'node:crypto';
import { createEventRecorder, type EventRecorder } from '../../controllers/events.js';
import { Manager } from '../../controllers/manager.js';
import type { PoolController } from '../../controllers/pool-controller.js';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { Label, type RuntimePort } from '../../pkg/docker/port.js';
import { createGitHubPort } from '../../pkg/github/octokit-port.js';
import type { GitHubPort } from '../../pkg/github/port.js';
import { createMemoryLogger } from '../../pkg/log/index.js';
import { createMetrics, type Metrics } from '../../pkg/metrics/index.js';
import { startSimulator, type Simulator, type SimOptions } from '../../pkg/sim/index.js';
import { parseSpecText } from '../../pkg/spec/index.js';

/**
 * A world for scenario and end-to-end tests: the GitHub simulator, the real Octokit port pointed at it, the real
 * Docker engine, and a controller id of its own so cleanup touches only what this test created.
 */
export const FAKE_RUNNER_IMAGE = 'shghar-fake-runner:test';
export const SIM_TOKEN = 'sim-token';

export interface World {
  sim: Simulator;
  github: GitHubPort;
  runtime: RuntimePort;
  controllerId: string;
  metrics: Metrics;
  events: EventRecorder;
  logs: () => string;
  manager?: Manager;
  /** Starts a manager running the given RunnerPool YAML documents. */
  start(yaml: string, opts?: { webhooks?: boolean; github?: GitHubPort; runtime?: RuntimePort; random?: () => string }): Manager;
  pool(name: string): PoolController;
  /** Containers of this world's controller (any state). */
  containers(): ReturnType<RuntimePort['list']>;
  close(): Promise<void>;
}

export async function startWorld(simOpts: SimOptions = {}): Promise<World> {
  const sim = await startSimulator({ heartbeatTimeoutMs: 3_000, ...simOpts });
  const controllerId = `t-${randomBytes(4).toString('hex')}`;
  const github = createGitHubPort({ baseUrl: sim.url, auth: { kind: 'token', token: SIM_TOKEN }, writeSpacingMs: 0, retryBaseMs: 50 });
  const runtime = createRuntimePort();
  const metrics = createMetrics(undefined, { defaultMetrics: false });
  const events = createEventRecorder();
  const mem = createMemoryLogger('debug');
  const world: World = {
    sim,
    github,
    runtime,
    controllerId,
    metrics,
    events,
    logs: () => mem.raw(),
    start(yaml, opts = {}) {
      const parsed = parseSpecText(yaml, 'scenario.yaml');
      const m = new Manager({
        github: opts.github ?? github,
        runtime: opts.runtime ?? runtime,
        controllerId,
        webBaseUrl: sim.url,
        logger: mem.logger,
        events,
        metrics,
        webhooks: opts.webhooks,
        random: opts.random,
        retry: { attempts: 3, baseDelayMs: 50 },
      });
      m.apply(parsed.pools.map((p) => ({ spec: p.spec, hash: p.hash })));
      m.start();
      world.manager = m;
      return m;
    },
    pool(name) {
      const p = world.manager?.get(name);
      if (!p) throw new Error(`no pool ${name}`);
      return p;
    },
    containers: () => runtime.list({ [Label.ControllerId]: controllerId }),
    async close() {
      await world.manager?.stop();
      for (const c of await runtime.list({ [Label.ControllerId]: controllerId })) await runtime.remove(c.id).catch(() => undefined);
      await sim.close();
    },
  };
  return world;
}

/** Polls `fn` until it returns a truthy value; fails with `what` and the last value after the deadline. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await fn();
    if (v) return v;
    last = v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A RunnerPool document with test-compressed timings; `extra` is YAML merged under spec (already indented). */
export const poolDoc = (o: {
  name: string;
  repo?: string;
  org?: string;
  labels?: string[];
  min: number;
  max: number;
  policy?: 'demand' | 'threshold';
  prefix?: string;
  image?: string;
  env?: Record<string, string>;
  idleTimeout?: string;
  poll?: string;
  graces?: { registration?: string; orphan?: string; start?: string };
  scaling?: Record<string, string | number>;
  guards?: Record<string, string | number>;
}): string => `apiVersion: shghar.io/v1
kind: RunnerPool
metadata:
  name: ${o.name}
spec:
  ${o.org ? `organization: ${o.org}` : `repository: ${o.repo ?? 'acme/app'}`}
  runner:
    image: ${o.image ?? FAKE_RUNNER_IMAGE}
    labels: [${(o.labels ?? ['self-hosted', 'linux']).join(', ')}]
    namePrefix: ${o.prefix ?? `${o.name}-`}
    network: host
${o.env ? `    env:\n${Object.entries(o.env).map(([k, v]) => `      ${k}: "${v}"`).join('\n')}\n` : ''}  scaling:
    policy: ${o.policy ?? 'demand'}
    min: ${o.min}
    max: ${o.max}
    idleTimeout: ${o.idleTimeout ?? '1h'}
    pollInterval: ${o.poll ?? '300ms'}
${Object.entries(o.scaling ?? {}).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
  guards:
    maxConcurrentActions: 8
${Object.entries(o.guards ?? {}).map(([k, v]) => `    ${k}: ${v}`).join('\n')}
  graces:
    registration: ${o.graces?.registration ?? '20s'}
    orphan: ${o.graces?.orphan ?? '30s'}
    start: ${o.graces?.start ?? '10s'}
`;
