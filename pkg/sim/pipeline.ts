// The REST request pipeline: reachability, faults, auth, conditional GETs, budget, GitHub's response headers.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { ghError, match, readBody, type Req, type Res, type Route } from './http.js';
import { consume, rulesFor } from './faults.js';
import type { Budget } from './rate-limit.js';

const D_RATE = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

export const tokenId = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 12);
const requestId = () => [4, 4, 6, 6, 8].map((n) => randomBytes(n / 2).toString('hex').toUpperCase()).join(':');

function credential(req: IncomingMessage): string | undefined {
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function send(res: ServerResponse, out: Res, extra: Record<string, string>): void {
  const headers: Record<string, string> = { ...extra, ...(out.headers ?? {}) };
  let payload = '';
  if (out.body !== undefined) {
    payload = JSON.stringify(out.body);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(out.status, headers);
  res.end(payload);
}

function rateHeaders(b: Budget): Record<string, string> {
  return {
    'x-ratelimit-limit': String(b.limit), 'x-ratelimit-remaining': String(b.remaining),
    'x-ratelimit-reset': String(Math.ceil(b.resetAt / 1000)), 'x-ratelimit-used': String(b.used), 'x-ratelimit-resource': 'core',
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function handleRest(ctx: SimContext, routes: Route[], req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (ctx.unreachable) { req.socket.destroy(); return; }
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const found = match(routes, method, path);
  const routeKey = found ? `${method} ${found.route.template}` : path === '/rate_limit' && method === 'GET' ? 'GET /rate_limit' : `${method} (unknown)`;
  const reqId = requestId();
  const base: Record<string, string> = { 'x-github-request-id': reqId, 'x-github-api-version-selected': '2022-11-28', 'x-github-media-type': 'github.v3; format=json' };
  const token = credential(req);
  const finish = (out: Res, extra: Record<string, string> = {}) => {
    ctx.counters.total++;
    const byStatus = (ctx.counters.byRoute[routeKey] ??= {});
    byStatus[out.status] = (byStatus[out.status] ?? 0) + 1;
    if (token) ctx.counters.byToken[tokenId(token)] = (ctx.counters.byToken[tokenId(token)] ?? 0) + 1;
    if (out.status === 304) ctx.counters.notModified++;
    send(res, out, { ...base, ...extra });
  };

  const rules = rulesFor(ctx.faults, routeKey);
  ctx.faults = consume(ctx.faults, rules);
  const latency = rules.reduce((s, r) => s + (r.latencyMs ?? 0), 0);
  if (latency > 0) await sleep(latency);
  if (ctx.unreachable) { req.socket.destroy(); return; }
  for (const r of rules) {
    if (r.errorRate && ctx.random() < r.errorRate) {
      const status = r.status ?? 500;
      const message = status === 500 ? 'Server Error' : status === 502 ? 'Server Error' : 'Service Unavailable';
      return finish(ghError(status, message));
    }
    if (r.secondaryRateLimit && ctx.random() < r.secondaryRateLimit.rate) {
      return finish(ghError(403, `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${reqId}.`, `${D_RATE}#about-secondary-rate-limits`),
        { 'retry-after': String(r.secondaryRateLimit.retryAfterSec) });
    }
  }

  const raw = await readBody(req);
  let body: unknown;
  try { body = raw ? JSON.parse(raw) : undefined; } catch { return finish(ghError(400, 'Problems parsing JSON')); }

  const isApp = path.startsWith('/app/');
  if (!isApp && (!token || !ctx.tokens.has(token))) return finish(ghError(401, 'Bad credentials'));
  const budgetKey = isApp ? `app:${path}` : token!;

  if (routeKey === 'GET /rate_limit') {
    // Reading the rate limit does not count against it.
    const b = ctx.budgets.peek(budgetKey);
    const rate = { limit: b.limit, remaining: b.remaining, reset: Math.ceil(b.resetAt / 1000), used: b.used, resource: 'core' };
    const search = { limit: 30, remaining: 30, reset: Math.ceil((ctx.clock() + 60_000) / 1000), used: 0, resource: 'search' };
    return finish({ status: 200, body: { resources: { core: rate, search }, rate } }, rateHeaders(b));
  }
  if (!found) return finish(ghError(404, 'Not Found'), rateHeaders(ctx.budgets.peek(budgetKey)));

  const exhausted = (b: Budget) => finish(
    ghError(403, `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID ${reqId}.`, `${D_RATE}#about-primary-rate-limits`),
    rateHeaders(b));
  const r: Req = { method, path, params: found.params, query: url.searchParams, body, headers: req.headers, token };

  if (method !== 'GET') {
    const before = ctx.budgets.peek(budgetKey);
    if (before.remaining <= 0) return exhausted(before);
    const out = await found.route.handler(r);
    return finish(out, rateHeaders(ctx.budgets.charge(budgetKey)));
  }
  const out = await found.route.handler(r);
  const etag = out.body !== undefined ? `W/"${createHash('sha256').update(JSON.stringify(out.body)).digest('hex').slice(0, 32)}"` : undefined;
  // A matching conditional GET is answered 304 and not charged, as GitHub does for authorized requests.
  if (etag && out.status === 200 && req.headers['if-none-match'] === etag) {
    return finish({ status: 304, headers: { etag } }, rateHeaders(ctx.budgets.peek(budgetKey)));
  }
  const b = ctx.budgets.peek(budgetKey);
  if (b.remaining <= 0) return exhausted(b);
  return finish({ ...out, headers: { ...(out.headers ?? {}), ...(etag ? { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization, Cookie, X-GitHub-OTP' } : {}) } },
    rateHeaders(ctx.budgets.charge(budgetKey)));
}
