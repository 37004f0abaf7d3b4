import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Shared by every client command: flags, the HTTP client, errors and exit codes (0 ok, 1 failure, 2 bad usage). */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export class UsageError extends Error {}
export class CliError extends Error {}

export const serverFlags = {
  server: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const SERVER_HELP = `      --server URL   controller API (env SHGHAR_SERVER, default ${DEFAULT_SERVER})
      --token TOKEN  API token for changes (env SHGHAR_TOKEN)
  -h, --help         show this help`;

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with usage errors that exit 2; `--help` prints the usage and stops (returns undefined). */
export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage.trim()}\n`);
    return undefined;
  }
  return parsed;
}

/** Runs a command body and maps errors to stderr lines and exit codes; `usage` is pointed at on bad usage. */
export async function runCommand(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\nRun \`shghar ${name} --help\` for usage.\n`);
      return 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export interface ApiErrorBody {
  error: { code: string; message: string; details: { path: string; message: string; line?: number; column?: number }[] };
}

export class HttpError extends CliError {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
    message: string,
  ) {
    super(message);
  }
}

const HINTS: Record<number, string> = {
  401: 'pass --token or set SHGHAR_TOKEN',
  403: 'check --token / SHGHAR_TOKEN against the controller\'s apiToken',
};

export class Client {
  readonly server: string;
  private readonly token?: string;

  constructor(values: { server?: string; token?: string }, env: NodeJS.ProcessEnv = process.env) {
    this.server = (values.server ?? env.SHGHAR_SERVER ?? DEFAULT_SERVER).replace(/\/+$/, '');
    this.token = values.token ?? env.SHGHAR_TOKEN ?? undefined;
    if (!/^https?:\/\//.test(this.server)) throw new UsageError(`--server must be an http(s) URL, got "${this.server}"`);
  }

  /**
   * `expect` is what a shghar controller answers with on success: JSON (default) or plain text (logs); `keys` are
   * fields the JSON answer must have, so another service's JSON is not taken for an answer.
   */
  async request(
    method: string,
    path: string,
    opts: { body?: unknown; yaml?: string; expect?: 'json' | 'text'; keys?: string[] } = {},
  ): Promise<{ status: number; body: unknown; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json, text/plain' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (opts.yaml !== undefined) {
      headers['content-type'] = 'application/yaml';
      payload = opts.yaml;
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.server}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(30_000) });
    } catch {
      throw new CliError(`cannot reach ${this.server}: is \`shghar run\` running? set --server or SHGHAR_SERVER`);
    }
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const json = type.includes('application/json') ? safeJson(text) : undefined;
    // Something else at that address (another service, a proxy's error page) must not pass for an answer.
    const foreign = () =>
      new CliError(`${this.server} did not answer ${method} ${path} like a shghar controller (HTTP ${res.status}, ${type.split(';')[0] || 'no content type'})\n  hint: point --server or SHGHAR_SERVER at \`shghar run\`'s API`);
    if (res.status >= 400) {
      const body = json as ApiErrorBody | undefined;
      if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') throw foreign();
      const msg = body.error.message;
      const hint = HINTS[res.status];
      throw new HttpError(res.status, body, hint ? `${msg}\n  hint: ${hint}` : msg);
    }
    if ((opts.expect ?? 'json') === 'json' ? !json || typeof json !== 'object' : !type.startsWith('text/plain')) throw foreign();
    if ((opts.keys ?? []).some((k) => !(k in (json as object)))) throw foreign();
    return { status: res.status, body: json, text };
  }

  /** A JSON object from GET, which must have `keys`. */
  async get<T>(path: string, ...keys: string[]): Promise<T> {
    return (await this.request('GET', path, { keys })).body as T;
  }
}

const safeJson = (t: string): unknown => {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
