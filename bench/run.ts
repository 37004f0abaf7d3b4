// `npm run bench [part...]`: parts are latency, reconcile, burst, api (all when none is named).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './machine.js';
import { PARTS, type PartName } from './parts.js';
import { cleanupAll } from './world.js';

const FACTOR = Number(process.env.BENCH_TIME_FACTOR ?? 20);

async function main(argv: string[]): Promise<void> {
  const names = (argv.length ? argv : Object.keys(PARTS)) as PartName[];
  for (const n of names) if (!PARTS[n]) throw new Error(`unknown part ${n}; parts: ${Object.keys(PARTS).join(', ')}`);
  const machine = describeMachine();
  console.log(`machine: ${machine.cpuModel} x${machine.cpuCount}, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, node ${machine.node}, docker ${machine.docker.server ?? '?'}`);
  const results: Record<string, unknown> = {};
  const began = Date.now();
  try {
    for (const n of names) {
      const t = Date.now();
      console.log(`\n== ${n} ==`);
      const out = await PARTS[n]({ factor: FACTOR, log: (s) => console.log(s) });
      console.log(out.table);
      results[n] = { ...out.data, wallSeconds: Math.round((Date.now() - t) / 1000) };
    }
  } finally {
    await cleanupAll();
  }
  const date = new Date().toISOString().slice(0, 10);
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${date}.json`);
  // Parts run alone on the same day are merged into that day's file.
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { results?: Record<string, unknown> }).results : undefined;
  const doc = { date: new Date().toISOString(), command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`, timeFactor: FACTOR, machine, wallSeconds: Math.round((Date.now() - began) / 1000), results: { ...previous, ...results } };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\nwrote bench/results/${date}.json`);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => void cleanupAll().finally(() => process.exit(130)));

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
