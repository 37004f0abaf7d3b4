import { randomBytes } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { createAppAuth } from '@octokit/auth-app';
import Bottleneck from 'bottleneck';
import type { Scope } from '../spec/types.js';
import { ErrorKind } from '../errors.js';
import type { DeleteResult, GitHubPort, Job, RateLimitState, Registration } from './port.js';
import { rateLimitFromHeaders, toGitHubError } from './errors.js';
import { EtagCache } from './etag-cache.js';
import { createJobLister } from './list-jobs.js';
import { runnerGroupOf, scopePath } from './scope-path.js';

export type GitHubAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number; installationId: number; privateKeyPem: string };

export interface PortLogger {
  warn(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  debug(msg: string, meta?: Record<string, unknown>): void;
}

export interface RequestInfo {
  /** Route template, e.g. `GET /repos/{owner}/{repo}/actions/runners` (low cardinality, no ids). */
  route: string;
  /** HTTP status; 0 when GitHub was not reached. */
  status: number;
  notModified: boolean;
  durationMs: number;
}

export interface GitHubPortOptions {
  /** https://api.github.com, a GHES `https://host/api/v3`, or the simulator's url. */
  baseUrl: string;
  auth: GitHubAuth;
  onRequest?: (info: RequestInfo) => void;
  logger?: PortLogger;
  /** Primary rate limit: wait for the reset only if it is at most this far away, else fail fast. Default 30 s. */
  maxRateLimitWaitMs?: number;
  /** Secondary rate limit: retries after `retry-after`. Default 2. */
  secondaryRateLimitRetries?: number;
  /** Retries of 5xx and network errors. Default 2. */
  retries?: number;
  /** Back-off base: retry n waits n² × this. Default 1000 ms. */
  retryBaseMs?: number;
  /** Spacing between writes (POST/DELETE), as GitHub asks of integrations. Default 1000 ms; 0 = no spacing. */
  writeSpacingMs?: number;
  /** Pages (of 100) of queued / in-progress workflow runs read per repository. Default 3. */
  maxRunPages?: number;
  /** Organization scope: repositories polled per listJobs call (a rotating cursor covers the rest). Default 20. */
  orgRepoBudget?: number;
  /** Concurrent job-list requests within one listJobs call. Default 4. */
  concurrency?: number;
  /** Each HTTP attempt gives up after this long (a GitHub that never answers must not freeze the loop). Default 30 s. */
  requestTimeoutMs?: number;
}

const ThrottledOctokit = Octokit.plugin(throttling, retry);

/** fetch with a per-attempt deadline; an abort surfaces as a network error (unreachable, retried). */
const timedFetch =
  (timeoutMs: number): typeof fetch =>
  (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    // AbortSignal.any is Node 20.3+; no caller here passes a signal of its own, so the deadline alone is kept then.
    const signal = init?.signal && typeof AbortSignal.any === 'function' ? AbortSignal.any([init.signal, deadline]) : (init?.signal ?? deadline);
    return fetch(input, { ...init, signal });
  };
type Client = InstanceType<typeof ThrottledOctokit>;

const silent: PortLogger = { warn: () => undefined, info: () => undefined, debug: () => undefined };

/** The GitHubPort on Octokit: throttled, retried, conditional GETs, errors as PortErrors. */
export function createGitHubPort(opts: GitHubPortOptions): GitHubPort {
  const log = opts.logger ?? silent;
  const maxWait = opts.maxRateLimitWaitMs ?? 30_000;
  const secondaryRetries = opts.secondaryRateLimitRetries ?? 2;
  const spacing = opts.writeSpacingMs ?? 1000;
  const etags = new EtagCache();
  let lastRateLimit: RateLimitState | undefined;

  const octokit: Client = new ThrottledOctokit({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    userAgent: 'shghar',
    ...(opts.auth.kind === 'token'
      ? { auth: opts.auth.token }
      : {
          authStrategy: createAppAuth,
          auth: { appId: opts.auth.appId, privateKey: opts.auth.privateKeyPem, installationId: opts.auth.installationId },
        }),
    request: { fetch: timedFetch(opts.requestTimeoutMs ?? 30_000) },
    // Octokit's own log lines may carry request objects: keep only their text, at debug.
    log: { debug: () => undefined, info: () => undefined, warn: (m: unknown) => log.debug(String(m)), error: (m: unknown) => log.debug(String(m)) },
    retry: { retries: opts.retries ?? 2, retryAfterBaseValue: opts.retryBaseMs ?? 1000, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    throttle: {
      id: `shghar-${randomBytes(6).toString('hex')}`,
      write: new Bottleneck.Group({ maxConcurrent: spacing > 0 ? 1 : 10, minTime: spacing }),
      onRateLimit: (retryAfterS: number, o: { method: string; url: string }, _k: unknown, retryCount: number) => {
        const wait = retryAfterS * 1000;
        const ok = retryCount < 1 && wait <= maxWait;
        log.warn(ok ? 'GitHub rate limit reached; waiting for the reset' : 'GitHub rate limit reached; failing fast', {
          route: `${o.method} ${o.url}`,
          retryAfterMs: wait,
        });
        return ok;
      },
      onSecondaryRateLimit: (retryAfterS: number, o: { method: string; url: string }, _k: unknown, retryCount: number) => {
        // A long pause is not waited out inside the request: that would freeze the pool's loop for as long.
        const ok = retryCount < secondaryRetries && retryAfterS * 1000 <= maxWait;
        log.warn('GitHub secondary rate limit', { route: `${o.method} ${o.url}`, retryAfterMs: retryAfterS * 1000, retrying: ok });
        return ok;
      },
    },
  });

  // Outermost hook (added last): conditional GETs, rate-limit state, and one report per logical request.
  octokit.hook.wrap('request', async (request, options) => {
    const t0 = performance.now();
    const route = `${options.method} ${options.url}`;
    const key = options.method === 'GET' ? octokit.request.endpoint.parse(options).url : undefined;
    const cached = key ? etags.get(key) : undefined;
    // Hooks are bound to this options object, so the header goes in by mutation; a fresh headers object keeps a
    // pager's shared one clean.
    if (cached) options.headers = { ...options.headers, 'if-none-match': cached.etag };
    const report = (status: number, notModified = false) =>
      opts.onRequest?.({ route, status, notModified, durationMs: performance.now() - t0 });
    try {
      const res = await request(options);
      lastRateLimit = rateLimitFromHeaders(res.headers as Record<string, string>) ?? lastRateLimit;
      const etag = res.headers.etag;
      if (key && etag) etags.set(key, { etag, status: res.status, url: res.url, headers: { ...res.headers }, data: res.data });
      report(res.status);
      return res;
    } catch (err) {
      const e = err as { status?: number; response?: { headers?: Record<string, string> } };
      lastRateLimit = rateLimitFromHeaders(e.response?.headers) ?? lastRateLimit;
      if (e.status === 304 && cached) {
        report(304, true);
        return { status: 200, url: cached.url, headers: { ...cached.headers, ...e.response?.headers }, data: cached.data } as never;
      }
      report(e.response ? (e.status ?? 0) : 0);
      throw err;
    }
  });

  async function call<T>(route: string, params: Record<string, unknown>): Promise<T> {
    try {
      return (await octokit.request(route, params)).data as T;
    } catch (err) {
      throw toGitHubError(route, err);
    }
  }

  /**
   * Page-number pagination by hand rather than octokit.paginate, whose follow-up requests lose the route template
   * (needed for low-cardinality metrics and error messages). Stops at the last page or after `maxPages`.
   */
  async function pages<T>(route: string, params: Record<string, unknown>, maxPages: number): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; page <= maxPages; page++) {
      let res: { data: unknown; headers: Record<string, unknown> };
      try {
        res = await octokit.request(route, { ...params, page });
      } catch (err) {
        throw toGitHubError(route, err);
      }
      out.push(...itemsOf<T>(res.data));
      if (!/rel="next"/.test(String(res.headers.link ?? ''))) break;
    }
    return out;
  }

  const listJobs = createJobLister(
    { pages },
    { maxRunPages: opts.maxRunPages ?? 3, orgRepoBudget: opts.orgRepoBudget ?? 20, concurrency: opts.concurrency ?? 4 },
  );

  return {
    async listRegistrations(scope: Scope): Promise<Registration[]> {
      const { prefix, params } = scopePath(scope);
      const runners = await pages<RawRunner>(`GET ${prefix}/actions/runners`, { ...params, per_page: 100 }, 100);
      return runners.map(toRegistration);
    },

    async createJitConfig(scope, req) {
      const { prefix, params } = scopePath(scope);
      const data = await call<{ runner: RawRunner; encoded_jit_config: string }>(
        `POST ${prefix}/actions/runners/generate-jitconfig`,
        {
          ...params,
          name: req.name,
          runner_group_id: runnerGroupOf(scope, req.runnerGroupId),
          labels: req.labels,
          work_folder: req.workFolder ?? '_work',
        },
      );
      return { runner: toRegistration(data.runner), encodedJitConfig: data.encoded_jit_config };
    },

    async createRegistrationToken(scope) {
      const { prefix, params } = scopePath(scope);
      const data = await call<{ token: string; expires_at: string }>(`POST ${prefix}/actions/runners/registration-token`, params);
      return { token: data.token, expiresAt: Date.parse(data.expires_at) };
    },

    async deleteRegistration(scope, runnerId): Promise<DeleteResult> {
      const { prefix, params } = scopePath(scope);
      try {
        await call(`DELETE ${prefix}/actions/runners/{runner_id}`, { ...params, runner_id: runnerId });
        return 'deleted';
      } catch (err) {
        const e = err as { kind?: string; status?: number };
        if (e.status === 422) return 'busy';
        if (e.kind === ErrorKind.NotFound) return 'not-found';
        throw err;
      }
    },

    listJobs: (scope: Scope): Promise<Job[]> => listJobs(scope),

    rateLimit: () => (lastRateLimit ? { ...lastRateLimit } : undefined),
  };
}

/** A list endpoint answers an array, or `{ total_count, <items>: [...] }`. */
function itemsOf<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  const arr = Object.values((data ?? {}) as Record<string, unknown>).find(Array.isArray);
  return (arr ?? []) as T[];
}

interface RawRunner {
  id: number;
  name: string;
  status: string;
  busy: boolean;
  labels: { name: string }[];
}

const toRegistration = (r: RawRunner): Registration => ({
  id: r.id,
  name: r.name,
  status: r.status === 'online' ? 'online' : 'offline',
  busy: !!r.busy,
  labels: (r.labels ?? []).map((l) => l.name),
});
