import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { SpecIssue } from '../spec/errors.js';

/** Stable error codes of the API; clients (and the CLI) switch on these, never on messages. */
export const ErrorCode = {
  BadRequest: 'bad-request',
  InvalidSpec: 'invalid-spec',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not-found',
  Conflict: 'conflict',
  Busy: 'busy',
  AtMax: 'at-max',
  Unavailable: 'unavailable',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetail {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** An error the API answers with as `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) => new ApiError(400, ErrorCode.BadRequest, message, details);
export const notFound = (message: string) => new ApiError(404, ErrorCode.NotFound, message);
export const conflict = (message: string, code: ErrorCode = ErrorCode.Conflict) => new ApiError(409, code, message);
export const unavailable = (message: string) => new ApiError(503, ErrorCode.Unavailable, message);

/** Spec issues as error details: the field path, and the line/column when the body was YAML with positions. */
export const issueDetails = (issues: SpecIssue[]): ErrorDetail[] =>
  issues.map((i) => ({
    path: i.path,
    message: i.message,
    ...(i.line > 0 ? { line: i.line, column: i.column } : {}),
  }));

export const body = (e: ApiError) => ({ error: { code: e.code, message: e.message, details: e.details } });

export const unknownRoute: RequestHandler = (req, _res, next) =>
  next(new ApiError(404, ErrorCode.NotFound, `no route ${req.method} ${req.path}; see /docs`));

type BodyError = { type?: string; status?: number; expose?: boolean };

/** The body parser's refusals of a Content-Encoding or charset it cannot decode (they were answered 500). */
const unsupportedBody = (err: unknown): boolean =>
  !!err && typeof err === 'object' && ['encoding.unsupported', 'charset.unsupported'].includes((err as BodyError).type ?? '');

/** Any other client error the body parser raised (aborted, bad length, deflate errors): the client's fault, a 400. */
const clientBodyError = (err: unknown): boolean => {
  const e = err as BodyError;
  return !!e && typeof e === 'object' && e.expose === true && typeof e.status === 'number' && e.status >= 400 && e.status < 500;
};

/** Turns anything thrown into the stable JSON shape; internal messages are logged, not returned. */
export function errorHandler(log?: { warn(m: string, meta?: object): void }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err && typeof err === 'object' && (err as { type?: string }).type === 'entity.parse.failed')
      e = badRequest(`request body is not valid JSON: ${(err as Error).message}`);
    else if (err && typeof err === 'object' && (err as { type?: string }).type === 'entity.too.large')
      e = new ApiError(413 as number, ErrorCode.BadRequest, 'request body is too large (limit 1 MB)');
    else if (unsupportedBody(err)) e = new ApiError(415, ErrorCode.BadRequest, `${(err as Error).message}; send the body uncompressed in UTF-8`);
    else if (clientBodyError(err)) e = badRequest(`the request body could not be read: ${(err as Error).message}`);
    else {
      log?.warn('api request failed', { event: 'api-error', method: req.method, path: req.path, error: String((err as Error)?.message ?? err) });
      e = new ApiError(500, ErrorCode.Internal, 'internal error; see the controller log');
    }
    res.status(e.status).json(body(e));
  };
}
