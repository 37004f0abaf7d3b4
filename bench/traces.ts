import type { TraceEntry } from '../pkg/sim/trace.js';
import { makeRandom } from '../pkg/sim/prng.js';

/** Job traces in real (uncompressed) time; the benchmark divides offsets and durations by its time factor. */

export const REPO = 'acme/app';
export const LABELS = ['self-hosted', 'linux'];
const MIN = 60_000;

const job = (offsetMs: number, durationMs: number): TraceEntry => ({ offsetMs, durationMs, labels: LABELS, repository: REPO });

/** The classic morning rush: 5 jobs at once, 3 more two minutes later, each running 3 minutes. */
export const morningRush = (): TraceEntry[] => [
  ...Array.from({ length: 5 }, () => job(0, 3 * MIN)),
  ...Array.from({ length: 3 }, () => job(2 * MIN, 3 * MIN)),
];

/** `n` jobs queued at the same instant, each running 2 minutes. */
export const burst = (n = 50): TraceEntry[] => Array.from({ length: n }, () => job(0, 2 * MIN));

/** A seeded PRNG (the simulator's), so a trace is the same on every run. */
export const seededRandom = makeRandom;

/** How many real minutes one hour of the generated day lasts: the day is itself compressed 60x (24 h -> 24 min). */
export const DIURNAL_HOUR_MS = MIN;

/**
 * A working day from a fixed seed: Poisson arrivals whose hourly rate follows office hours (quiet nights, a ramp from
 * 08:00, a peak around 11:00 and 15:00, a tail after 18:00), job durations 1-6 minutes. Hours last DIURNAL_HOUR_MS.
 */
export function diurnalDay(seed = 42, peakPerHour = 8): TraceEntry[] {
  const rand = seededRandom(seed);
  const rate = (h: number): number => {
    const office = h >= 8 && h < 19 ? Math.sin((Math.PI * (h - 8)) / 11) : 0;
    const twoPeaks = 0.75 + 0.25 * Math.cos((Math.PI * (h - 11)) / 2);
    return 0.3 + peakPerHour * office * twoPeaks;
  };
  const out: TraceEntry[] = [];
  const maxRate = 0.3 + peakPerHour;
  // Thinning: draw arrivals at the peak rate and keep each with probability rate(t) / peak.
  for (let h = 0; h < 24; ) {
    h += -Math.log(1 - rand()) / maxRate;
    if (h >= 24) break;
    if (rand() * maxRate > rate(h)) continue;
    out.push(job(Math.round(h * DIURNAL_HOUR_MS), Math.round((1 + 5 * rand() * rand()) * MIN)));
  }
  return out;
}

export const toJsonLines = (trace: TraceEntry[]): string => trace.map((t) => JSON.stringify(t)).join('\n');
