import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DURATION_PATTERN, MEMORY_PATTERN } from './duration.js';
import { controllerSchema, runnerPoolSchema, SECRET_REF_PATTERN } from './schema.js';

/** A problem located by path only; parse.ts turns the path into a line and column. */
export interface PathIssue {
  path: string;
  message: string;
  /** point at the key rather than the value (unknown fields) */
  atKey?: boolean;
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const validators: Record<'RunnerPool' | 'Controller', ValidateFunction> = {
  RunnerPool: ajv.compile(runnerPoolSchema),
  Controller: ajv.compile(controllerSchema),
};

/** `/spec/runner/labels/0` -> `spec.runner.labels[0]` */
export const toDotted = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^[0-9]+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');

const PATTERN_HINTS: Record<string, string> = {
  [DURATION_PATTERN]: 'must be a duration such as 30s, 5m or 1h30m',
  [MEMORY_PATTERN]: 'must be a size such as 512m or 2g',
  [SECRET_REF_PATTERN]:
    'must be a reference such as env:GITHUB_TOKEN or file:/run/secrets/token; inline credentials are not accepted',
};

const anyOfHint = (branches: unknown): string => {
  const list = Array.isArray(branches) ? (branches as Array<{ pattern?: string; type?: string }>) : [];
  const pattern = list.find((b) => b.pattern)?.pattern;
  if (pattern === DURATION_PATTERN) return 'must be a duration such as 30s, 5m or 1h30m (a bare number is seconds)';
  if (pattern === MEMORY_PATTERN) return 'must be a size such as 512m or 2g (a bare number is bytes)';
  if (list.some((b) => b.type === 'object')) return 'must be "host:port" or { host, port }';
  return 'has an invalid value';
};

const describe = (e: ErrorObject): PathIssue => {
  const path = toDotted(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: path ? `${path}.${p.additionalProperty}` : String(p.additionalProperty), message: 'unknown field', atKey: true };
    case 'required':
      return { path: path ? `${path}.${p.missingProperty}` : String(p.missingProperty), message: 'is required' };
    case 'enum':
      return { path, message: `must be one of: ${(p.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'pattern':
      return { path, message: PATTERN_HINTS[String(p.pattern)] ?? 'has an invalid format' };
    case 'anyOf':
      return { path, message: anyOfHint(e.schema) };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
};

/** Schema problems of one document, one per field: anyOf branch noise is folded into the anyOf's message. */
export const validateDocument = (kind: 'RunnerPool' | 'Controller', doc: unknown): PathIssue[] => {
  const validate = validators[kind];
  if (validate(doc)) return [];
  const errors = validate.errors ?? [];
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const kept = errors.filter(
    (e) =>
      e.keyword === 'anyOf' ||
      !anyOfs.some((a) => e.instancePath === a.instancePath && e.schemaPath.startsWith(`${a.schemaPath}/`)),
  );
  const seen = new Set<string>();
  return kept.map(describe).filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};
