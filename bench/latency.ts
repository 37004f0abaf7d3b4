import os from 'node:os';
import type { TraceEntry } from '../pkg/sim/trace.js';
import { percentile, round, sleep, waitFor } from './stats.js';
import { burst, diurnalDay, morningRush, toJsonLines } from './traces.js';
import { poolYaml, startBenchWorld } from './world.js';

/** Part 1: pickup latency and cost on real Docker, three traces under three configurations, in compressed time. */

export interface LatencyConfig { name: string; policy: 'threshold' | 'demand'; webhooks: boolean }
export const CONFIGS: LatencyConfig[] = [
  { name: 'threshold, polling 30s', policy: 'threshold', webhooks: false },
  { name: 'threshold + webhooks', policy: 'threshold', webhooks: true },
  { name: 'demand + webhooks', policy: 'demand', webhooks: true },
];

interface TraceCase { name: string; trace: TraceEntry[]; min: number; max: number; /** real-time deadline after the last arrival */ tailMs: number }
const MIN = 60_000;
export const TRACES = (): TraceCase[] => [
  { name: 'morning rush (2 idle, 5 + 3 jobs)', trace: morningRush(), min: 2, max: 10, tailMs: 30 * MIN },
  { name: 'burst of 50', trace: burst(50), min: 2, max: 50, tailMs: 50 * MIN },
  { name: 'diurnal day (seed 42)', trace: diurnalDay(42), min: 2, max: 20, tailMs: 30 * MIN },
];

export interface LatencyRow {
  trace: string;
  config: string;
  jobs: number;
  unstarted: number;
  waitP50s: number;
  waitP95s: number;
  waitP99s: number;
  busyRunnerSeconds: number;
  idleRunnerSeconds: number;
  windowSeconds: number;
  peakContainers: number;
  apiCalls: number;
  apiCallsCharged: number;
  webhooksSent: number;
  /** host memory in use at the busiest sample (MB), to check the machine was not swapping or starved */
  peakHostMemoryUsedMB: number;
}

export async function runLatencyCase(tc: TraceCase, cfg: LatencyConfig, factor: number): Promise<LatencyRow> {
  const world = await startBenchWorld({ webhooks: cfg.webhooks, writeSpacingMs: Math.round(1000 / factor) });
  try {
    world.start(poolYaml({ name: 'bench', policy: cfg.policy, min: tc.min, max: tc.max, factor, maxConcurrentActions: 8 }));
    // Warm-up, not measured: the pool reaches its minimum of idle runners.
    await waitFor('minimum online', async () => (await world.sim.control.state()).runners.filter((r) => r.status === 'online' && !r.busy).length >= tc.min, 60_000, 200);
    await world.sim.control.resetCounters();
    const t0 = Date.now();
    let peak = 0;
    let minFree = os.freemem();
    let containerMs = 0;
    let sampling = true;
    let lastSample = t0;
    let lastCount = await world.runningContainers();
    const sampler = (async () => {
      while (sampling) {
        const n = await world.runningContainers();
        const now = Date.now();
        containerMs += lastCount * (now - lastSample);
        lastSample = now;
        lastCount = n;
        peak = Math.max(peak, n);
        minFree = Math.min(minFree, os.freemem());
        await sleep(200);
      }
    })();
    await world.sim.control.replayTrace(toJsonLines(tc.trace), { speed: factor });
    const lastArrival = Math.max(...tc.trace.map((t) => t.offsetMs));
    const deadline = (lastArrival + tc.tailMs) / factor;
    await waitFor(
      'all jobs done and the pool back at its minimum',
      async () => {
        const s = await world.sim.control.state();
        const done = s.jobs.filter((j) => j.status === 'completed').length === tc.trace.length;
        return done && lastCount <= tc.min && (await world.runningContainers()) <= tc.min;
      },
      deadline,
      250,
    ).catch(() => undefined); // a run that misses the deadline is reported with its unstarted jobs
    sampling = false;
    await sampler;
    const tEnd = Date.now();
    containerMs += lastCount * (tEnd - lastSample);
    const [state, counters] = await Promise.all([world.sim.control.state(), world.sim.control.counters()]);
    const jobs = state.jobs;
    const waits = jobs.map((j) => ((j.startedAt ?? tEnd) - j.createdAt) * factor / 1000);
    const busyMs = jobs.reduce((n, j) => n + (j.startedAt ? (j.completedAt ?? tEnd) - j.startedAt : 0), 0);
    return {
      trace: tc.name,
      config: cfg.name,
      jobs: jobs.length,
      unstarted: jobs.filter((j) => !j.startedAt).length,
      waitP50s: round(percentile(waits, 50)),
      waitP95s: round(percentile(waits, 95)),
      waitP99s: round(percentile(waits, 99)),
      busyRunnerSeconds: Math.round((busyMs * factor) / 1000),
      idleRunnerSeconds: Math.round((Math.max(0, containerMs - busyMs) * factor) / 1000),
      windowSeconds: Math.round(((tEnd - t0) * factor) / 1000),
      peakContainers: peak,
      apiCalls: counters.total,
      apiCallsCharged: counters.total - counters.notModified,
      webhooksSent: counters.webhooks.sent,
      peakHostMemoryUsedMB: Math.round((os.totalmem() - minFree) / 2 ** 20),
    };
  } finally {
    await world.close();
  }
}

export async function runLatency(factor: number, log: (s: string) => void): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const tc of TRACES()) {
    for (const cfg of CONFIGS) {
      const started = Date.now();
      const row = await runLatencyCase(tc, cfg, factor);
      log(`  latency: ${tc.name} / ${cfg.name}: p50 ${row.waitP50s}s p95 ${row.waitP95s}s (${Math.round((Date.now() - started) / 1000)}s wall)`);
      rows.push(row);
    }
  }
  return rows;
}
