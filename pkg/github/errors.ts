import { ErrorKind, PortError } from '../errors.js';
import type { RateLimitState } from './port.js';

type Headers = Record<string, string | number | undefined>;

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Headers; data?: unknown };
}

/** The x-ratelimit-* headers as a state, or undefined when a response carries none (GHES with limits off). */
export function rateLimitFromHeaders(h: Headers | undefined): RateLimitState | undefined {
  if (!h || h['x-ratelimit-limit'] === undefined) return undefined;
  return {
    limit: Number(h['x-ratelimit-limit']),
    remaining: Number(h['x-ratelimit-remaining'] ?? 0),
    resetAt: Number(h['x-ratelimit-reset'] ?? 0) * 1000,
    used: Number(h['x-ratelimit-used'] ?? 0),
  };
}

/** How long a rate-limited response says to wait, or undefined if the response is not a rate limit. */
export function rateLimitWaitMs(status: number, h: Headers | undefined, message: string, now: number): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = h?.['retry-after'];
  if (retryAfter !== undefined && Number.isFinite(Number(retryAfter))) return Number(retryAfter) * 1000;
  if (h?.['x-ratelimit-remaining'] === '0' || h?.['x-ratelimit-remaining'] === 0) {
    return Math.max(0, Number(h['x-ratelimit-reset'] ?? 0) * 1000 - now);
  }
  if (status === 429 || /rate limit/i.test(message)) return 60_000;
  return undefined;
}

/**
 * Maps an Octokit error to a PortError. The message names the route and GitHub's own message only: never a header,
 * a body sent, or a URL with a query, so no credential can leak through it.
 */
export function toGitHubError(route: string, err: unknown, now = Date.now()): PortError {
  if (err instanceof PortError) return err;
  const e = (err ?? {}) as RequestErrorLike;
  const ghMessage = String(e.message ?? 'unknown error').split('\n')[0]!.slice(0, 200);
  const status = e.status;
  if (status === undefined || !e.response) {
    // No HTTP answer (Octokit reports fetch failures as status 500 without a response).
    return new PortError(ErrorKind.Unreachable, `GitHub ${route}: unreachable (${ghMessage})`);
  }
  const msg = `GitHub ${route}: ${status} ${ghMessage}`;
  const wait = rateLimitWaitMs(status, e.response.headers, ghMessage, now);
  if (wait !== undefined) return new PortError(ErrorKind.RateLimited, msg, status, wait);
  if (status === 401 || status === 403) return new PortError(ErrorKind.Terminal, msg, status);
  if (status === 404) return new PortError(ErrorKind.NotFound, msg, status);
  if (status === 409) return new PortError(ErrorKind.Conflict, msg, status);
  if (status === 422) return new PortError(ErrorKind.Terminal, msg, status);
  if (status >= 500) return new PortError(ErrorKind.Retryable, msg, status);
  return new PortError(ErrorKind.Terminal, msg, status);
}
