import { dump } from 'js-yaml';
import { Client, HttpError, CliError, SERVER_HELP, UsageError, out, parse, runCommand, serverFlags } from './common.js';
import type { ApplyAnswer, PoolDetail } from './types.js';

const USAGE = `
Usage: shghar scale pool NAME [--min N] [--max M]

Changes a pool's bounds: reads its spec from the controller, sets min/max, and applies it (server-side apply,
stored like any applied spec). A pool loaded from a spec file gets that file's values back on the next file change.

Options:
      --min N   new minimum of runners
      --max M   new maximum of runners
${SERVER_HELP}
`;

const count = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new UsageError(`${flag} must be a whole number (got "${v}")`);
  return Number(v);
};

export const run = (argv: string[]): Promise<number> =>
  runCommand('scale', async () => {
    const p = parse(argv, { ...serverFlags, min: { type: 'string' }, max: { type: 'string' } }, USAGE);
    if (!p) return 0;
    const [what, name, ...rest] = p.positionals;
    if (what !== 'pool' && what !== 'pools') throw new UsageError(what ? `cannot scale "${what}": use pool NAME` : 'what to scale: pool NAME');
    if (!name) throw new UsageError('give the pool name: shghar scale pool NAME --min N --max M');
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const min = count(p.values.min, '--min');
    const max = count(p.values.max, '--max');
    if (min === undefined && max === undefined) throw new UsageError('give --min and/or --max');
    const client = new Client(p.values);
    const path = `/api/v1/pools/${encodeURIComponent(name)}`;
    const pool = await client.get<PoolDetail>(path, 'name', 'document');
    const doc = structuredClone(pool.document);
    const scaling = doc.spec.scaling;
    if (min !== undefined) scaling.min = min;
    if (max !== undefined) scaling.max = max;
    let a: ApplyAnswer;
    try {
      a = (await client.request('PUT', path, { yaml: dump(doc, { noRefs: true }), keys: ['result', 'hash'] })).body as ApplyAnswer;
    } catch (e) {
      if (e instanceof HttpError && e.status === 422)
        throw new CliError((e.body?.error.details ?? []).map((d) => `pool/${name}: ${d.path}: ${d.message}`).join('\n') || e.message);
      throw e;
    }
    if (a.result === 'unchanged') out(`pool/${name} unchanged (min ${pool.min}, max ${pool.max})`);
    else out(`pool/${name} scaled (${a.changes.map((c) => `${c.path.split('.').pop()} ${c.from} -> ${c.to}`).join(', ')})`);
    return 0;
  });
