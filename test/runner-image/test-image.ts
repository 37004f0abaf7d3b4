/**
 * Builds the entrypoint test image: a root file system assembled from this host's binaries (and the libraries
 * `ldd` names for them), holding the real runner-image entrypoint and stand-ins for run.sh, config.sh, dockerd and
 * docker. Nothing is pulled. The tag carries a hash of every input, so a build is skipped when it already exists.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const imageDir = join(here, '..', '..', 'runner-image');
const standinDir = join(here, 'standins');

export const RUNNER_UID = 1001;
const RUNNER_HOME = '/home/runner/actions-runner';

/** Host binaries the entrypoint, start-dockerd.sh and the stand-ins call. */
const BINARIES = ['bash', 'env', 'tini', 'setpriv', 'setsid', 'id', 'stat', 'cat', 'sleep', 'tail'];

/** [source, path in image, mode] */
function scriptFiles(): Array<[string, string, number]> {
  return [
    [join(imageDir, 'entrypoint.sh'), '/usr/local/bin/entrypoint.sh', 0o755],
    [join(imageDir, 'start-dockerd.sh'), '/usr/local/bin/start-dockerd.sh', 0o755],
    [join(standinDir, 'run.sh'), `${RUNNER_HOME}/run.sh`, 0o755],
    [join(standinDir, 'config.sh'), `${RUNNER_HOME}/config.sh`, 0o755],
    [join(standinDir, 'dockerd'), '/usr/local/bin/dockerd', 0o755],
    [join(standinDir, 'docker'), '/usr/local/bin/docker', 0o755],
  ];
}

function which(name: string): string {
  return execFileSync('bash', ['-c', 'command -v "$1"', '_', name], { encoding: 'utf8' }).trim();
}

/** Absolute paths of the shared libraries (and loader) a binary needs. */
function libraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

function place(root: string, source: string, target: string, mode: number): void {
  const dest = join(root, target);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(realpathSync(source), dest);
  chmodSync(dest, mode);
}

function inputsHash(binaries: string[]): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const [source] of scriptFiles()) hash.update(source).update(readFileSync(source));
  for (const binary of binaries) hash.update(binary).update(readFileSync(binary));
  return hash.digest('hex').slice(0, 16);
}

function imageExists(tag: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns the tag of the test image, building it first if this exact content has not been built yet. */
export function buildTestImage(): string {
  const binaries = BINARIES.map(which);
  const tag = `shghar-entrypoint-test:${inputsHash(binaries)}`;
  if (imageExists(tag)) return tag;

  const root = mkdtempSync(join(tmpdir(), 'shghar-entrypoint-rootfs-'));
  try {
    const libs = new Set<string>();
    for (const binary of binaries) {
      place(root, binary, `/usr/bin/${binary.split('/').pop()}`, 0o755);
      for (const lib of libraries(binary)) libs.add(lib);
    }
    for (const lib of libs) place(root, lib, lib, 0o755);
    // A job process the entrypoint must recognise: the listener starts one Runner.Worker per job.
    place(root, which('sleep'), '/usr/local/bin/Runner.Worker', 0o755);
    for (const [source, target, mode] of scriptFiles()) place(root, source, target, mode);

    const etc = join(root, 'etc');
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'passwd'), `root:x:0:0:root:/root:/bin/bash\nrunner:x:${RUNNER_UID}:${RUNNER_UID}::/home/runner:/bin/bash\n`);
    writeFileSync(join(etc, 'group'), `root:x:0:\nrunner:x:${RUNNER_UID}:\ndocker:x:998:runner\n`);
    writeFileSync(join(etc, 'nsswitch.conf'), 'passwd: files\ngroup: files\n');
    for (const dir of ['tmp', 'record', 'var/log', 'var/run', 'root', 'proc', 'sys', 'dev']) mkdirSync(join(root, dir), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    execFileSync('ln', ['-s', 'usr/bin', join(root, 'bin')]);

    execFileSync(
      'bash',
      [
        '-c',
        'tar --numeric-owner --owner=0 --group=0 -C "$1" -cf - . | docker import ' +
          '--change \'ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/entrypoint.sh"]\' ' +
          '--change "ENV PATH=/usr/local/bin:/usr/bin" - "$2"',
        '_',
        root,
        tag,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
