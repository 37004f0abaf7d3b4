/** Small statistics and table helpers for the benchmarks. */

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const round = (v: number, digits = 1): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

/** A plain-text table: header row, rule, rows; numbers right-aligned. */
export function formatTable(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[], num: boolean[]) =>
    r.map((c, i) => (num[i] ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ');
  const numeric = header.map((_, i) => rows.some((r) => typeof r[i] === 'number'));
  return [
    `\n${title}`,
    line(header, numeric),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map((r) => line(r, numeric)),
  ].join('\n');
}

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return '-';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(3);
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until truthy; throws with `what` after the deadline. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
