import { parseDuration } from '../../pkg/spec/duration.js';
import { Client, HttpError, SERVER_HELP, UsageError, out, parse, runCommand, serverFlags } from './common.js';
import { readPoolDocuments, rejectionText, withSpecErrors } from './specs.js';
import type { ApplyAnswer } from './types.js';
import { waitForPools } from './wait.js';

const USAGE = `
Usage: shghar apply -f FILE|DIR [--dry-run] [--wait [--timeout 5m]]

Validates the spec files, then applies each RunnerPool to the running controller (server-side apply) and prints
pool/NAME created|configured|unchanged. Controller documents are not sent (they configure \`shghar run\` itself).

Options:
  -f, --filename PATH  a spec file, or a folder of *.yaml / *.yml
      --dry-run        show what would happen; change nothing
      --wait           wait until every applied pool converges (desired == online, nothing in flight)
      --timeout DUR    how long --wait waits (default 5m)
${SERVER_HELP}
`;

export const run = (argv: string[]): Promise<number> =>
  runCommand('apply', async () => {
    const p = parse(
      argv,
      { ...serverFlags, filename: { type: 'string', short: 'f' }, 'dry-run': { type: 'boolean' }, wait: { type: 'boolean' }, timeout: { type: 'string' } },
      USAGE,
    );
    if (!p) return 0;
    const v = p.values;
    if (!v.filename) throw new UsageError('give the spec file or folder with -f');
    if (p.positionals.length) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
    const timeoutMs = parseDuration(v.timeout ?? '5m');
    if (timeoutMs === undefined || timeoutMs <= 0) throw new UsageError(`--timeout must be a duration such as 30s or 5m (got "${v.timeout}")`);
    const client = new Client(v);
    const { pools, skippedController } = withSpecErrors(() => readPoolDocuments(v.filename!));
    if (skippedController) process.stderr.write('note: Controller settings are not applied by `apply`; restart `shghar run` to change them\n');
    const dry = v['dry-run'] ? '?dryRun=true' : '';
    let failed = 0;
    let since = '';
    const applied: string[] = [];
    for (const doc of pools) {
      try {
        const res = await client.request('PUT', `/api/v1/pools/${encodeURIComponent(doc.name)}${dry}`, { yaml: doc.yaml, keys: ['result', 'hash'] });
        const a = res.body as ApplyAnswer;
        out(`pool/${a.name} ${a.result}${a.dry_run ? ' (dry run)' : ''}`);
        if (!since || a.applied_at < since) since = a.applied_at;
        applied.push(a.name);
      } catch (e) {
        if (!(e instanceof HttpError) || e.status >= 500 || e.status === 401 || e.status === 403) throw e;
        process.stderr.write(`${rejectionText(doc, e)}\n`);
        failed++;
      }
    }
    if (failed) {
      process.stderr.write(`error: ${failed} pool(s) rejected; fix them and apply again\n`);
      return 1;
    }
    if (v.wait && !v['dry-run'] && applied.length) await waitForPools(client, applied, since, timeoutMs);
    return 0;
  });
