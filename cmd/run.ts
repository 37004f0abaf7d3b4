import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { SpecStore } from '../controllers/spec-store.js';
import { parseArgs } from 'node:util';
import { SpecError, formatIssue, resolveSecretRef, defaultControllerSettings, parseListen } from '../pkg/spec/index.js';
import type { ControllerSettings } from '../pkg/spec/types.js';
import { startController, type ResolvedSecrets, type RunningController } from './app.js';
import { environmentWithDotEnv, loadPools } from './load-pools.js';

const HELP = `Usage: shghar run [-f FILE|DIR]... [options]

Runs the controller: one reconcile loop per pool, the REST API, metrics and (when configured) the webhook endpoint.
Without -f, the classic ORCHESTRATOR_* variables (and a .env file in the current folder) describe one pool.

Options:
  -f, --file PATH          spec file or folder (repeatable); watched: edits apply without a restart
      --listen HOST:PORT   API address (default from the Controller document, else 127.0.0.1:8080)
      --github-url URL     GitHub API URL (GitHub Enterprise Server: https://HOST/api/v3; or the simulator)
      --github-token REF   credential reference: env:NAME or file:/path (default env:GITHUB_TOKEN)
      --api-token REF      bearer token reference for mutating API routes
      --webhook-secret REF webhook secret reference; enables POST /webhooks/github
      --state-dir DIR      where specs applied through the API are kept
      --controller-id ID   written into every container label (default "default")
      --docker ENDPOINT    unix:///var/run/docker.sock or tcp://host:2375
      --drain              on SIGTERM/SIGINT, also remove idle runners (busy ones are never touched)
      --log-level LEVEL    error|warn|info|debug
      --json               JSON log lines
  -h, --help`;

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        file: { type: 'string', short: 'f', multiple: true },
        listen: { type: 'string' },
        'github-url': { type: 'string' },
        'github-token': { type: 'string' },
        'api-token': { type: 'string' },
        'webhook-secret': { type: 'string' },
        'state-dir': { type: 'string' },
        'controller-id': { type: 'string' },
        docker: { type: 'string' },
        drain: { type: 'boolean' },
        'log-level': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const env = environmentWithDotEnv(process.env);
  const files = (values.file as string[] | undefined) ?? [];
  const str = (k: string) => values[k] as string | undefined;

  let controller: RunningController;
  try {
    const stateDir = str('state-dir') ?? env.SHGHAR_STATE_DIR;
    const storedFiles = stateDir ? await new SpecStore(stateDir).files() : [];
    const parsed = loadPools(files, storedFiles, env);
    const settings = applyFlags(parsed.controller ?? defaultControllerSettings(), values, env, stateDir);
    if (parsed.pools.length === 0 && !stateDir) {
      process.stderr.write('error: no pools: give -f spec.yaml, set ORCHESTRATOR_GITHUB_REPO, or --state-dir to apply later\n');
      return 2;
    }
    const secrets = resolveSecrets(settings, env);
    controller = await startController({ settings, pools: parsed.pools, secrets });
    const watchers = watchSpecs(files, () => reload(controller, files, env));
    await waitForSignal(controller, !!values.drain, watchers);
    return 0;
  } catch (e) {
    if (e instanceof SpecError) {
      for (const i of e.issues) process.stderr.write(formatIssue(i) + '\n');
      return 1;
    }
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

function applyFlags(
  base: ControllerSettings,
  values: Record<string, unknown>,
  env: Record<string, string | undefined>,
  stateDir: string | undefined,
): ControllerSettings {
  const v = (k: string) => values[k] as string | undefined;
  const listen = v('listen') ?? env.SHGHAR_LISTEN;
  const s: ControllerSettings = { ...base };
  if (listen) s.listen = parseListen(listen);
  if (v('github-url') ?? env.ORCHESTRATOR_GITHUB_API_URL) s.githubApiUrl = (v('github-url') ?? env.ORCHESTRATOR_GITHUB_API_URL)!;
  if (v('github-token')) s.githubTokenRef = v('github-token');
  if (!s.githubTokenRef && !s.githubApp) s.githubTokenRef = env.ORCHESTRATOR_GITHUB_TOKEN ? 'env:ORCHESTRATOR_GITHUB_TOKEN' : 'env:GITHUB_TOKEN';
  if (v('api-token')) s.apiTokenRef = v('api-token');
  if (v('webhook-secret')) s.webhook = { path: s.webhook?.path ?? '/webhooks/github', secretRef: v('webhook-secret')! };
  if (stateDir) s.stateDir = stateDir;
  if (v('controller-id')) s.controllerId = v('controller-id')!;
  if (v('docker') ?? env.ORCHESTRATOR_DOCKER_SOCKET) s.dockerEndpoint = v('docker') ?? env.ORCHESTRATOR_DOCKER_SOCKET;
  const level = v('log-level') ?? env.LOG_LEVEL;
  if (level) s.logLevel = level;
  if (env.STRUCTURED_LOGGING && /^(1|true)$/i.test(env.STRUCTURED_LOGGING)) s.structuredLogging = true;
  if (values.json) s.structuredLogging = true;
  return s;
}

function resolveSecrets(s: ControllerSettings, env: Record<string, string | undefined>): ResolvedSecrets {
  // Errors name the setting and the reference (never a value) and say how to fix it.
  const resolve = (what: string, ref: string, fix: string): string => {
    try {
      return resolveSecretRef(ref, env);
    } catch (e) {
      const why = e instanceof SpecError ? e.issues.map((i) => i.message).join('; ') : (e as Error).message;
      // A value that is not a reference may be an inline credential: never echo it.
      const shown = /^(env|file):/.test(ref) ? ` (${ref})` : '';
      throw new Error(`${what}${shown}: ${why}; ${fix}`);
    }
  };
  return {
    githubToken: s.githubApp ? undefined : resolve('GitHub token', s.githubTokenRef!, 'export it, or pass --github-token env:NAME | file:/path'),
    githubAppKey: s.githubApp ? resolve('GitHub App private key', s.githubApp.privateKeyRef, 'fix githubApp.privateKey in the Controller document') : undefined,
    webhookSecret: s.webhook ? resolve('webhook secret', s.webhook.secretRef, 'export it, or fix --webhook-secret / webhook.secret') : undefined,
    apiToken: s.apiTokenRef ? resolve('API token', s.apiTokenRef, 'export it, or fix --api-token / apiToken') : undefined,
  };
}

/** Re-reads the spec files; an invalid edit is rejected with its errors and the last good spec keeps running. */
async function reload(c: RunningController, files: string[], env: Record<string, string | undefined>): Promise<void> {
  try {
    const stored = c.store ? await c.store.files() : [];
    const parsed = loadPools(files, stored, env);
    const results = c.manager.apply(parsed.pools.map((p) => ({ spec: p.spec, hash: p.hash })));
    for (const r of results) if (r.result !== 'unchanged') c.logger.info(`pool/${r.name} ${r.result}`, { event: 'spec-applied', pool: r.name, result: r.result });
    const keep = new Set(parsed.pools.map((p) => p.spec.name));
    for (const name of c.manager.pools.keys()) {
      if (!keep.has(name)) {
        c.logger.info(`pool/${name} removed from the spec files: draining`, { event: 'pool-removed', pool: name });
        void c.manager.deletePool(name);
      }
    }
  } catch (e) {
    const lines = e instanceof SpecError ? e.issues.map(formatIssue) : [(e as Error).message];
    c.logger.error('spec edit rejected; the last good spec keeps running', { event: 'spec-rejected', errors: lines });
    const now = Date.now();
    for (const name of c.manager.pools.keys()) c.events.record(name, 'Warning', 'SpecRejected', lines.join('; '), now);
  }
}

function watchSpecs(paths: string[], onChange: () => void): FSWatcher[] {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, 250);
  };
  // Watch the folder, not the file: editors that save by rename would leave a file watch on the old inode.
  return paths.map((p) => {
    if (statSync(p).isDirectory()) return watch(p, { persistent: false }, fire);
    const name = basename(p);
    return watch(dirname(p), { persistent: false }, (_e, f) => {
      if (!f || f === name) fire();
    });
  });
}

function waitForSignal(c: RunningController, drain: boolean, watchers: FSWatcher[]): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (sig: string) => {
      if (stopping) return;
      stopping = true;
      c.logger.info(`${sig} received: stopping${drain ? ', removing idle runners' : ''}; busy runners are left to finish their job`, {
        event: 'stopping',
      });
      for (const w of watchers) w.close();
      c.stop({ drain }).then(resolve, resolve);
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
}
