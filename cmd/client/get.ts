import { Client, CliError, SERVER_HELP, UsageError, out, parse, runCommand, serverFlags } from './common.js';
import { age, outputFormat, serialize, table } from './format.js';
import type { PoolView, RunnerView } from './types.js';

const USAGE = `
Usage: shghar get pools|runners [NAME] [-o wide|json|yaml]

Lists pools (desired vs observed) or runners (name, pool, state, busy, age, container, GitHub id).

Options:
  -o, --output FORMAT  wide, json or yaml (default: a table)
  -p, --pool NAME      runners: only this pool's
${SERVER_HELP}
`;

const online = (p: PoolView) => (p.observed.idle ?? 0) + (p.observed.busy ?? 0);
const ready = (p: PoolView) => p.conditions.find((c) => c.type === 'Ready')?.status === 'True';

function poolsTable(pools: PoolView[], wide: boolean): string {
  const headers = ['NAME', 'SCOPE', 'POLICY', 'MIN', 'MAX', 'DESIRED', 'ONLINE', 'BUSY', 'STARTING', 'QUEUED', 'READY'];
  if (wide) headers.push('BREAKER', 'CREATING', 'HASH', 'HELD');
  return table(
    headers,
    pools.map((p) => {
      const row: (string | number)[] = [p.name, p.scope, p.policy, p.min, p.max, p.desired, online(p), p.observed.busy ?? 0, p.observed.starting ?? 0, p.queued_jobs, ready(p) ? 'True' : 'False'];
      if (wide) row.push(p.breaker, p.in_flight.creating, p.spec_hash, p.held_actions.map((h) => h.guard).join(',') || '');
      return row;
    }),
  );
}

function runnersTable(runners: RunnerView[], wide: boolean): string {
  const headers = ['NAME', 'POOL', 'STATE', 'BUSY', 'AGE', 'CONTAINER', 'GITHUB-ID'];
  if (wide) headers.push('CONTAINER-STATE', 'GITHUB-STATUS', 'LABELS', 'WHY');
  return table(
    headers,
    runners.map((r) => {
      const row: (string | number | null)[] = [r.name, r.pool, r.state, r.busy ? 'true' : 'false', age(r.age_seconds), r.container_id, r.github_id];
      if (wide) row.push(r.container_state, r.github_status, r.labels.join(','), r.why);
      return row;
    }),
  );
}

export const run = (argv: string[]): Promise<number> =>
  runCommand('get', async () => {
    const p = parse(argv, { ...serverFlags, output: { type: 'string', short: 'o' }, pool: { type: 'string', short: 'p' } }, USAGE);
    if (!p) return 0;
    const [what, name, ...rest] = p.positionals;
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const format = outputFormat(p.values.output, UsageError);
    const client = new Client(p.values);
    const kind = what === 'pool' ? 'pools' : what === 'runner' ? 'runners' : what;
    if (kind === 'pools') {
      const pools = name
        ? [await client.get<PoolView>(`/api/v1/pools/${encodeURIComponent(name)}`, 'name', 'observed')]
        : (await client.get<{ pools: PoolView[] }>('/api/v1/pools', 'pools')).pools;
      if (format === 'json' || format === 'yaml') return out(serialize(name ? pools[0] : pools, format)), 0;
      if (!pools.length) return out('No pools. Apply one with `shghar apply -f FILE`.'), 0;
      out(poolsTable(pools, format === 'wide'));
      return 0;
    }
    if (kind === 'runners') {
      let runners = (await client.get<{ runners: RunnerView[] }>('/api/v1/runners', 'runners')).runners;
      if (p.values.pool) runners = runners.filter((r) => r.pool === p.values.pool);
      if (name) runners = runners.filter((r) => r.name === name);
      // A name that matches nothing is a failed lookup (exit 1, like an unknown pool), not bad usage (exit 2).
      if (name && !runners.length) throw new CliError(`runner "${name}" not found; \`shghar get runners\` lists them`);
      if (format === 'json' || format === 'yaml') return out(serialize(name ? runners[0] : runners, format)), 0;
      if (!runners.length) return out('No runners.'), 0;
      out(runnersTable(runners, format === 'wide'));
      return 0;
    }
    throw new UsageError(what ? `cannot get "${what}": use pools or runners` : 'what to get: pools or runners');
  });
