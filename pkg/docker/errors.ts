import { ErrorKind, PortError } from '../errors.js';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

interface EngineError {
  statusCode?: number;
  code?: string;
  reason?: string;
  json?: { message?: string } | null;
  message?: string;
}

/** The engine's own message, shortened; it never contains env values, but keep it bounded anyway. */
function engineMessage(e: EngineError): string {
  const m = e.json?.message ?? e.reason ?? e.message ?? 'unknown error';
  return String(m).replace(/\s+/g, ' ').slice(0, 200);
}

/** Maps a dockerode error to a PortError: 5xx retryable, 404 not-found, 409 conflict, no answer unreachable. */
export function toRuntimeError(op: string, err: unknown): PortError {
  if (err instanceof PortError) return err;
  const e = (err ?? {}) as EngineError;
  const status = e.statusCode;
  if (status === undefined) {
    const kind = e.code && UNREACHABLE_CODES.has(e.code) ? ErrorKind.Unreachable : ErrorKind.Retryable;
    return new PortError(kind, `docker ${op}: ${e.code ?? 'error'} ${engineMessage(e)}`);
  }
  const msg = `docker ${op}: ${status} ${engineMessage(e)}`;
  if (status === 404) return new PortError(ErrorKind.NotFound, msg, status);
  if (status === 409) return new PortError(ErrorKind.Conflict, msg, status);
  if (status >= 500) return new PortError(ErrorKind.Retryable, msg, status);
  return new PortError(ErrorKind.Terminal, msg, status);
}

export const isStatus = (err: unknown, status: number): boolean =>
  (err as EngineError | undefined)?.statusCode === status;
