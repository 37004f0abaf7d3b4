import { Client, SERVER_HELP, UsageError, out, parse, runCommand, serverFlags } from './common.js';
import { age, table } from './format.js';
import type { PoolDetail } from './types.js';

const USAGE = `
Usage: shghar describe pool NAME

Shows a pool in detail: desired (and how it was computed) vs observed runners per group, planned actions, what the
guards hold back and why, conditions, runners and recent events.

Options:
${SERVER_HELP}
`;

const ago = (iso: string | null): string => (iso ? `${age(Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000)))} ago` : 'never');

export function describePool(p: PoolDetail): string {
  const lines: string[] = [];
  const kv = (k: string, v: unknown) => lines.push(`${`${k}:`.padEnd(18)}${v}`);
  kv('Name', p.name);
  kv('Scope', p.scope);
  kv('Policy', p.policy);
  kv('Min / Max', `${p.min} / ${p.max}`);
  kv('Spec hash', p.spec_hash);
  kv('Last reconcile', ago(p.last_reconcile));
  if (p.deleting) kv('Deleting', 'draining, then removed');
  if (p.last_error) kv('Last error', p.last_error);
  lines.push(`Desired:          ${p.desired}`);
  for (const r of p.desired_reasons) lines.push(`  ${r}`);
  const online = (p.observed.idle ?? 0) + (p.observed.busy ?? 0);
  lines.push(`Observed:         ${online} online`);
  for (const [group, n] of Object.entries(p.observed)) {
    const names = p.observed_runners[group] ?? [];
    lines.push(`  ${`${group}:`.padEnd(22)}${n}${names.length ? `  ${names.join(', ')}` : ''}`);
  }
  kv('Queued jobs', p.queued_jobs);
  kv('In flight', `creating ${p.in_flight.creating}, deleting ${p.in_flight.deleting.length ? p.in_flight.deleting.join(', ') : 0}`);
  lines.push('Planned actions:' + (p.planned_actions.length ? '' : '  <none>'));
  for (const a of p.planned_actions) lines.push(`  ${a}`);
  lines.push('Held by guards:' + (p.held_actions.length ? '' : '   <none>'));
  for (const h of p.held_actions) lines.push(`  ${h.guard}: ${h.action} (${h.reason})`);
  kv('Breaker', p.breaker);
  lines.push('Conditions:');
  lines.push(indent(table(['TYPE', 'STATUS', 'REASON', 'MESSAGE'], p.conditions.map((c) => [c.type, c.status, c.reason, c.message]))));
  lines.push('Runners:' + (p.runners.length ? '' : '          <none>'));
  if (p.runners.length)
    lines.push(indent(table(['NAME', 'STATE', 'BUSY', 'AGE', 'CONTAINER', 'GITHUB-ID'], p.runners.map((r) => [r.name, r.state, String(r.busy), age(r.age_seconds), r.container_id, r.github_id]))));
  lines.push('Events:' + (p.events.length ? '' : '           <none>'));
  if (p.events.length)
    lines.push(indent(table(['TYPE', 'REASON', 'AGE', 'COUNT', 'MESSAGE'], p.events.map((e) => [e.type, e.reason, ago(e.last_seen), e.count, e.message]))));
  return lines.join('\n') + '\n';
}

const indent = (s: string) => s.trimEnd().split('\n').map((l) => `  ${l}`).join('\n');

export const run = (argv: string[]): Promise<number> =>
  runCommand('describe', async () => {
    const p = parse(argv, { ...serverFlags }, USAGE);
    if (!p) return 0;
    const [what, name, ...rest] = p.positionals;
    if (what !== 'pool' && what !== 'pools') throw new UsageError(what ? `cannot describe "${what}": use pool NAME` : 'what to describe: pool NAME');
    if (!name) throw new UsageError('give the pool name: shghar describe pool NAME');
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const client = new Client(p.values);
    out(describePool(await client.get<PoolDetail>(`/api/v1/pools/${encodeURIComponent(name)}`, 'name', 'observed', 'runners')));
    return 0;
  });
