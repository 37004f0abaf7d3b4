import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { FAKE_RUNNER_IMAGE, poolDoc } from '../helpers/world.js';

/** `shghar doctor`, the built binary, against the simulator and the real Docker engine. */
const BIN = new URL('../../bin/shghar.js', import.meta.url).pathname;

function doctor(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'doctor', ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

const line = (out: string, name: string) => out.split('\n').find((l) => l.includes(name)) ?? '';
const hintAfter = (out: string, name: string) => {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l.includes(name));
  return lines[i + 1] ?? '';
};

describe('shghar doctor', () => {
  let sim: Simulator;
  let dir: string;
  const spec = (image = FAKE_RUNNER_IMAGE) => {
    const f = join(dir, `pool-${image.replace(/[^a-z0-9]/gi, '')}.yaml`);
    writeFileSync(f, poolDoc({ name: 'doc', repo: 'acme/app', min: 0, max: 2, image, prefix: 'doc-' }));
    return f;
  };
  beforeAll(async () => {
    sim = await startSimulator({ tokens: ['good-token'] });
    dir = mkdtempSync(join(tmpdir(), 'shghar-doctor-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('all OK on a healthy setup (exit 0)', async () => {
    const r = await doctor(['-f', spec(), '--github-url', sim.url, '--github-token', 'env:TOK'], { TOK: 'good-token' });
    expect(r.out).not.toMatch(/^FAIL/m);
    expect(line(r.out, 'docker')).toMatch(/^OK/);
    expect(r.code).toBe(0);
  });

  test('Docker unreachable: FAIL with a hint, exit 1', async () => {
    const r = await doctor(['-f', spec(), '--github-url', sim.url, '--github-token', 'env:TOK', '--docker', `unix://${join(dir, 'no.sock')}`], { TOK: 'good-token' });
    expect(line(r.out, 'docker')).toMatch(/^FAIL .*unreachable/);
    expect(hintAfter(r.out, 'docker')).toMatch(/hint: start the Docker engine/);
    expect(r.code).toBe(1);
  });

  test('image missing: FAIL with a hint', async () => {
    const r = await doctor(['-f', spec('shghar-no-such-image:1'), '--github-url', sim.url, '--github-token', 'env:TOK'], { TOK: 'good-token' });
    expect(line(r.out, 'image shghar-no-such-image:1')).toMatch(/^FAIL .*not on this engine/);
    expect(hintAfter(r.out, 'image shghar-no-such-image:1')).toMatch(/hint: docker pull/);
    expect(r.code).toBe(1);
  });

  test('bad token: FAIL with a hint, and the token is not printed', async () => {
    const r = await doctor(['-f', spec(), '--github-url', sim.url, '--github-token', 'env:TOK'], { TOK: 'wrong-token-value' });
    expect(line(r.out, 'github acme/app')).toMatch(/^FAIL .*bad credentials/);
    expect(hintAfter(r.out, 'github acme/app')).toMatch(/hint: the token is wrong/);
    expect(r.out).not.toContain('wrong-token-value');
    expect(r.code).toBe(1);
  });

  test('orphan registrations present: FAIL naming them', async () => {
    await sim.control.seedRegistration({ scope: 'acme/app', name: 'doc-0rphan1', labels: ['self-hosted', 'linux'], status: 'offline', createdAt: Date.now() - 7_200_000 });
    const r = await doctor(['-f', spec(), '--github-url', sim.url, '--github-token', 'env:TOK'], { TOK: 'good-token' });
    expect(line(r.out, 'registrations without container')).toMatch(/^FAIL .*doc-0rphan1 \(offline\)/);
    expect(hintAfter(r.out, 'registrations without container')).toMatch(/hint: no container on this engine runs them/);
    expect(r.code).toBe(1);
  });
});
