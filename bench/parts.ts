import { runApiBudget, apiTable } from './api-budget.js';
import { runBurst, burstTable } from './burst.js';
import { latencyTable, runLatency } from './latency-table.js';
import { runReconcile, reconcileTable } from './reconcile.js';

export interface PartContext { factor: number; log: (s: string) => void }
export interface PartResult { table: string; data: Record<string, unknown> }

export const PARTS = {
  latency: async (c: PartContext): Promise<PartResult> => {
    const rows = await runLatency(c.factor, c.log);
    return { table: latencyTable(rows, c.factor), data: { timeFactor: c.factor, rows } };
  },
  reconcile: async (c: PartContext): Promise<PartResult> => {
    const data = await runReconcile(c.log);
    return { table: reconcileTable(data), data: { ...data } };
  },
  burst: async (c: PartContext): Promise<PartResult> => {
    const data = await runBurst(c.log);
    return { table: burstTable(data), data: { ...data } };
  },
  api: async (c: PartContext): Promise<PartResult> => {
    const data = await runApiBudget(c.factor, c.log);
    return { table: apiTable(data), data: { ...data } };
  },
} satisfies Record<string, (c: PartContext) => Promise<PartResult>>;
export type PartName = keyof typeof PARTS;
