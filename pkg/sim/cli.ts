// `shghar sim`: starts the simulator from flags and prints its URL; runs until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { startSimulator, type SimOptions } from './index.js';

const USAGE = 'usage: shghar sim [--host H] [--port N] [--token T]... [--token-file F] [--hourly-budget N] [--heartbeat-timeout-ms N]\n' +
  '                  [--webhook URL --webhook-secret-file F]... [--org ORG=repo1,repo2]... [--seed N]';

export function parseSimArgs(argv: string[]): SimOptions {
  const o: SimOptions & { tokens: string[]; webhooks: { url: string; secret: string }[] } = { tokens: [], webhooks: [] };
  let pendingHook: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const val = () => { const v = argv[++i]; if (v === undefined) throw new Error(`${flag} needs a value`); return v; };
    const num = () => { const v = Number(val()); if (!Number.isFinite(v)) throw new Error(`${flag} needs a number`); return v; };
    switch (flag) {
      case '--host': o.host = val(); break;
      case '--port': o.port = num(); break;
      case '--token': o.tokens.push(val()); break;
      case '--token-file': o.tokens.push(readFileSync(val(), 'utf8').trim()); break;
      case '--hourly-budget': o.hourlyBudget = num(); break;
      case '--heartbeat-timeout-ms': o.heartbeatTimeoutMs = num(); break;
      case '--seed': o.seed = num(); break;
      case '--webhook': pendingHook = val(); o.webhooks.push({ url: pendingHook, secret: '' }); break;
      case '--webhook-secret-file': {
        if (!pendingHook) throw new Error('--webhook-secret-file follows a --webhook');
        o.webhooks[o.webhooks.length - 1].secret = readFileSync(val(), 'utf8').trim();
        break;
      }
      case '--org': {
        const [org, repos = ''] = val().split('=');
        o.orgs = { ...(o.orgs ?? {}), [org]: repos.split(',').filter(Boolean) };
        break;
      }
      default: throw new Error(`unknown flag ${flag}`);
    }
  }
  if (o.tokens.length === 0) o.tokens = ['sim-token'];
  if (o.webhooks.some((w) => !w.secret)) throw new Error('every --webhook needs a --webhook-secret-file');
  return o;
}

export async function runSimCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { console.log(USAGE); return 0; }
  let opts: SimOptions;
  try { opts = parseSimArgs(argv); } catch (e) { console.error(`${(e as Error).message}\n${USAGE}`); return 2; }
  const sim = await startSimulator(opts);
  console.log(sim.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
