import { readFileSync } from 'node:fs';
import { SpecError } from './errors.js';

/**
 * Resolves `env:NAME` or `file:/path` to the secret it names. Called at the edge (cmd/) only. Errors name the
 * reference, never the value.
 */
export const resolveSecretRef = (
  ref: string,
  env: Record<string, string | undefined> = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): string => {
  const fail = (message: string, path = ref): never => {
    throw new SpecError([{ file: 'secret', line: 0, column: 0, path, message }]);
  };
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = env[name];
    return v !== undefined && v !== '' ? v : fail(`environment variable ${name} is not set`);
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    let text = '';
    try {
      text = readFile(path);
    } catch (e) {
      fail(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const v = text.trim();
    return v !== '' ? v : fail('the file is empty');
  }
  // Never echo the value: it may be an inline credential.
  return fail('a secret reference must be env:NAME or file:/path (inline credentials are not accepted)', '');
};
