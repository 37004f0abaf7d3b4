// Builds the images the tests need, locally (no registry is reachable): `shghar-fake-runner:test`, a root fs of the
// host's node binary, its shared libraries (from ldd) and the fake runner transpiled from pkg/sim/fake-runner.ts.
// Idempotent and fast: the image is also tagged with a content hash and rebuilt only when that hash changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const REPO = 'shghar-fake-runner';
const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();

const source = readFileSync(new URL('../pkg/sim/fake-runner.ts', import.meta.url), 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
const nodeBin = realpathSync(process.execPath);
const libs = execFileSync('ldd', [nodeBin], { encoding: 'utf8' })
  .split('\n')
  .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
  .filter(Boolean);

const hash = createHash('sha256')
  .update(js)
  .update(`${nodeBin}:${statSync(nodeBin).size}:${process.version}`)
  .update(libs.join(','))
  .update(readFileSync(new URL(import.meta.url)))
  .digest('hex')
  .slice(0, 16);
const hashTag = `${REPO}:${hash}`;

const exists = spawnSync('docker', ['image', 'inspect', hashTag], { stdio: 'ignore' }).status === 0;
if (!exists) {
  const root = mkdtempSync(join(tmpdir(), 'fake-runner-rootfs-'));
  try {
    const put = (src, dest = src) => {
      mkdirSync(join(root, dirname(dest)), { recursive: true });
      copyFileSync(realpathSync(src), join(root, dest));
    };
    put(nodeBin, '/usr/local/bin/node');
    for (const lib of libs) put(lib);
    mkdirSync(join(root, 'app'), { recursive: true });
    mkdirSync(join(root, 'tmp'), { recursive: true });
    writeFileSync(join(root, 'app/fake-runner.mjs'), js);
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1 << 30 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
    const imp = spawnSync('docker', ['import', '-c', 'ENTRYPOINT ["/usr/local/bin/node", "/app/fake-runner.mjs"]',
      '-c', 'ENV NODE_ENV=production', '-', hashTag], { input: tar.stdout, maxBuffer: 1 << 20 });
    if (imp.status !== 0) throw new Error(`docker import failed: ${imp.stderr}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
docker('tag', hashTag, `${REPO}:test`);
console.log(`${REPO}:test -> ${hashTag}${exists ? ' (up to date)' : ' (built)'}`);
