// A small router over node:http: route templates in GitHub's `{param}` form, JSON bodies, GitHub-style errors.
import type { IncomingMessage } from 'node:http';

export interface Req {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  headers: IncomingMessage['headers'];
  /** The credential presented (secret: never logged). */
  token?: string;
}
export interface Res { status: number; body?: unknown; headers?: Record<string, string> }
export type Handler = (req: Req) => Res | Promise<Res>;
export interface Route { method: string; template: string; handler: Handler; regex: RegExp; keys: string[] }

export function route(method: string, template: string, handler: Handler): Route {
  const keys: string[] = [];
  const regex = new RegExp('^' + template.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, k) => { keys.push(k); return '([^/]+)'; }) + '$');
  return { method, template, handler, regex, keys };
}

export function match(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.regex.exec(path);
    if (m) return { route: r, params: Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's basic-error body. */
export function ghError(status: number, message: string, docs = DOCS): Res {
  return { status, body: { message, documentation_url: docs, status: String(status) } };
}

/** GitHub's validation-error body (422). */
export function validationError(message: string, errors: string[] = [], docs = DOCS): Res {
  return { status: 422, body: { message, documentation_url: docs, errors } };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
