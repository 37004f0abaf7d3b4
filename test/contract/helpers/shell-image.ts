import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A tiny image holding the host's `sh` and `sleep` and their shared libraries; no registry needed. */
export const SHELL_IMAGE = 'shghar-contract-sh:test';

/**
 * The image's command, driven by env: prints `out:$MSG` and `err:$MSG`, then exits with $EXIT_CODE when set,
 * else sleeps until SIGTERM (trapped, so a stop is quick).
 */
const CMD = [
  '/bin/sh',
  '-c',
  'echo "out:$MSG"; echo "err:$MSG" >&2; trap "exit 0" TERM; ' +
    'if [ -n "$EXIT_CODE" ]; then exit "$EXIT_CODE"; fi; sleep 300 & wait',
];

const BINARIES = ['/bin/sh', '/bin/sleep'];

function sharedLibs(bin: string): string[] {
  const out = execFileSync('ldd', [bin], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+\.so[^\s]*)/g)].map((m) => m[1]!);
}

export function ensureShellImage(): string {
  try {
    execFileSync('docker', ['image', 'inspect', SHELL_IMAGE], { stdio: 'ignore' });
    return SHELL_IMAGE;
  } catch {
    // not built yet
  }
  const root = mkdtempSync(join(tmpdir(), 'shghar-img-'));
  try {
    const files = new Set<string>();
    for (const b of BINARIES) {
      files.add(b);
      for (const l of sharedLibs(b)) files.add(l);
    }
    for (const f of files) {
      const dest = join(root, f);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(f, dest); // copyFileSync follows symlinks, so the image gets real files
    }
    mkdirSync(join(root, 'tmp'));
    const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 * 1024 * 1024 });
    execFileSync('docker', ['import', '--change', `CMD ${JSON.stringify(CMD)}`, '-', SHELL_IMAGE], { input: tar, stdio: ['pipe', 'ignore', 'inherit'] });
    return SHELL_IMAGE;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
