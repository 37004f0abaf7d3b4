import { parseDuration } from '../../pkg/spec/duration.js';
import { Client, CliError, HttpError, SERVER_HELP, UsageError, out, parse, runCommand, serverFlags, sleep } from './common.js';

const USAGE = `
Usage: shghar delete runner NAME [--force]
       shghar delete pool NAME [--wait [--timeout 10m]]

runner: removes its GitHub registration first, then its container. A runner running a job is refused unless --force.
pool:   drains the pool (no new runners, idle ones removed, busy ones finish their job), then forgets it.

Options:
      --force          runner: stop it even in the middle of a job
      --wait           pool: wait until it is gone
      --timeout DUR    how long --wait waits (default 10m)
${SERVER_HELP}
`;

export const run = (argv: string[]): Promise<number> =>
  runCommand('delete', async () => {
    const p = parse(argv, { ...serverFlags, force: { type: 'boolean' }, wait: { type: 'boolean' }, timeout: { type: 'string' } }, USAGE);
    if (!p) return 0;
    const [what, name, ...rest] = p.positionals;
    if (!name) throw new UsageError(what ? `give the ${what} name` : 'what to delete: runner NAME or pool NAME');
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const client = new Client(p.values);
    if (what === 'runner' || what === 'runners') {
      try {
        const res = await client.request('DELETE', `/api/v1/runners/${encodeURIComponent(name)}${p.values.force ? '?force=true' : ''}`, { keys: ['name', 'registration'] });
        const b = res.body as { name: string; registration: string };
        out(`runner/${b.name} deleted${b.registration === 'busy' ? ' (its registration is still running a job on GitHub; it will be cleaned up)' : ''}`);
        return 0;
      } catch (e) {
        if (e instanceof HttpError && e.body?.error.code === 'busy') throw new CliError(`${e.body.error.message.split(';')[0]}\n  hint: wait for the job, or use --force`);
        throw e;
      }
    }
    if (what === 'pool' || what === 'pools') {
      const timeoutMs = parseDuration(p.values.timeout ?? '10m');
      if (timeoutMs === undefined) throw new UsageError(`--timeout must be a duration such as 30s or 10m`);
      await client.request('DELETE', `/api/v1/pools/${encodeURIComponent(name)}`, { keys: ['result'] });
      out(`pool/${name} deleting (draining)`);
      if (!p.values.wait) return 0;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await client.get(`/api/v1/pools/${encodeURIComponent(name)}`);
        } catch (e) {
          if (e instanceof HttpError && e.status === 404) break;
          throw e;
        }
        if (Date.now() > deadline) throw new CliError(`pool/${name} is still draining (busy runners finish their job first); see \`shghar describe pool ${name}\``);
        await sleep(250);
      }
      out(`pool/${name} deleted`);
      return 0;
    }
    throw new UsageError(`cannot delete "${what}": use runner or pool`);
  });
