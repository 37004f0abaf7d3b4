import { PerformanceObserver } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Demand } from '../controllers/demand.js';
import { computeDesiredState } from '../controllers/desired-state.js';
import { applyGuards } from '../controllers/guards.js';
import { PoolController, ownLabels } from '../controllers/pool-controller.js';
import { emptyMemory, type PoolMemory, type Snapshot } from '../controllers/types.js';
import { FakeRuntime } from '../pkg/docker/fake.js';
import { Label, type ContainerInfo } from '../pkg/docker/port.js';
import { createGitHubPort } from '../pkg/github/octokit-port.js';
import type { Job, Registration } from '../pkg/github/port.js';
import { createMemoryLogger } from '../pkg/log/index.js';
import { startSimulator } from '../pkg/sim/index.js';
import { parseSpecText, type PoolSpec } from '../pkg/spec/index.js';
import { formatTable, median, round } from './stats.js';
import { poolYaml, SIM_TOKEN } from './world.js';

/** Part 2: the cost of one reconcile (pure decision, then a full tick), and the controller's memory at rest. */

const NOW = Date.parse('2025-01-06T09:00:00Z');

export const specFor = (policy: 'demand' | 'threshold', max: number): PoolSpec =>
  parseSpecText(poolYaml({ name: 'big', policy, min: 0, max, factor: 1, idleTimeoutMs: 60 * 60_000 }), 'bench.yaml').pools[0]!.spec;

/** n runners: 60 % idle (half seen idle last tick), 30 % busy, 10 % starting; n/10 queued jobs; a few orphans. */
export function syntheticWorld(n: number): { snapshot: Snapshot; memory: PoolMemory } {
  const containers: ContainerInfo[] = [];
  const registrations: Registration[] = [];
  const memory = emptyMemory();
  for (let i = 0; i < n; i++) {
    const name = `big-${i.toString(36).padStart(6, '0')}`;
    const kind = i % 10 < 6 ? 'idle' : i % 10 < 9 ? 'busy' : 'starting';
    containers.push({
      id: `c${i}`, name, image: 'runner', state: 'running', createdAt: NOW - (kind === 'starting' ? 5_000 : 3_600_000),
      labels: { ...ownLabels('bench', 'big'), [Label.RunnerName]: name, [Label.CreatedAt]: String(NOW) },
    });
    if (kind !== 'starting') registrations.push({ id: i + 1, name, status: 'online', busy: kind === 'busy', labels: ['self-hosted', 'linux'] });
    // half the idle runners are past the 1 h idle timeout, so scale-down candidates are sorted and capped
    if (kind === 'idle' && i % 2 === 0) memory.idleSince[name] = NOW - (i % 4 === 0 ? 2 * 3_600_000 : 10 * 60_000);
  }
  for (let i = 0; i < Math.ceil(n / 100); i++) {
    memory.orphanSeenAt[String(10_000_000 + i)] = NOW - 3_600_000;
    registrations.push({ id: 10_000_000 + i, name: `big-orphan${i}`, status: 'offline', busy: false, labels: ['self-hosted', 'linux'] });
  }
  const jobs: Job[] = Array.from({ length: Math.ceil(n / 10) }, (_, i) => ({
    id: 500_000 + i, runId: 1, repository: 'acme/app', labels: ['self-hosted', 'linux'], status: 'queued', createdAt: NOW - 1_000,
  }));
  return { snapshot: { observedAt: NOW, containers, registrations, jobs, inFlight: { creating: 0, deleting: [] } }, memory };
}

const decide = (spec: PoolSpec, s: Snapshot, m: PoolMemory) => {
  const plan = computeDesiredState(spec, s, m, NOW);
  return applyGuards(spec, plan, s, m, NOW);
};

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap growth over one decision with no GC in between (so it is what the decision allocated), or undefined. */
function allocatedBytes(fn: () => unknown): number | undefined {
  if (!gc) return undefined;
  let collected = false;
  const obs = new PerformanceObserver(() => { collected = true; });
  obs.observe({ entryTypes: ['gc'] });
  gc();
  const before = process.memoryUsage().heapUsed;
  const keep = fn();
  const after = process.memoryUsage().heapUsed;
  obs.disconnect();
  void keep;
  return collected ? undefined : after - before;
}

export interface DecisionRow { runners: number; policy: string; repeats: number; medianMs: number; p95Ms: number; allocatedKB?: number; actions: number }

export function measureDecision(n: number, policy: 'demand' | 'threshold'): DecisionRow {
  const spec = specFor(policy, Math.min(10_000, Math.max(n * 2, 10)));
  const { snapshot, memory } = syntheticWorld(n);
  const repeats = n >= 10_000 ? 30 : n >= 1_000 ? 100 : 300;
  for (let i = 0; i < 5; i++) decide(spec, snapshot, memory);
  const times: number[] = [];
  let actions = 0;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    const g = decide(spec, snapshot, memory);
    times.push(performance.now() - t);
    actions = g.allowed.length + g.held.length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const alloc = allocatedBytes(() => decide(spec, snapshot, memory));
  return {
    runners: n, policy, repeats, medianMs: round(median(times), 3), p95Ms: round(sorted[Math.ceil(0.95 * sorted.length) - 1]!, 3),
    ...(alloc !== undefined ? { allocatedKB: Math.round(alloc / 1024) } : {}), actions,
  };
}

export interface FullTickResult { runners: number; repeats: number; firstTickMs: number; medianMs: number; p95Ms: number; apiCallsPerTick: number; notModifiedPerTick: number }

/** PoolController.tick against the simulator (1,000 seeded registrations, 10 pages) and a FakeRuntime (1,000 containers). */
export async function measureFullTick(n = 1000, repeats = 15): Promise<FullTickResult> {
  const sim = await startSimulator({ hourlyBudget: 1_000_000 });
  try {
    const github = createGitHubPort({ baseUrl: sim.url, auth: { kind: 'token', token: SIM_TOKEN }, writeSpacingMs: 0 });
    const runtime = new FakeRuntime();
    const spec = specFor('demand', n);
    const now = Date.now();
    const seeds = Array.from({ length: n }, (_, i) => `big-${i.toString(36).padStart(6, '0')}`);
    for (let i = 0; i < n; i += 50)
      await Promise.all(seeds.slice(i, i + 50).map((name) => sim.control.seedRegistration({ scope: 'acme/app', name, labels: ['self-hosted', 'linux'], status: 'online' })));
    for (const name of seeds)
      runtime.seed({ name, image: 'runner', env: {}, volumes: [], privileged: false, labels: { ...ownLabels('bench', 'big'), [Label.RunnerName]: name } }, 'running', now - 60_000);
    const mem = createMemoryLogger('warn');
    const demand = new Demand({ github, pools: () => [spec] });
    const pool = new PoolController({ ...spec, scaling: { ...spec.scaling, min: n } }, 'h', { github, runtime, demand, controllerId: 'bench', webBaseUrl: sim.url, logger: mem.logger });
    await sim.control.resetCounters();
    const t0 = performance.now();
    const first = await pool.tick();
    const firstTickMs = performance.now() - t0;
    if (!first || first.plan.groups.idle.length !== n) throw new Error(`full tick: expected ${n} idle runners, got ${first?.plan.groups.idle.length}`);
    const before = await sim.control.counters();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await pool.tick();
      times.push(performance.now() - t);
    }
    const after = await sim.control.counters();
    await pool.stop();
    const sorted = [...times].sort((a, b) => a - b);
    return {
      runners: n, repeats, firstTickMs: round(firstTickMs), medianMs: round(median(times)), p95Ms: round(sorted[Math.ceil(0.95 * sorted.length) - 1]!),
      apiCallsPerTick: round((after.total - before.total) / repeats), notModifiedPerTick: round((after.notModified - before.notModified) / repeats),
    };
  } finally {
    await sim.close();
  }
}

export interface RestMemory { baselineRssMB: number; rssMB: number; heapUsedMB: number; ticks: number }

/** A Manager with one idle pool, in a child process (so the simulator and the benchmark do not count). */
export async function measureRestMemory(): Promise<RestMemory> {
  const sim = await startSimulator({ hourlyBudget: 1_000_000 });
  try {
    const child = fileURLToPath(new URL('./rest-memory.js', import.meta.url));
    const run = (mode: string) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const p = fork(child, [mode, sim.url], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        p.once('message', (m) => resolve(m as Record<string, number>));
        p.once('error', reject);
        p.once('exit', (code) => code && reject(new Error(`rest-memory ${mode} exited ${code}`)));
      });
    const base = await run('baseline');
    const idle = await run('manager');
    return { baselineRssMB: round(base.rss! / 2 ** 20), rssMB: round(idle.rss! / 2 ** 20), heapUsedMB: round(idle.heapUsed! / 2 ** 20), ticks: idle.ticks! };
  } finally {
    await sim.close();
  }
}

export interface ReconcileData { decisions: DecisionRow[]; fullTick: FullTickResult; restMemory: RestMemory; gcExposed: boolean }

export async function runReconcile(log: (s: string) => void): Promise<ReconcileData> {
  const decisions: DecisionRow[] = [];
  for (const n of [100, 1_000, 10_000]) for (const p of ['demand', 'threshold'] as const) decisions.push(measureDecision(n, p));
  log('  reconcile: decisions measured');
  const fullTick = await measureFullTick();
  log('  reconcile: full tick measured');
  const restMemory = await measureRestMemory();
  return { decisions, fullTick, restMemory, gcExposed: !!gc };
}

export const reconcileTable = (d: ReconcileData): string =>
  [
    formatTable(
      'Part 2a: computeDesiredState + applyGuards on synthetic snapshots (60% idle, 30% busy, 10% starting, n/10 queued, n/100 orphans)',
      ['runners', 'policy', 'repeats', 'median ms', 'p95 ms', 'allocated KB', 'actions'],
      d.decisions.map((r) => [r.runners, r.policy, r.repeats, r.medianMs, r.p95Ms, r.allocatedKB ?? '-', r.actions]),
    ),
    formatTable(
      'Part 2b: one full PoolController.tick (simulator REST + FakeRuntime)',
      ['runners', 'repeats', 'first tick ms', 'median ms', 'p95 ms', 'API calls/tick', 'of which 304'],
      [[d.fullTick.runners, d.fullTick.repeats, d.fullTick.firstTickMs, d.fullTick.medianMs, d.fullTick.p95Ms, d.fullTick.apiCallsPerTick, d.fullTick.notModifiedPerTick]],
    ),
    formatTable(
      'Part 2c: controller memory at rest (Manager, one idle pool, own process, after GC)',
      ['bare node RSS MB', 'controller RSS MB', 'heap used MB', 'ticks before measuring'],
      [[d.restMemory.baselineRssMB, d.restMemory.rssMB, d.restMemory.heapUsedMB, d.restMemory.ticks]],
    ),
  ].join('\n');
