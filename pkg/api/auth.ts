import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ApiError, ErrorCode } from './errors.js';

/** Digests first so both sides have the same length: timingSafeEqual then leaks neither content nor length. */
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export const tokenMatches = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

const bearerOf = (req: Request): string | undefined => {
  const h = req.get('authorization');
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : '';
};

/** True when the request carries the API token (used to decide how much a read may show). */
export const isAuthorized = (req: Request, apiToken: string | undefined): boolean => {
  const given = bearerOf(req);
  return !!apiToken && !!given && tokenMatches(given, apiToken);
};

/**
 * Guards mutating routes: 401 without a bearer token, 403 with a wrong one. With no token configured, mutations
 * are refused outright rather than left open.
 */
export function requireToken(apiToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    // Without a configured token no bearer can be right: say how to enable mutations rather than ask for a token.
    if (!apiToken)
      return next(
        new ApiError(403, ErrorCode.Forbidden, 'mutating routes are disabled: no API token configured; start the controller with --api-token env:NAME (or Controller spec.apiToken) and pass the same token with --token or SHGHAR_TOKEN'),
      );
    const given = bearerOf(req);
    if (given === undefined || given === '')
      return next(new ApiError(401, ErrorCode.Unauthorized, 'missing bearer token: send "Authorization: Bearer <token>" (CLI: --token or SHGHAR_TOKEN)'));
    if (!tokenMatches(given, apiToken)) return next(new ApiError(403, ErrorCode.Forbidden, 'the bearer token is not valid for this controller'));
    next();
  };
}
