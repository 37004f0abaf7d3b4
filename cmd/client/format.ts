import { dump } from 'js-yaml';

/** Tables like kubectl's: upper-case headers, columns padded to the widest cell, three spaces between. */
export function table(headers: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '<none>' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd()).join('\n') + '\n';
}

/** `45s`, `3m`, `2h5m`, `4d` like kubectl's AGE column. */
export function age(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    return m ? `${h}h${m}m` : `${h}h`;
  }
  return `${Math.floor(seconds / 86400)}d`;
}

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

export const outputFormat = (v: string | undefined, UsageErr: new (m: string) => Error): OutputFormat => {
  if (v === undefined) return 'table';
  if (v === 'wide' || v === 'json' || v === 'yaml') return v;
  throw new UsageErr(`-o must be wide, json or yaml (got "${v}")`);
};

export const serialize = (v: unknown, f: 'json' | 'yaml'): string => (f === 'json' ? `${JSON.stringify(v, null, 2)}\n` : dump(v, { noRefs: true, lineWidth: 120 }));
