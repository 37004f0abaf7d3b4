import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRuntimePort } from '../pkg/docker/dockerode-port.js';
import { createLogger } from '../pkg/log/index.js';
import { startSimulator } from '../pkg/sim/index.js';
import { defaultControllerSettings, parseSpecText } from '../pkg/spec/index.js';
import { poolView } from '../controllers/status.js';
import { startController } from './app.js';

const HELP = `Usage: shghar demo [--duration 90s] [--port 8080]

Runs the whole product on this machine with nothing but Docker: the built-in GitHub simulator, the controller with
an example pool, fake-runner containers on the local Docker engine, and a sample workload. Shows the pool scaling
live, then drains and cleans up.`;

const DEMO_SPEC = `apiVersion: shghar.io/v1
kind: RunnerPool
metadata:
  name: demo
spec:
  repository: demo-org/demo-app
  runner:
    image: shghar-fake-runner:test
    labels: [self-hosted, linux, x64]
    namePrefix: demo-
    network: host
  scaling:
    policy: demand
    min: 2
    max: 8
    idleTimeout: 15s
    pollInterval: 5s
  graces:
    registration: 30s
    orphan: 1m
    start: 30s
`;

const WORKLOAD: { at: number; jobs: number; durationMs: number }[] = [
  { at: 4_000, jobs: 5, durationMs: 10_000 },
  { at: 16_000, jobs: 4, durationMs: 8_000 },
  { at: 30_000, jobs: 1, durationMs: 5_000 },
];

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { duration: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const durationMs = values.duration ? parseSeconds(values.duration) : 75_000;
  const runtime = createRuntimePort();
  try {
    const v = await runtime.ping();
    say(`Docker engine ${v.version} reachable`);
  } catch {
    process.stderr.write(
      'error: no Docker engine answers on /var/run/docker.sock.\n' +
        'Start one (e.g. `sudo systemctl start docker`, or `sudo dockerd &`) and run `npm start` again.\n',
    );
    return 1;
  }
  say('building the fake-runner image locally (no registry needed)...');
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-test-images.mjs', import.meta.url))], {
    stdio: 'inherit',
  });

  const apiPort = values.port ? Number(values.port) : await freePort();
  const secret = `demo-${Math.random().toString(36).slice(2)}`;
  const webhookUrl = `http://127.0.0.1:${apiPort}/webhooks/github`;
  const sim = await startSimulator({ tokens: ['demo-token'], webhooks: [{ url: webhookUrl, secret }] });
  say(`GitHub simulator on ${sim.url}`);

  const parsed = parseSpecText(DEMO_SPEC, 'demo.yaml');
  const settings = {
    ...defaultControllerSettings(),
    githubApiUrl: sim.url,
    listen: { host: '127.0.0.1', port: apiPort },
    controllerId: 'demo',
    webhook: { path: '/webhooks/github', secretRef: 'env:unused' },
  };
  const logger = createLogger({ level: 'warn', structured: false });
  const c = await startController({
    settings,
    pools: parsed.pools,
    secrets: { githubToken: 'demo-token', webhookSecret: secret },
    logger,
    runtime,
    webBaseUrl: sim.url,
  });
  say(`controller API on ${c.url}  (try: curl ${c.url}/status  or  shghar get runners --server ${c.url})`);
  say(`pool "demo": min 2, max 8, demand policy; ${WORKLOAD.reduce((n, w) => n + w.jobs, 0)} jobs arrive over the first 30 s\n`);

  const started = Date.now();
  const timers = WORKLOAD.map((w) =>
    setTimeout(async () => {
      for (let i = 0; i < w.jobs; i++)
        await sim.control.enqueueJob({ repository: 'demo-org/demo-app', labels: ['self-hosted', 'linux'], durationMs: w.durationMs });
      say(`  +${w.jobs} job(s) queued`);
    }, w.at),
  );
  let stop = false;
  const onSig = () => (stop = true);
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  while (!stop && Date.now() - started < durationMs) {
    await new Promise((r) => setTimeout(r, 1000));
    const pool = c.manager.get('demo');
    if (!pool) break;
    const v = poolView(pool, Date.now());
    const jobs = (await sim.control.state()).jobs;
    const done = jobs.filter((j) => j.status === 'completed').length;
    say(
      `t+${String(Math.round((Date.now() - started) / 1000)).padStart(3)}s  desired ${String(v.desired).padStart(2)}  ` +
        `busy ${v.observed.busy}  idle ${v.observed.idle}  starting ${v.observed.starting}  ` +
        `queued ${jobs.filter((j) => j.status === 'queued').length}  done ${done}/${jobs.length}` +
        (v.held_actions.length ? `  held: ${v.held_actions[0].guard}` : ''),
    );
  }
  for (const t of timers) clearTimeout(t);
  say('\nstopping: draining idle runners and removing the demo containers...');
  await c.stop({ drain: true });
  for (const ct of await runtime.list({ 'io.shghar.controller-id': 'demo' })) await runtime.remove(ct.id);
  await sim.close();
  say('done.');
  return 0;
}

const say = (line: string) => process.stdout.write(line + '\n');
const parseSeconds = (v: string): number => {
  const m = /^(\d+)(s|m)?$/.exec(v);
  if (!m) throw new Error(`--duration: expected e.g. 90s or 2m, got ${v}`);
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
};
