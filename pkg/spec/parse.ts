import { loadAll } from 'js-yaml';
import { normalizeController, type RawController } from './controller.js';
import { SpecError, type SpecIssue } from './errors.js';
import { specHash } from './hash.js';
import { normalizePool, type RawPool } from './pool.js';
import { documentPositions, lineColAt, offsetFor, type PositionMap } from './positions.js';
import type { ControllerSettings, PoolSpec, SpecSource } from './types.js';
import { validateDocument, type PathIssue } from './validate.js';

export interface LoadedPool {
  spec: PoolSpec;
  source: SpecSource;
  hash: string;
  /** where `metadata.name` is, for errors found across files */
  at?: { line: number; column: number };
}

export interface ParsedSpecs {
  pools: LoadedPool[];
  controller?: ControllerSettings;
}

interface YamlError {
  reason?: string;
  message: string;
  mark?: { line: number; column: number };
}

/**
 * Parses every document of one file. Throws a SpecError listing every problem of the file (syntax, schema,
 * cross-field, duplicates within the file); never returns a partial result.
 */
export const parseSpecText = (text: string, fileName: string): ParsedSpecs => {
  let docs: unknown[];
  let positions: PositionMap[];
  try {
    docs = loadAll(text, { filename: fileName });
    positions = documentPositions(text);
  } catch (e) {
    const err = e as YamlError;
    const line = err.mark ? err.mark.line + 1 : 0;
    const column = err.mark ? err.mark.column + 1 : 0;
    throw new SpecError([{ file: fileName, line, column, path: '', message: `YAML syntax: ${err.reason ?? err.message}` }]);
  }

  const issues: SpecIssue[] = [];
  const locate = (doc: number, found: PathIssue[]): void => {
    for (const i of found) {
      const at = lineColAt(text, offsetFor(positions[doc], i.path, i.atKey));
      issues.push({ file: fileName, ...at, path: i.path, message: i.message });
    }
  };

  const result: ParsedSpecs = { pools: [] };
  docs.forEach((doc, index) => {
    if (doc === null || doc === undefined) return; // an empty document (a trailing `---`)
    const kind = typeof doc === 'object' && !Array.isArray(doc) ? (doc as { kind?: unknown }).kind : undefined;
    if (kind !== 'RunnerPool' && kind !== 'Controller') {
      locate(index, [{ path: 'kind', message: 'must be RunnerPool or Controller' }]);
      return;
    }
    const found = validateDocument(kind, doc);
    if (found.length > 0) return locate(index, found);
    if (kind === 'RunnerPool') {
      const spec = normalizePool(doc as RawPool, found);
      locate(index, found);
      const dup = result.pools.find((p) => p.spec.name === spec.name);
      if (dup)
        locate(index, [{ path: 'metadata.name', message: `duplicate pool name "${spec.name}" (document ${dup.source.documentIndex})` }]);
      if (found.length === 0)
        result.pools.push({
          spec,
          source: { file: fileName, documentIndex: index },
          hash: specHash(spec),
          at: lineColAt(text, offsetFor(positions[index], 'metadata.name')),
        });
    } else {
      if (result.controller) locate(index, [{ path: 'kind', message: 'only one Controller document is allowed' }]);
      result.controller = normalizeController(doc as RawController, found);
      locate(index, found);
    }
  });
  if (issues.length > 0) throw new SpecError(issues);
  return result;
};
