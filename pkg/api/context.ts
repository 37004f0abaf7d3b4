import type { RequestHandler } from 'express';
import type { EventRecorder } from '../../controllers/events.js';
import type { Manager } from '../../controllers/manager.js';
import type { PoolController } from '../../controllers/pool-controller.js';
import type { SpecStore } from '../../controllers/spec-store.js';
import type { RuntimePort } from '../docker/port.js';
import type { GitHubPort } from '../github/port.js';
import { badRequest, notFound } from './errors.js';

export interface ApiLogger {
  debug(msg: string, meta?: object): void;
  info(msg: string, meta?: object): void;
  warn(msg: string, meta?: object): void;
}

export interface ApiOptions {
  manager: Manager;
  /** recent events per pool, shown by GET /api/v1/pools/{name} */
  events?: Pick<EventRecorder, 'list'>;
  /** served at /metrics and /api/v1/metrics */
  metrics?: { text(): Promise<string>; readonly contentType: string };
  logger?: ApiLogger;
  /** bearer token for mutating routes; without one, mutations are refused */
  apiToken?: string;
  /** where PUT /api/v1/pools/{name} persists specs so a restart keeps them */
  store?: SpecStore;
  runtime: RuntimePort;
  github: GitHubPort;
  clock?: () => number;
  /** GitHub webhook receiver, mounted before any body parser so it sees the raw body its signature covers */
  webhook?: { path: string; handler: RequestHandler };
}

export interface ApiContext extends ApiOptions {
  now(): number;
}

const POOL_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const checkPoolName = (name: string): string => {
  if (!POOL_NAME.test(name))
    throw badRequest(`"${name}" is not a pool name`, [{ path: 'name', message: 'must be lowercase letters, digits and dashes (1-63)' }]);
  return name;
};

export const poolOr404 = (ctx: ApiContext, name: string): PoolController => {
  const pool = ctx.manager.get(checkPoolName(name));
  if (!pool) throw notFound(`pool "${name}" not found; GET /api/v1/pools (shghar get pools) lists them`);
  return pool;
};

/** Query flags: `?force`, `?force=true`, `?force=1` are true; `false`/`0` false; anything else is bad input. */
export const flag = (v: unknown, name: string): boolean => {
  if (v === undefined) return false;
  if (v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badRequest(`query parameter ${name} must be true or false`, [{ path: name, message: 'must be true or false' }]);
};

export const intParam = (v: unknown, name: string, min: number, max: number, fallback: number): number => {
  if (v === undefined || v === null) return fallback;
  const s = String(v);
  const n = Number(s);
  if (!/^-?[0-9]+$/.test(s) || !Number.isSafeInteger(n) || n < min || n > max)
    throw badRequest(`${name} must be an integer from ${min} to ${max}`, [{ path: name, message: `must be an integer from ${min} to ${max}` }]);
  return n;
};

export const iso = (ms: number | undefined | null): string | null => (ms === undefined || ms === null ? null : new Date(ms).toISOString());
