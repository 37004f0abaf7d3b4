// `shghar sim`: starts the simulator from flags and prints its URL; runs until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { startSimulator, type SimOptions } from './index.js';

const USAGE = `Usage: shghar sim [--host H] [--port N] [--token T]... [--token-file F] [--hourly-budget N]
                 [--heartbeat-timeout-ms N] [--webhook URL --webhook-secret-file F]... [--org ORG=repo1,repo2]... [--seed N]

A local stand-in for the part of GitHub shghar uses (self-hosted runners, workflow runs and jobs, rate limits,
signed workflow_job webhooks), for trying shghar without GitHub. Point the controller at the URL it prints:
  shghar run -f spec.yaml --github-url <URL> --github-token env:SIM_TOKEN      (SIM_TOKEN=sim-token by default)

Options (defaults in brackets):
  --host H, --port N          where to listen [127.0.0.1, a free port]
  --token T, --token-file F   accepted API tokens, repeatable [sim-token]
  --hourly-budget N           requests per token and hour [5000]
  --heartbeat-timeout-ms N    a silent runner goes offline after this [30000]
  --webhook URL               deliver workflow_job webhooks there, signed with the secret of
  --webhook-secret-file F     the file that follows it
  --org ORG=repo1,repo2       organizations and their repositories [any owner/repo exists]
  --seed N                    seed for injected faults [1]

Control API (JSON over HTTP, for queueing work and injecting faults), e.g.:
  curl -X POST <URL>/_sim/control/jobs -H 'content-type: application/json' \\
       -d '{"repository":"acme/app","labels":["self-hosted","linux"],"durationMs":20000}'
  curl <URL>/_sim/control/state                      runners and jobs
  curl -X PUT <URL>/_sim/control/unreachable -d '{"unreachable":true}' -H 'content-type: application/json'
Every route is listed in pkg/sim/README.md.`;

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
  console.error(`GitHub simulator listening; queue a job with: curl -X POST ${sim.url}/_sim/control/jobs -H 'content-type: application/json' -d '{"repository":"acme/app","labels":["self-hosted"],"durationMs":20000}'`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
