// startSimulator: the GitHub simulator (REST, job engine, webhooks, faults) plus its private runner and control routes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine, type JobEventAction } from './engine.js';
import { Budgets } from './rate-limit.js';
import { WebhookSender } from './webhooks.js';
import { idFor, newCounters, type AppConfig, type SimContext } from './context.js';
import { restRoutes } from './rest-routes.js';
import { runnerRoutes } from './runner-routes.js';
import { controlRoutes } from './control-routes.js';
import { handleRest } from './pipeline.js';
import { match, readBody } from './http.js';
import { makeRandom } from './prng.js';
import { jobShape, repoShape, userShape } from './shapes.js';
import { SimControl } from './control-client.js';
import type { SimJob } from './model.js';

export { SimControl } from './control-client.js';
export { signPayload } from './signature.js';
export { FakeRunner } from './fake-runner.js';

export interface SimOptions {
  host?: string;
  port?: number;
  tokens?: string[];
  hourlyBudget?: number;
  /** A connected runner that is silent this long goes offline (default 30 s). */
  heartbeatTimeoutMs?: number;
  webhooks?: { url: string; secret: string }[];
  apps?: AppConfig[];
  /** org -> repositories; when set, other owners and repositories answer 404. */
  orgs?: Record<string, string[]>;
  registrationTokenTtlMs?: number;
  /** Seed for fault injection randomness. */
  seed?: number;
}

export interface Simulator { url: string; control: SimControl; close(): Promise<void> }

export async function startSimulator(opts: SimOptions = {}): Promise<Simulator> {
  const clock = () => Date.now();
  const random = makeRandom(opts.seed ?? 1);
  const webhooks = new WebhookSender(opts.webhooks ?? [], random);
  const ctx = {} as SimContext;
  const onJob = (action: JobEventAction, job: SimJob) => {
    const owner = job.repository.split('/')[0];
    const repository = repoShape(ctx.url, job.repository, idFor(ctx, `repo:${job.repository}`), idFor(ctx, `owner:${owner}`));
    webhooks.emit('workflow_job', job.id, { action, workflow_job: jobShape(ctx.url, job), repository, sender: userShape(ctx.url, 'sim-bot', 1, 'User') },
      { type: 'repository', id: repository.id });
  };
  const engine = new Engine(clock, opts.heartbeatTimeoutMs ?? 30_000, onJob);
  Object.assign(ctx, {
    url: '', clock, random, engine, webhooks, budgets: new Budgets(opts.hourlyBudget ?? 5000, clock),
    tokens: new Set(opts.tokens ?? ['sim-token']), apps: opts.apps ?? [], orgs: opts.orgs, regTokens: new Map(),
    registrationTokenTtlMs: opts.registrationTokenTtlMs ?? 3_600_000, jitSecrets: new Map(), faults: [], unreachable: false,
    counters: newCounters(), ids: new Map(),
  } satisfies SimContext);

  const resetAll = () => {
    engine.reset();
    engine.heartbeatTimeoutMs = opts.heartbeatTimeoutMs ?? 30_000;
    ctx.budgets.reset();
    webhooks.reset();
    ctx.regTokens.clear(); ctx.jitSecrets.clear();
    ctx.faults = []; ctx.unreachable = false; ctx.counters = newCounters();
    ctx.tokens = new Set(opts.tokens ?? ['sim-token']);
  };
  const rest = restRoutes(ctx);
  const priv = [...runnerRoutes(ctx), ...controlRoutes(ctx, resetAll)];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (!url.pathname.startsWith('/_sim/')) return handleRest(ctx, rest, req, res, url);
    const found = match(priv, req.method ?? 'GET', url.pathname);
    const raw = await readBody(req);
    const m = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const out = found
      ? await found.route.handler({ method: req.method!, path: url.pathname, params: found.params, query: url.searchParams,
        body: raw ? JSON.parse(raw) : undefined, headers: req.headers, token: m?.[1] })
      : { status: 404, body: { message: 'Not Found' } };
    res.writeHead(out.status, out.body !== undefined ? { 'content-type': 'application/json' } : {});
    res.end(out.body !== undefined ? JSON.stringify(out.body) : '');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Server Error' }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  ctx.url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  const sweeper = setInterval(() => engine.sweep(), Math.max(20, Math.min(1000, engine.heartbeatTimeoutMs / 4)));
  sweeper.unref();

  return {
    url: ctx.url,
    control: new SimControl(ctx.url),
    close: async () => {
      clearInterval(sweeper);
      engine.close();
      await webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
