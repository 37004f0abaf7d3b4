import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Docker from 'dockerode';
import { Manager } from '../controllers/manager.js';
import { createRuntimePort } from '../pkg/docker/dockerode-port.js';
import { Label, type RuntimePort } from '../pkg/docker/port.js';
import { createGitHubPort } from '../pkg/github/octokit-port.js';
import type { GitHubPort } from '../pkg/github/port.js';
import { createMemoryLogger } from '../pkg/log/index.js';
import { startSimulator, type Simulator } from '../pkg/sim/index.js';
import { parseSpecText } from '../pkg/spec/index.js';
import { webhookRouter } from '../pkg/webhooks/handler.js';

export const FAKE_RUNNER_IMAGE = 'shghar-fake-runner:test';
export const SIM_TOKEN = 'sim-token';
/** Every container a benchmark creates carries this label, so cleanup finds them all and nothing else. */
export const BENCH_LABEL = 'io.shghar.bench';

export const docker = new Docker({ socketPath: '/var/run/docker.sock' });

const controllerIds = new Set<string>();

/** Removes every container this process's benchmarks created (worlds' controller ids and the bench label). */
export async function cleanupAll(): Promise<void> {
  for (const id of controllerIds) await removeContainers(`${Label.ControllerId}=${id}`).catch(() => 0);
  await removeContainers(`${BENCH_LABEL}=1`).catch(() => 0);
}

export interface BenchWorldOptions {
  /** Deliver the simulator's workflow_job webhooks to the manager. */
  webhooks?: boolean;
  /** GitHub port write spacing (ms); recorded with the results. */
  writeSpacingMs: number;
  runtime?: RuntimePort;
  /** With webhooks, polling runs this many times less often (the CLI uses 4). */
  webhookPollSlowdown?: number;
  heartbeatTimeoutMs?: number;
}

export interface BenchWorld {
  sim: Simulator;
  github: GitHubPort;
  runtime: RuntimePort;
  controllerId: string;
  manager?: Manager;
  start(yaml: string): Manager;
  /** Running containers of this world's controller (one engine call; cheap enough to sample). */
  runningContainers(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The simulator, an Octokit port pointed at it, a runtime (real Docker unless given), optionally a webhook receiver,
 * and a controller id of its own (`bench-...`) so cleanup touches only what this world created.
 */
export async function startBenchWorld(opts: BenchWorldOptions): Promise<BenchWorld> {
  const controllerId = `bench-${randomBytes(4).toString('hex')}`;
  controllerIds.add(controllerId);
  let manager: Manager | undefined;
  let hookServer: Server | undefined;
  const secret = randomBytes(16).toString('hex');
  const hooks: { url: string; secret: string }[] = [];
  if (opts.webhooks) {
    const app = express();
    app.use('/webhooks/github', webhookRouter({ secret, onJob: (job) => manager?.ingestJob(job) ?? [] }));
    hookServer = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    hooks.push({ url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/webhooks/github`, secret });
  }
  const sim = await startSimulator({ heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? 3_000, webhooks: hooks, hourlyBudget: 1_000_000 });
  const github = createGitHubPort({ baseUrl: sim.url, auth: { kind: 'token', token: SIM_TOKEN }, writeSpacingMs: opts.writeSpacingMs, retryBaseMs: 50 });
  const runtime = opts.runtime ?? createRuntimePort();
  const mem = createMemoryLogger('warn');
  const world: BenchWorld = {
    sim,
    github,
    runtime,
    controllerId,
    start(yaml) {
      const parsed = parseSpecText(yaml, 'bench.yaml');
      manager = new Manager({
        github,
        runtime,
        controllerId,
        webBaseUrl: sim.url,
        logger: mem.logger,
        webhooks: opts.webhooks,
        webhookPollSlowdown: opts.webhookPollSlowdown ?? 4,
        retry: { attempts: 3, baseDelayMs: 50 },
      });
      manager.apply(parsed.pools.map((p) => ({ spec: p.spec, hash: p.hash })));
      manager.start();
      world.manager = manager;
      return manager;
    },
    async runningContainers() {
      const rows = await docker.listContainers({ filters: { label: [`${Label.ControllerId}=${controllerId}`], status: ['running'] } });
      return rows.length;
    },
    async close() {
      await manager?.stop();
      await removeContainers(`${Label.ControllerId}=${controllerId}`);
      await sim.close();
      if (hookServer) {
        hookServer.closeAllConnections();
        await new Promise<void>((r) => hookServer!.close(() => r()));
      }
    },
  };
  return world;
}

/** Force-removes every container carrying `label` (`key=value`), in parallel. */
export async function removeContainers(label: string): Promise<number> {
  const rows = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(rows.map((r) => docker.getContainer(r.Id).remove({ force: true }).catch(() => undefined)));
  return rows.length;
}

export interface PoolOptions {
  name: string;
  policy: 'threshold' | 'demand';
  min: number;
  max: number;
  /** Real time is divided by this (20 = 1/20 of real time). */
  factor: number;
  /** Overrides in real time (ms); defaults are the spec's defaults for the policy. */
  pollIntervalMs?: number;
  idleTimeoutMs?: number;
  scaleUpCooldownMs?: number;
  maxCreatePerAction?: number;
  maxConcurrentActions?: number;
  image?: string;
  labels?: string[];
  repository?: string;
}

/** Classic defaults in real time (pkg/spec/defaults.ts): 30 s polling, 5 min idle timeout, 60 s threshold cooldown. */
export const REAL = { pollIntervalMs: 30_000, idleTimeoutMs: 5 * 60_000, thresholdCooldownMs: 60_000 };

const ms = (v: number): string => `${Math.max(1, Math.round(v))}ms`;

/**
 * A RunnerPool document whose durations (poll interval, cooldown, idle timeout) are divided by the time factor.
 * Graces stay at their real defaults: they are safety margins, not part of the workload's clock.
 */
export function poolYaml(o: PoolOptions): string {
  const cooldown = o.scaleUpCooldownMs ?? (o.policy === 'threshold' ? REAL.thresholdCooldownMs : 0);
  const extra: string[] = [];
  if (o.maxCreatePerAction !== undefined) extra.push(`    maxCreatePerAction: ${o.maxCreatePerAction}`);
  return `apiVersion: shghar.io/v1
kind: RunnerPool
metadata:
  name: ${o.name}
spec:
  repository: ${o.repository ?? 'acme/app'}
  runner:
    image: ${o.image ?? FAKE_RUNNER_IMAGE}
    labels: [${(o.labels ?? ['self-hosted', 'linux']).join(', ')}]
    namePrefix: ${o.name}-
    network: host
  scaling:
    policy: ${o.policy}
    min: ${o.min}
    max: ${o.max}
    pollInterval: ${ms((o.pollIntervalMs ?? REAL.pollIntervalMs) / o.factor)}
    idleTimeout: ${ms((o.idleTimeoutMs ?? REAL.idleTimeoutMs) / o.factor)}
    scaleUpCooldown: ${cooldown === 0 ? '0s' : ms(cooldown / o.factor)}
${extra.join('\n')}
  guards:
    maxConcurrentActions: ${o.maxConcurrentActions ?? 4}
`;
}
