import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import winston from 'winston';
import { redact } from './redact.js';

export type Logger = winston.Logger;

export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level: string;
  /** JSON lines when true; a readable one-line console format when false. */
  structured: boolean;
  /** Where lines go; stdout when omitted. */
  stream?: NodeJS.WritableStream;
}

/** Fields every line may carry, in the order the console format prints them first. */
const CONTEXT_KEYS = ['pool', 'reconcileId'] as const;

/** Scrubs message and every meta field (including nested Errors) before any formatter sees them. */
const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    (info as Record<string, unknown>)[key] = redact((info as Record<string, unknown>)[key]);
  }
  return info;
});

const consoleLine = winston.format.printf((info) => {
  const { timestamp, level, message, ...rest } = info as Record<string, unknown>;
  const context = CONTEXT_KEYS.map((k) => rest[k])
    .filter((v) => v !== undefined)
    .join('/');
  for (const k of CONTEXT_KEYS) delete rest[k];
  const stack = typeof rest.stack === 'string' ? `\n${rest.stack}` : '';
  delete rest.stack;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${String(level).padEnd(5)} ${context ? `[${context}] ` : ''}${String(message)}${
    fields ? ` ${fields}` : ''
  }${stack}`;
});

export function createLogger(opts: LoggerOptions): Logger {
  const level = opts.level.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`unknown log level "${opts.level}"; use one of ${LOG_LEVELS.join(', ')}`);
  }
  const transport = opts.stream
    ? new winston.transports.Stream({ stream: opts.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level,
    levels: winston.config.npm.levels,
    format: winston.format.combine(
      // Errors passed as the meta argument keep their message and stack.
      winston.format.errors({ stack: true }),
      redactFormat(),
      winston.format.timestamp(),
      opts.structured ? winston.format.json() : consoleLine,
    ),
    transports: [transport],
  });
}

/** Short random id that ties together every line one reconcile tick wrote. */
export const newReconcileId = (): string => randomBytes(6).toString('hex');

/** Logging options from the environment (`LOG_LEVEL`, `LOG_FORMAT=json|console`), read once at the edge. */
export function logOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { level: string; structured: boolean } = { level: 'info', structured: true },
): { level: string; structured: boolean } {
  const level = env.LOG_LEVEL?.trim() || defaults.level;
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  const structured = format === 'json' ? true : format === 'console' || format === 'text' ? false : defaults.structured;
  return { level, structured };
}
