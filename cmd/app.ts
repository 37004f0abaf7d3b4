import { createApp, startApiServer } from '../pkg/api/app.js';
import { createRuntimePort, parseDockerEndpoint } from '../pkg/docker/dockerode-port.js';
import type { RuntimePort } from '../pkg/docker/port.js';
import { createGitHubPort } from '../pkg/github/octokit-port.js';
import type { GitHubPort } from '../pkg/github/port.js';
import { createLogger, registerSecret, type Logger } from '../pkg/log/index.js';
import { createMetrics, type Metrics } from '../pkg/metrics/index.js';
import type { LoadedPool } from '../pkg/spec/index.js';
import type { ControllerSettings } from '../pkg/spec/types.js';
import { webhookRouter } from '../pkg/webhooks/handler.js';
import { createEventRecorder, type EventRecorder } from '../controllers/events.js';
import { Manager } from '../controllers/manager.js';
import { SpecStore } from '../controllers/spec-store.js';

/** Secrets resolved at the edge from their references; registered with the log redactor before any use. */
export interface ResolvedSecrets {
  githubToken?: string;
  githubAppKey?: string;
  webhookSecret?: string;
  apiToken?: string;
}

export interface ControllerOptions {
  settings: ControllerSettings;
  pools: LoadedPool[];
  secrets: ResolvedSecrets;
  logger?: Logger;
  /** Overrides for tests and the demo (otherwise built from settings). */
  github?: GitHubPort;
  runtime?: RuntimePort;
  /** web URL runners register against in token mode (github.com, GHES, or the simulator) */
  webBaseUrl?: string;
  clock?: () => number;
}

export interface RunningController {
  manager: Manager;
  metrics: Metrics;
  events: EventRecorder;
  logger: Logger;
  url: string;
  store?: SpecStore;
  stop(opts?: { drain?: boolean }): Promise<void>;
}

/** The web URL that matches an API URL: api.github.com -> github.com, GHES /api/v3 -> its host, else as is. */
export const webUrlFor = (apiUrl: string): string => {
  if (/^https:\/\/api\.github\.com\/?$/.test(apiUrl)) return 'https://github.com';
  return apiUrl.replace(/\/api\/v3\/?$/, '');
};

/** Wires ports, loops, API, webhooks, metrics and logs together and starts them. */
export async function startController(opts: ControllerOptions): Promise<RunningController> {
  const { settings, secrets } = opts;
  for (const s of Object.values(secrets)) if (s) registerSecret(s);
  const logger = opts.logger ?? createLogger({ level: settings.logLevel, structured: settings.structuredLogging });
  const metrics = createMetrics();
  const events = createEventRecorder();

  const github =
    opts.github ??
    createGitHubPort({
      baseUrl: settings.githubApiUrl,
      auth: settings.githubApp
        ? {
            kind: 'app',
            appId: settings.githubApp.appId,
            installationId: settings.githubApp.installationId,
            privateKeyPem: secrets.githubAppKey ?? '',
          }
        : { kind: 'token', token: secrets.githubToken ?? '' },
      onRequest: (r) => {
        metrics.githubRequest(r.route, r.status, r.notModified);
      },
      logger,
    });
  const runtime =
    opts.runtime ??
    createRuntimePort({
      ...parseDockerEndpoint(settings.dockerEndpoint),
      onOperation: (op, result) => metrics.dockerOperation(op, result === 'ok' ? 'success' : 'failure'),
    });

  const manager = new Manager({
    github,
    runtime,
    controllerId: settings.controllerId,
    webBaseUrl: opts.webBaseUrl ?? webUrlFor(settings.githubApiUrl),
    logger,
    events,
    metrics,
    registerSecret,
    clock: opts.clock,
    webhooks: !!secrets.webhookSecret,
    webhookPollSlowdown: 4,
  });
  manager.apply(opts.pools.map((p) => ({ spec: p.spec, hash: p.hash })));

  const store = settings.stateDir ? new SpecStore(settings.stateDir) : undefined;
  const webhook = secrets.webhookSecret
    ? webhookRouter({ secret: secrets.webhookSecret, onJob: (job) => manager.ingestJob(job), log: logger })
    : undefined;
  const app = createApp({
    manager,
    events,
    metrics,
    logger,
    apiToken: secrets.apiToken,
    store,
    runtime,
    github,
    clock: opts.clock,
    webhook: webhook && settings.webhook ? { path: settings.webhook.path, handler: webhook } : undefined,
  });
  const server = await startApiServer(app, settings.listen);
  // Jobs no pool can serve are counted across pools, so outside any one loop.
  const rateTimer = setInterval(() => manager.unmatchedJobs(), 2000);
  rateTimer.unref();
  manager.start();
  logger.info('controller started', {
    event: 'started',
    url: server.url,
    pools: opts.pools.map((p) => p.spec.name),
    github: settings.githubApiUrl,
    controllerId: settings.controllerId,
  });
  return {
    manager,
    metrics,
    events,
    logger,
    url: server.url,
    store,
    async stop(o = {}) {
      clearInterval(rateTimer);
      await manager.stop(o);
      await server.close();
      logger.info('controller stopped', { event: 'stopped', drained: !!o.drain });
    },
  };
}

