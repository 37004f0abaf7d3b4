import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `shghar run` refuses bad start-up input with one clear line, exit codes 1/2, and never echoes a credential. */
const BIN = new URL('../../bin/shghar.js', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) =>
    execFile(process.execPath, [BIN, 'run', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }, (err, _out, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    ),
  );

describe('shghar run start-up errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shghar-run-errors-'));
  const spec = join(dir, 'pool.yaml');
  writeFileSync(spec, 'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata:\n  name: x\nspec:\n  repository: acme/app\n  runner:\n    image: img\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('an inline token is refused without being echoed', async () => {
    const r = await run(['-f', spec, '--github-token', 'ghp_InlineSecret0123456789', '--listen', '127.0.0.1:0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/inline credentials are not accepted/);
    expect(r.stderr).not.toContain('ghp_InlineSecret0123456789');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('a token variable that is not set is named, with the fix', async () => {
    const r = await run(['-f', spec, '--listen', '127.0.0.1:0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: GitHub token (env:GITHUB_TOKEN): environment variable GITHUB_TOKEN is not set; export it, or pass --github-token env:NAME | file:/path\n');
  });

  test('an invalid spec: file, line, column and field; exit 1', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata:\n  name: x\nspec:\n  repository: acme/app\n  runner:\n    image: img\n  scaling:\n    min: 5\n    max: 2\n');
    const r = await run(['-f', bad], { GITHUB_TOKEN: 't' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${bad}:11:10: spec.scaling.max: must be >= spec.scaling.min (5)\n`);
  });

  test('no pools at all, or an unknown flag: bad usage, exit 2', async () => {
    expect((await run([])).code).toBe(2);
    const r = await run(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--frobnicate'/);
  });
});
