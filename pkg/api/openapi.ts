import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

/** The OpenAPI document lives next to this file in the source tree; the build (dist/) reads it from there too. */
export const openApiPath = (): string => {
  const candidates = ['./openapi.yaml', '../../../pkg/api/openapi.yaml'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('pkg/api/openapi.yaml not found next to the API module');
  return found;
};

let cached: Record<string, unknown> | undefined;

export const loadOpenApi = (): Record<string, unknown> => (cached ??= load(readFileSync(openApiPath(), 'utf8')) as Record<string, unknown>);
