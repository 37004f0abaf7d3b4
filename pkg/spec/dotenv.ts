import { readFileSync } from 'node:fs';
import { SpecError } from './errors.js';

/**
 * Reads a `.env` file: `KEY=value` lines, `#` comments, optional `export `, single or double quotes (double quotes
 * understand \n, \t, \", \\). Returns the values; it does not touch process.env, so the caller decides precedence.
 */
export const parseDotEnv = (text: string, fileName = '.env'): Record<string, string> => {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      throw new SpecError([{ file: fileName, line: i + 1, column: 1, path: '', message: 'expected KEY=value' }]);
    }
    const [, key, rest = ''] = m;
    let value: string;
    if (rest.startsWith('"')) {
      const end = /^"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(rest);
      if (!end) throw new SpecError([{ file: fileName, line: i + 1, column: 1, path: key!, message: 'unterminated double quote' }]);
      value = end[1]!.replace(/\\(.)/g, (_s, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
    } else if (rest.startsWith("'")) {
      const end = /^'([^']*)'\s*(#.*)?$/.exec(rest);
      if (!end) throw new SpecError([{ file: fileName, line: i + 1, column: 1, path: key!, message: 'unterminated single quote' }]);
      value = end[1]!;
    } else {
      value = rest.replace(/\s+#.*$/, '').trim();
    }
    out[key!] = value;
  });
  return out;
};

export const loadDotEnv = (path: string): Record<string, string> => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError([{ file: path, line: 0, column: 0, path: '', message: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  return parseDotEnv(text, path);
};
