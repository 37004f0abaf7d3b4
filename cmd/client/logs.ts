import { Client, HttpError, SERVER_HELP, UsageError, parse, runCommand, serverFlags, sleep } from './common.js';

const USAGE = `
Usage: shghar logs RUNNER [--tail N] [-f]

Prints a runner container's log. RUNNER is a runner name, a container id or a GitHub runner id.

Options:
      --tail N        the last N lines (default 100; 0 for all)
  -f, --follow        keep printing new lines until the runner is gone (Ctrl-C to stop)
${SERVER_HELP}
`;

const lines = (t: string) => (t ? t.replace(/\n$/, '').split('\n') : []);

export const run = (argv: string[]): Promise<number> =>
  runCommand('logs', async () => {
    const p = parse(argv, { ...serverFlags, tail: { type: 'string' }, follow: { type: 'boolean', short: 'f' } }, USAGE);
    if (!p) return 0;
    const [runner, ...rest] = p.positionals;
    if (!runner) throw new UsageError('give the runner: shghar logs RUNNER');
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const tail = p.values.tail ?? '100';
    if (!/^[0-9]+$/.test(tail)) throw new UsageError(`--tail must be a number of lines (got "${tail}")`);
    const client = new Client(p.values);
    const path = `/api/v1/runners/${encodeURIComponent(runner)}/logs`;
    if (!p.values.follow) {
      for (const l of lines((await client.request('GET', `${path}?tail=${tail}`, { expect: 'text' })).text)) process.stdout.write(`${l}\n`);
      return 0;
    }
    // Follow by polling the whole log and printing what is past the lines already seen. The first tail comes from
    // the same read that sets the mark, so a line written between two reads is neither lost nor printed twice.
    const first = lines((await client.request('GET', `${path}?tail=0`, { expect: 'text' })).text);
    const n = Number(tail);
    for (const l of n > 0 ? first.slice(-n) : first) process.stdout.write(`${l}\n`);
    let seen = first.length;
    for (;;) {
      await sleep(500);
      let all: string[];
      try {
        all = lines((await client.request('GET', `${path}?tail=0`, { expect: 'text' })).text);
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) return 0; // the runner finished and is gone
        throw e;
      }
      for (const l of all.slice(seen)) process.stdout.write(`${l}\n`);
      seen = Math.max(seen, all.length);
    }
  });
