import { formatTable, round, sleep, waitFor } from './stats.js';
import { inProcessRuntime } from './in-process-runners.js';
import { LABELS, REPO } from './traces.js';
import { poolYaml, startBenchWorld } from './world.js';

/**
 * Part 4: GitHub API calls per hour for one pool, idle and under a steady load, with polling (ETags) or webhooks as
 * the demand source. Measured over a compressed window and extrapolated to an hour of real time.
 */

const MIN = 60_000;
/** Real-time window measured per case (compressed by the time factor). */
export const WINDOW_MS = 12 * MIN;

export interface ApiRow {
  source: string;
  load: string;
  windowMinutes: number;
  calls: number;
  charged: number;
  notModified: number;
  callsPerHour: number;
  chargedPerHour: number;
  jobsServed: number;
  byRoute: Record<string, number>;
}

async function measure(source: 'polling' | 'webhooks', load: 'idle' | 'steady', factor: number): Promise<ApiRow> {
  const rt = inProcessRuntime();
  const world = await startBenchWorld({ webhooks: source === 'webhooks', writeSpacingMs: Math.round(1000 / factor), runtime: rt.runtime });
  try {
    world.start(poolYaml({ name: 'api', policy: 'demand', min: 1, max: 10, factor }));
    await waitFor('one idle runner', async () => (await world.sim.control.state()).runners.some((r) => r.status === 'online'), 30_000, 100);
    await world.sim.control.resetCounters();
    if (load === 'steady') {
      // One 2-minute job per minute: about two busy runners beside the idle one.
      const trace = Array.from({ length: WINDOW_MS / MIN }, (_, i) => JSON.stringify({ offsetMs: i * MIN, durationMs: 2 * MIN, labels: LABELS, repository: REPO })).join('\n');
      await world.sim.control.replayTrace(trace, { speed: factor });
    }
    await sleep(WINDOW_MS / factor);
    const [c, state] = await Promise.all([world.sim.control.counters(), world.sim.control.state()]);
    const perHour = (v: number) => Math.round((v * 60 * MIN) / WINDOW_MS);
    const byRoute: Record<string, number> = {};
    for (const [route, statuses] of Object.entries(c.byRoute)) byRoute[route] = Object.values(statuses).reduce((a, b) => a + b, 0);
    return {
      source: source === 'polling' ? 'polling (ETags), every 30 s' : 'webhooks + polling safety net every 2 min',
      load: load === 'idle' ? 'idle (1 idle runner)' : 'steady (1 job/min, 2 min each)',
      windowMinutes: WINDOW_MS / MIN,
      calls: c.total,
      charged: c.total - c.notModified,
      notModified: c.notModified,
      callsPerHour: perHour(c.total),
      chargedPerHour: perHour(c.total - c.notModified),
      jobsServed: state.jobs.filter((j) => j.startedAt).length,
      byRoute,
    };
  } finally {
    await world.close();
    await rt.close();
  }
}

export interface ApiData { timeFactor: number; windowMinutes: number; rows: ApiRow[] }

/** The four cases run side by side (each has its own simulator; API counts do not depend on CPU contention). */
export async function runApiBudget(factor: number, log: (s: string) => void): Promise<ApiData> {
  const cases = [['polling', 'idle'], ['webhooks', 'idle'], ['polling', 'steady'], ['webhooks', 'steady']] as const;
  const rows = await Promise.all(cases.map(([s, l]) => measure(s, l, factor)));
  log(`  api: ${rows.length} cases measured`);
  return { timeFactor: factor, windowMinutes: WINDOW_MS / MIN, rows };
}

export const apiTable = (d: ApiData): string =>
  formatTable(
    `Part 4: GitHub API calls per hour for one pool (measured over ${d.windowMinutes} min of real time run at 1/${d.timeFactor}, extrapolated x${round(60 / d.windowMinutes, 1)})`,
    ['demand source', 'load', 'calls/h', 'charged/h (not 304)', 'jobs served'],
    d.rows.map((r) => [r.source, r.load, r.callsPerHour, r.chargedPerHour, r.jobsServed]),
  );
