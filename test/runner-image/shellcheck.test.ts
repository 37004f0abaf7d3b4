/** Every shell script of the runner image (and the test stand-ins) passes shellcheck. */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** Files whose first line is a bash/sh shebang, or that end in .sh. */
function shellScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => file.endsWith('.sh') || /^#!.*\b(ba)?sh\b/.test(readFileSync(file, 'utf8').split('\n', 1)[0]));
}

const imageScripts = shellScripts(join(here, '..', '..', 'runner-image'));
const standins = shellScripts(join(here, 'standins'));

describe('runner image scripts', () => {
  it('finds the scripts it is meant to check', () => {
    const names = imageScripts.map((file) => file.split('/').pop());
    expect(names).toEqual(expect.arrayContaining(['entrypoint.sh', 'start-dockerd.sh']));
  });

  it.each([...imageScripts, ...standins].map((file) => [file.split('/').slice(-2).join('/'), file]))(
    '%s passes shellcheck',
    async (_name, file) => {
      const result = await exec('shellcheck', ['--severity=style', file]).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect(result).toBe('');
    },
  );
});
