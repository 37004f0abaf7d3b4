import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { loadOpenApi } from '../../pkg/api/openapi.js';

/**
 * Checks real responses against pkg/api/openapi.yaml: the status must be documented for the operation, and a JSON
 * body must validate against the documented schema. Every checked (operation, status) is recorded for coverage.
 */
type Doc = { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }> }>>; components: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> } };

const doc = loadOpenApi() as unknown as Doc;
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const rewrite = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(rewrite);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? `openapi.json${x}` : rewrite(x)]),
    );
  return v;
};
ajv.addSchema({ $id: 'openapi.json', components: rewrite(doc.components) } as object);

export const covered = new Set<string>();
const compiled = new Map<string, ValidateFunction>();

export function checkResponse(res: Response, method: string, template: string): void {
  const op = doc.paths[template]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${template} is not in the OpenAPI document`);
  const status = String(res.status);
  let entry = op.responses[status] ?? op.responses[`${status[0]}XX`];
  if (!entry) throw new Error(`${method} ${template} answered ${status}, which the document does not list (${Object.keys(op.responses).join(', ')})`);
  if (entry.$ref) entry = doc.components.responses[entry.$ref.split('/').pop()!]!;
  covered.add(`${method.toUpperCase()} ${template} ${status}`);
  const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
  const content = entry.content;
  if (!content) return;
  const media = content[type];
  if (!media) throw new Error(`${method} ${template} ${status}: content type ${type} not documented (${Object.keys(content).join(', ')})`);
  if (type !== 'application/json') {
    if (typeof res.text !== 'string') throw new Error(`${method} ${template}: expected a text body`);
    return;
  }
  const key = `${method} ${template} ${status} ${type}`;
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(rewrite(media.schema) as object)));
  if (!validate(res.body))
    throw new Error(`${method} ${template} ${status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 2000)}`);
}

/** Every documented operation, as `METHOD /path`. */
export const operations = (): string[] =>
  Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
