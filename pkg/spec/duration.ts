/** Friendly units for durations (`30s`, `5m`, `1h30m`, `250ms`) and memory (`512m`, `2g`). */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$';
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/g;

/** Milliseconds for a duration string; a bare number means seconds. Undefined when it cannot be read. */
export const parseDuration = (v: string | number): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
  const s = v.trim();
  if (!new RegExp(DURATION_PATTERN).test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(PART)) total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return Math.round(total);
};

/** `1h30m0s` style, for messages and status. */
export const formatDuration = (ms: number): string => {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${m}m${r}s` : m > 0 ? `${m}m${r}s` : `${r}s`;
};

const MEMORY_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
export const MEMORY_PATTERN = '^[0-9]+(\\.[0-9]+)?([bkmgtBKMGT]([iI]?[bB])?)?$';

/** Bytes for `512m`, `2g`, `1.5GiB`, `2048` (bytes). Units are binary, as Docker's `--memory` reads them. */
export const parseMemory = (v: string | number): number | undefined => {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)([bkmgt])?(?:i?b)?$/i.exec(v.trim());
  if (!m) return undefined;
  const bytes = Math.round(Number(m[1]) * MEMORY_UNITS[(m[2] ?? '').toLowerCase()]!);
  return bytes > 0 ? bytes : undefined;
};
