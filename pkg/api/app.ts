import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import swaggerUi from 'swagger-ui-express';
import { statusRoutes } from './classic.js';
import type { ApiContext, ApiOptions } from './context.js';
import { errorHandler, unknownRoute } from './errors.js';
import { loadOpenApi } from './openapi.js';
import { poolRoutes } from './pools.js';
import { runnerRoutes } from './runners.js';

export type { ApiOptions } from './context.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** The REST API: classic endpoints, pools (server-side apply), runners, status, metrics and the OpenAPI docs. */
export function createApp(opts: ApiOptions): express.Application {
  const ctx: ApiContext = { ...opts, now: () => (opts.clock ?? Date.now)() };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Before any body parser: the webhook's signature covers the raw body.
  if (opts.webhook) app.use(opts.webhook.path, opts.webhook.handler);
  app.use(express.json({ limit: '1mb' }));
  app.use(express.text({ type: YAML_TYPES, limit: '1mb' }));
  app.use((req, _res, next) => {
    opts.logger?.debug('api request', { event: 'api-request', method: req.method, path: req.path });
    next();
  });

  const doc = loadOpenApi();
  app.get('/openapi.json', (_req, res) => void res.json(doc));
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(doc, { customSiteTitle: 'shghar API' }));

  app.use(statusRoutes(ctx));
  app.use(poolRoutes(ctx));
  app.use(runnerRoutes(ctx));
  app.use(unknownRoute);
  app.use(errorHandler(opts.logger));
  return app;
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 unless told otherwise; port 0 picks a free port (see `url`). */
export function startApiServer(app: express.Application, opts: { host?: string; port: number }): Promise<ApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({
        url: `http://${shown}:${port}`,
        close: () =>
          new Promise<void>((res, rej) => {
            server.closeAllConnections();
            server.close((e) => (e ? rej(e) : res()));
          }),
      });
    });
  });
}
