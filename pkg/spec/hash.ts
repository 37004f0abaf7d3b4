import { createHash } from 'node:crypto';
import type { PoolSpec } from './types.js';

const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
};

/** Stable across key order and process restarts: 12 hex chars of sha256 over canonical JSON (a container label). */
export const specHash = (spec: PoolSpec): string =>
  createHash('sha256').update(JSON.stringify(canonical(spec))).digest('hex').slice(0, 12);
