import { CliError, out, sleep, type Client } from './common.js';
import type { PoolDetail } from './types.js';

const online = (p: PoolDetail) => (p.observed.idle ?? 0) + (p.observed.busy ?? 0);

/** Converged: a reconcile that began after the change saw desired == online, nothing starting, nothing in flight. */
export const converged = (p: PoolDetail, since: string): boolean =>
  !!p.last_reconcile &&
  p.last_reconcile >= since &&
  p.desired === online(p) &&
  (p.observed.starting ?? 0) === 0 &&
  p.in_flight.creating === 0 &&
  p.in_flight.deleting.length === 0;

const progress = (p: PoolDetail) =>
  `pool/${p.name}: desired ${p.desired}, online ${online(p)}, starting ${p.observed.starting ?? 0}, creating ${p.in_flight.creating}, deleting ${p.in_flight.deleting.length}` +
  (p.held_actions.length ? `, held: ${p.held_actions.map((h) => `${h.guard}: ${h.reason}`).join('; ')}` : '');

/** Polls each pool, printing a line whenever its progress changes, until all converge or the timeout passes. */
export async function waitForPools(client: Client, names: string[], since: string, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const last = new Map<string, string>();
  const pending = new Set(names);
  while (pending.size) {
    for (const name of [...pending]) {
      const p = await client.get<PoolDetail>(`/api/v1/pools/${encodeURIComponent(name)}`, 'name', 'observed');
      const line = progress(p);
      if (last.get(name) !== line) out(line);
      last.set(name, line);
      if (converged(p, since)) {
        out(`pool/${name} converged`);
        pending.delete(name);
      }
    }
    if (!pending.size) break;
    if (Date.now() > deadline)
      throw new CliError(`timed out waiting for ${[...pending].map((n) => `pool/${n}`).join(', ')} to converge; see \`shghar describe pool ${[...pending][0]}\``);
    await sleep(everyMs);
  }
}
