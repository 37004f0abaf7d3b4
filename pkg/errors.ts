/** Errors carry their kind so callers know whether to back off, give up, or skip. */
export const ErrorKind = {
  Retryable: 'retryable',
  Terminal: 'terminal',
  Busy: 'busy',
  NotFound: 'not-found',
  Conflict: 'conflict',
  RateLimited: 'rate-limited',
  Unreachable: 'unreachable',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export class PortError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PortError';
  }
}

export const isRetryable = (e: unknown): boolean =>
  e instanceof PortError ? e.kind === ErrorKind.Retryable || e.kind === ErrorKind.Unreachable : true;
