/**
 * Redaction for anything that may reach a log line, an API response or an error message.
 * Two layers: values registered at the edge (tokens, JIT configs, webhook secrets, private keys) are scrubbed wherever
 * they appear, and fields whose key names a secret are blanked whatever their value.
 */

export const REDACTED = '[REDACTED]';

/** Shorter values would scrub ordinary words; real credentials are far longer. */
const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();
/** Longest first, so a secret that contains another is replaced whole. */
let ordered: string[] = [];

/** Register a credential value so it is scrubbed from every string that passes through `redact`. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  if (trimmed.length < MIN_SECRET_LENGTH) return;
  // The same value may travel encoded (URLs, env strings, JSON); scrub the usual spellings too.
  const variants = [trimmed, encodeURIComponent(trimmed), JSON.stringify(trimmed).slice(1, -1)];
  if (trimmed !== value) variants.push(value);
  let changed = false;
  for (const v of variants) {
    if (!secrets.has(v)) {
      secrets.add(v);
      changed = true;
    }
  }
  if (changed) ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** Number of registered secret spellings (for diagnostics; never the values). */
export const registeredSecretCount = (): number => secrets.size;

/** Key names whose values are secrets. Compared lower-case with `-`, `_` and `.` removed. */
const SECRET_KEY = /(token|secret|password|passwd|authorization|privatekey|jitconfig|apikey|cookie|credential)/;
/** References to where a secret lives (`env:GITHUB_TOKEN`) are not secrets, and are useful in status. */
const REFERENCE_KEY = /(ref|refs|expiresat|count|ttl)$/;

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_.]/g, '');
  return SECRET_KEY.test(k) && !REFERENCE_KEY.test(k);
}

const STRING_PATTERNS: Array<[RegExp, string]> = [
  // PEM blocks (GitHub App private keys).
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
  // GitHub token formats (classic, OAuth, app installation, user-to-server, refresh, fine-grained).
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
  // Authorization header values.
  [/\b(bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi, `$1 ${REDACTED}`],
  // Environment strings such as `ACTIONS_RUNNER_INPUT_JITCONFIG=...` or `GITHUB_TOKEN=...`.
  [/\b([A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD|JITCONFIG|PRIVATE_KEY)[A-Z0-9_]*)=([^\s"',;]+)/g, `$1=${REDACTED}`],
  // JSON text with a secret-named field: `"token":"..."`, `"encoded_jit_config": "..."`.
  [
    /("(?:[A-Za-z_]*(?:token|secret|password|jitconfig|jit_config|authorization|private_key|privateKey))"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
];

export function redactString(s: string): string {
  let out = s;
  for (const secret of ordered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 12;

/**
 * A redacted deep copy: strings scrubbed, secret-named fields blanked, Errors turned into plain objects
 * (name, message, stack and their own fields, all scrubbed). Cycles become `[Circular]`.
 */
export function redact<T>(value: T): T {
  return walk(value, 0, new WeakSet()) as T;
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return errorToObject(value, depth, seen);
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (value instanceof Date) return value;
    if (value instanceof Map) return walk(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return walk([...value], depth, seen);
    if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactField(k, v, depth, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactField(key: string, v: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (isSecretKey(key) && v !== undefined && v !== null && v !== '' && typeof v !== 'boolean') return REDACTED;
  return walk(v, depth + 1, seen);
}

function errorToObject(e: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: redactString(e.message) };
  if (e.stack) out.stack = redactString(e.stack);
  for (const [k, v] of Object.entries(e)) {
    if (k === 'name' || k === 'message' || k === 'stack') continue;
    out[k] = redactField(k, v, depth, seen);
  }
  if (e.cause !== undefined) out.cause = walk(e.cause, depth + 1, seen);
  return out;
}
