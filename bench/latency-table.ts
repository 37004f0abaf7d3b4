import { formatTable } from './stats.js';
import type { LatencyRow } from './latency.js';
export { runLatency } from './latency.js';

export const latencyTable = (rows: LatencyRow[], factor: number): string =>
  formatTable(
    `Part 1: pickup latency and cost (real Docker, fake runners; run at 1/${factor} of real time, figures scaled back to real time)`,
    ['trace', 'configuration', 'jobs', 'wait p50 s', 'p95 s', 'p99 s', 'busy runner-s', 'idle runner-s', 'window s', 'peak containers', 'API calls', 'charged'],
    rows.map((r) => [
      r.trace, r.config, r.unstarted ? `${r.jobs} (${r.unstarted} unstarted)` : r.jobs, r.waitP50s, r.waitP95s, r.waitP99s,
      r.busyRunnerSeconds, r.idleRunnerSeconds, r.windowSeconds, r.peakContainers, r.apiCalls, r.apiCallsCharged,
    ]),
  );
