import { Client, HttpError, SERVER_HELP, UsageError, out, parse, runCommand, serverFlags } from './common.js';
import { readPoolDocuments, rejectionText, withSpecErrors } from './specs.js';
import type { ApplyAnswer } from './types.js';

const USAGE = `
Usage: shghar diff -f FILE|DIR

Shows what \`shghar apply\` would change on the running controller, field by field; changes nothing.

Options:
  -f, --filename PATH  a spec file, or a folder of *.yaml / *.yml
${SERVER_HELP}
`;

const show = (v: unknown): string => (v === null || v === undefined ? '<none>' : JSON.stringify(v));

export const run = (argv: string[]): Promise<number> =>
  runCommand('diff', async () => {
    const p = parse(argv, { ...serverFlags, filename: { type: 'string', short: 'f' } }, USAGE);
    if (!p) return 0;
    const file = p.values.filename ?? p.positionals[0];
    if (!file) throw new UsageError('give the spec file or folder with -f');
    const client = new Client(p.values);
    const { pools } = withSpecErrors(() => readPoolDocuments(file));
    let failed = 0;
    for (const doc of pools) {
      try {
        const a = (await client.request('PUT', `/api/v1/pools/${encodeURIComponent(doc.name)}?dryRun=true`, { yaml: doc.yaml, keys: ['result', 'hash'] })).body as ApplyAnswer;
        if (a.result === 'unchanged') {
          out(`  pool/${a.name} unchanged`);
          continue;
        }
        out(a.result === 'created' ? `+ pool/${a.name} (new pool)` : `~ pool/${a.name} (${a.previous_hash} -> ${a.hash})`);
        if (a.result === 'configured') for (const c of a.changes) out(`    ${c.path}: ${show(c.from)} -> ${show(c.to)}`);
      } catch (e) {
        if (!(e instanceof HttpError) || e.status >= 500 || e.status === 401 || e.status === 403) throw e;
        process.stderr.write(`${rejectionText(doc, e)}\n`);
        failed++;
      }
    }
    return failed ? 1 : 0;
  });
