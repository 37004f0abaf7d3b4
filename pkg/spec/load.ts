import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError, type SpecIssue } from './errors.js';
import { parseSpecText, type ParsedSpecs } from './parse.js';
import { overlappingPrefixes } from './prefixes.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const NOT_UTF8 = 'not UTF-8 text (save the file as UTF-8)';

/** The file's text; a SpecError at the first byte that is not UTF-8 (a lenient read would hide it behind U+FFFD). */
const readUtf8 = (file: string): string => {
  const bytes = readFileSync(file);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Walk the lenient decoding: up to the first bad byte it consumes exactly the bytes of each character.
    let offset = 0;
    let line = 1;
    let column = 1;
    for (const ch of bytes.toString('utf8')) {
      if (ch === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) break;
      offset += Buffer.byteLength(ch);
      if (ch === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    throw new SpecError([{ file, line, column, path: '', message: NOT_UTF8 }]);
  }
};

const fileIssue = (file: string, message: string, path = ''): SpecIssue => ({ file, line: 0, column: 0, path, message });

/** The spec files of a path: the file itself, or a folder's *.yaml / *.yml (not recursive), in name order. */
export const specFiles = (pathOrDir: string): string[] => {
  const st = statSync(pathOrDir);
  if (!st.isDirectory()) return [pathOrDir];
  return readdirSync(pathOrDir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort()
    .map((f) => join(pathOrDir, f));
};

/**
 * Loads every pool and the Controller settings of a file or folder. All problems of all files are reported in
 * one SpecError: syntax, schema, duplicate pool names across files, overlapping name prefixes.
 */
export const loadSpecs = (pathOrDir: string): ParsedSpecs => {
  let files: string[];
  try {
    files = specFiles(pathOrDir);
  } catch (e) {
    throw new SpecError([fileIssue(pathOrDir, `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`)]);
  }
  if (files.length === 0) throw new SpecError([fileIssue(pathOrDir, 'no *.yaml or *.yml files')]);
  const issues: SpecIssue[] = [];
  const result: ParsedSpecs = { pools: [] };
  for (const file of files) {
    let parsed: ParsedSpecs;
    try {
      parsed = parseSpecText(readUtf8(file), file);
    } catch (e) {
      if (e instanceof SpecError) issues.push(...e.issues);
      else issues.push(fileIssue(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
      continue;
    }
    // A truncated save (or `> file`) must not read as "remove every pool": deleting a pool takes a document edit.
    if (parsed.pools.length === 0 && !parsed.controller) {
      issues.push(fileIssue(file, 'no RunnerPool or Controller document (an empty file is not applied)'));
      continue;
    }
    for (const pool of parsed.pools) {
      const dup = result.pools.find((p) => p.spec.name === pool.spec.name);
      if (dup)
        issues.push({
          ...fileIssue(file, `duplicate pool name "${pool.spec.name}" (also in ${dup.source.file})`, 'metadata.name'),
          ...pool.at,
        });
      else result.pools.push(pool);
    }
    if (parsed.controller) {
      if (result.controller) issues.push(fileIssue(file, 'only one Controller document is allowed', 'kind'));
      else result.controller = parsed.controller;
    }
  }
  issues.push(...overlappingPrefixes(result.pools.map((p) => ({ name: p.spec.name, prefix: p.spec.runner.namePrefix, file: p.source.file ?? '' }))));
  if (issues.length > 0) throw new SpecError(issues);
  return result;
};
