import { readFileSync } from 'node:fs';
import { dump, loadAll } from 'js-yaml';
import { SpecError, formatIssue } from '../../pkg/spec/errors.js';
import { loadSpecs, specFiles } from '../../pkg/spec/load.js';
import { CliError, HttpError } from './common.js';

export interface PoolDocument {
  name: string;
  file: string;
  /** the document as YAML, sent as is so the server validates exactly what the file says */
  yaml: string;
}

/**
 * The RunnerPool documents of a file or folder, validated offline first (the same checks as `shghar validate`), so
 * a bad file is reported with its own line numbers and nothing is sent.
 */
export function readPoolDocuments(path: string): { pools: PoolDocument[]; skippedController: boolean } {
  const loaded = loadSpecs(path); // throws SpecError with every issue
  const pools: PoolDocument[] = [];
  let skippedController = false;
  for (const file of specFiles(path)) {
    for (const doc of loadAll(readFileSync(file, 'utf8'))) {
      const kind = (doc as { kind?: string } | null)?.kind;
      if (kind === 'Controller') skippedController = true;
      if (kind !== 'RunnerPool') continue;
      const name = (doc as { metadata: { name: string } }).metadata.name;
      pools.push({ name, file, yaml: dump(doc, { noRefs: true }) });
    }
  }
  if (pools.length !== loaded.pools.length) throw new CliError(`${path}: could not match documents to pools`);
  return { pools, skippedController };
}

/** Spec errors as `file:line:col: path: message` lines. */
export const specErrorText = (e: SpecError): string => e.issues.map(formatIssue).join('\n');

/** A server-side rejection of a document (422), located in the file it came from. */
export const rejectionText = (doc: PoolDocument, e: HttpError): string => {
  const details = e.body?.error.details ?? [];
  if (e.status !== 422 || details.length === 0) return `pool/${doc.name}: ${e.message}`;
  return details.map((d) => `${doc.file}: ${d.path ? `${d.path}: ` : ''}${d.message}`).join('\n');
};

export const withSpecErrors = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof SpecError) throw new CliError(`${specErrorText(e)}\n${e.issues.length} problem(s); fix them and run again`);
    throw e;
  }
};
