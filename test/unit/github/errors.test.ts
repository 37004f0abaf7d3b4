import { PortError } from '../../../pkg/errors.js';
import { rateLimitFromHeaders, toGitHubError } from '../../../pkg/github/errors.js';

const NOW = 1_700_000_000_000;
const res = (headers: Record<string, string> = {}) => ({ headers, data: {} });

describe('toGitHubError', () => {
  test.each([
    ['500', { status: 500, message: 'Server Error', response: res() }, 'retryable', undefined],
    ['502', { status: 502, message: 'Bad Gateway', response: res() }, 'retryable', undefined],
    ['network (Octokit: 500 without a response)', { status: 500, message: 'fetch failed' }, 'unreachable', undefined],
    ['401', { status: 401, message: 'Bad credentials', response: res() }, 'terminal', undefined],
    ['403 permission', { status: 403, message: 'Resource not accessible by integration', response: res() }, 'terminal', undefined],
    ['403 primary rate limit', { status: 403, message: 'API rate limit exceeded', response: res({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 120) }) }, 'rate-limited', 120_000],
    ['403 secondary rate limit', { status: 403, message: 'You have exceeded a secondary rate limit', response: res({ 'retry-after': '30' }) }, 'rate-limited', 30_000],
    ['429 without headers', { status: 429, message: 'Too Many Requests', response: res() }, 'rate-limited', 60_000],
    ['404', { status: 404, message: 'Not Found', response: res() }, 'not-found', undefined],
    ['409', { status: 409, message: 'Already exists', response: res() }, 'conflict', undefined],
    ['422', { status: 422, message: 'Validation Failed', response: res() }, 'terminal', undefined],
  ])('%s', (_n, err, kind, retryAfterMs) => {
    const e = toGitHubError('GET /x', err, NOW);
    expect(e).toBeInstanceOf(PortError);
    expect(e.kind).toBe(kind);
    expect(e.retryAfterMs).toBe(retryAfterMs);
    expect(e.message).toMatch(/^GitHub GET \/x: /);
  });

  test('only the first line of a long GitHub message, nothing from the request', () => {
    const e = toGitHubError('POST /y', {
      status: 422,
      message: 'Invalid request.\n\nsecret details',
      response: res(),
      request: { headers: { authorization: 'token abc' }, body: '{"encoded_jit_config":"zzz"}' },
    });
    expect(e.message).toBe('GitHub POST /y: 422 Invalid request.');
  });
});

describe('rateLimitFromHeaders', () => {
  test('reads the x-ratelimit headers, reset in ms', () => {
    expect(
      rateLimitFromHeaders({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990', 'x-ratelimit-reset': '1700000000', 'x-ratelimit-used': '10' }),
    ).toEqual({ limit: 5000, remaining: 4990, resetAt: 1_700_000_000_000, used: 10 });
  });
  test('no headers (GHES with rate limiting off) is no state', () => {
    expect(rateLimitFromHeaders({ etag: 'x' })).toBeUndefined();
  });
});
