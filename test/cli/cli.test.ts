import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApiServer, type ApiServer } from '../../pkg/api/app.js';
import { TOKEN, makeWorld, poolYaml, waitFor, waitOnline, type World } from '../api/world.js';

/**
 * The built `shghar` binary against a running API server (in this process) over a Manager with the recording fakes.
 * Children run asynchronously: the server they talk to lives on this event loop.
 */
const run = promisify(execFile);
const ROOT = process.cwd();
const BIN = join(ROOT, 'bin/shghar.js');

let w: World;
let server: ApiServer;
let dir: string;

const cli = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', SHGHAR_SERVER: server.url, SHGHAR_TOKEN: TOKEN, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout: string; stderr: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout, stderr: x.stderr };
  }
};

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  // The build type-checks the whole project; other areas may be mid-change, so only errors in the CLI and API fail here.
  const build = await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, timeout: 170_000 }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const mine = build.stdout.split('\n').filter((l) => /^(cmd\/client|cmd\/shghar|pkg\/api)\//.test(l));
  expect(mine).toEqual([]);
  dir = mkdtempSync(join(tmpdir(), 'shghar-cli-'));
  w = makeWorld();
  w.manager.start();
  server = await startApiServer(w.app, { port: 0 });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await w?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('--help on every command, exit 2 on bad usage', async () => {
  for (const c of ['validate', 'apply', 'diff', 'get', 'describe', 'delete', 'logs', 'scale']) {
    const r = await cli([c, '--help']);
    expect({ c, code: r.code }).toEqual({ c, code: 0 });
    expect(r.stdout).toMatch(new RegExp(`^Usage: shghar ${c}`));
  }
  const bad = await cli(['get', 'pools', '--bogus']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/Unknown option '--bogus'[\s\S]*shghar get --help/);
  expect((await cli(['get', 'things'])).code).toBe(2);
  expect((await cli(['get', 'pools', '-o', 'xml'])).code).toBe(2);
  expect((await cli(['apply'])).code).toBe(2);
});

test('validate works offline: valid exits 0; invalid prints file:line:col: path: message and exits 1', async () => {
  const good = file('good.yaml', poolYaml('ci'));
  const ok = await cli(['validate', '-f', good], { SHGHAR_SERVER: 'http://127.0.0.1:1' });
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('valid (1 pool(s)');
  const bad = file('bad.yaml', poolYaml('ci').replace('max: 4', 'max: many'));
  const r = await cli(['validate', '-f', bad]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${bad}:15:10: spec.scaling.max: must be integer`);
});

test('apply: created, unchanged, configured after an edit; dry run; --wait until converged; diff shows the change', async () => {
  const spec = file('ci.yaml', poolYaml('ci', { min: 1, max: 4 }));
  const created = await cli(['apply', '-f', spec, '--wait', '--timeout', '30s']);
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^pool\/ci created\n/);
  expect(created.stdout).toMatch(/pool\/ci: desired 1, online 1, starting 0, creating 0, deleting 0\npool\/ci converged\n$/);
  expect((await cli(['apply', '-f', spec])).stdout).toBe('pool/ci unchanged\n');

  file('ci.yaml', poolYaml('ci', { min: 2, max: 6 }));
  const diff = await cli(['diff', '-f', spec]);
  expect(diff.code).toBe(0);
  expect(diff.stdout).toMatch(/^~ pool\/ci \(\w+ -> \w+\)\n {4}spec\.scaling\.max: 4 -> 6\n {4}spec\.scaling\.min: 1 -> 2\n$/);
  expect((await cli(['apply', '-f', spec, '--dry-run'])).stdout).toBe('pool/ci configured (dry run)\n');
  expect(w.manager.get('ci')!.currentSpec.scaling.max).toBe(4);
  const configured = await cli(['apply', '-f', spec, '--wait']);
  expect(configured.code).toBe(0);
  expect(configured.stdout).toMatch(/^pool\/ci configured\n[\s\S]*pool\/ci converged\n$/);
  expect(w.manager.get('ci')!.currentSpec.scaling).toMatchObject({ min: 2, max: 6 });
  expect(w.runtime.all().filter((c) => c.state === 'running')).toHaveLength(2);
  expect((await cli(['diff', '-f', spec])).stdout).toBe('  pool/ci unchanged\n');
}, 60_000);

test('an invalid spec is rejected with the field path and exit 1, and nothing is sent', async () => {
  const bad = file('bad-min.yaml', poolYaml('other', { min: 5, max: 2, prefix: 'other-' }));
  const r = await cli(['apply', '-f', bad]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${bad}:15:10: spec.scaling.max: must be >= spec.scaling.min (5)`);
  expect(w.manager.get('other')).toBeUndefined();
  // Rejected by the server (a prefix that overlaps pool ci's): the field path and exit 1 too.
  const overlap = file('overlap.yaml', poolYaml('other', { prefix: 'ci-' }));
  const s = await cli(['apply', '-f', overlap]);
  expect(s.code).toBe(1);
  expect(s.stderr).toContain(`${overlap}: spec.runner.namePrefix: pool "other" name prefix "ci-" overlaps pool "ci" prefix "ci-"`);
});

test('get pools and runners as aligned tables, wide, json and yaml', async () => {
  await waitOnline(w, 'ci', 2);
  const pools = await cli(['get', 'pools']);
  expect(pools.code).toBe(0);
  const [head, row] = pools.stdout.trimEnd().split('\n');
  expect(head).toMatch(/^NAME\s+SCOPE\s+POLICY\s+MIN\s+MAX\s+DESIRED\s+ONLINE\s+BUSY\s+STARTING\s+QUEUED\s+READY$/);
  expect(row).toMatch(/^ci\s+acme\/app\s+demand\s+2\s+6\s+2\s+2\s+0\s+0\s+0\s+True$/);
  expect(row!.indexOf('acme/app')).toBe(head!.indexOf('SCOPE'));
  expect((await cli(['get', 'pools', '-o', 'wide'])).stdout.split('\n')[0]).toMatch(/READY\s+BREAKER\s+CREATING\s+HASH\s+HELD$/);
  const json = JSON.parse((await cli(['get', 'pools', '-o', 'json'])).stdout);
  expect(json[0]).toMatchObject({ name: 'ci', desired: 2 });
  expect((await cli(['get', 'pools', '-o', 'yaml'])).stdout).toMatch(/^- name: ci\n/);

  const runners = await cli(['get', 'runners']);
  const lines = runners.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^NAME\s+POOL\s+STATE\s+BUSY\s+AGE\s+CONTAINER\s+GITHUB-ID$/);
  expect(lines).toHaveLength(3);
  for (const l of lines.slice(1)) {
    expect(l).toMatch(/^ci-[0-9a-f]+\s+ci\s+idle\s+false\s+\d+s\s+[0-9a-f]{12}\s+\d+$/);
    expect(l.indexOf(' ci ') + 1).toBe(lines[0]!.indexOf('POOL'));
  }
  expect((await cli(['get', 'runners', '-o', 'wide'])).stdout.split('\n')[0]).toMatch(/GITHUB-ID\s+CONTAINER-STATE\s+GITHUB-STATUS\s+LABELS\s+WHY$/);
  const rj = JSON.parse((await cli(['get', 'runners', '-o', 'json'])).stdout);
  expect(rj).toHaveLength(2);
  expect(rj[0]).toMatchObject({ pool: 'ci', state: 'idle', busy: false });
  expect((await cli(['get', 'runners', '-o', 'yaml'])).stdout).toMatch(/^- name: ci-/);
});

test('describe pool: desired vs observed, conditions, runners, events; unknown pool exits 1', async () => {
  const r = await cli(['describe', 'pool', 'ci']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Name: +ci$/m);
  expect(r.stdout).toMatch(/^Desired: +2\n {2}busy 0 \+ queued 0/m);
  expect(r.stdout).toMatch(/^Observed: +2 online\n {2}idle: +2 {2}ci-/m);
  expect(r.stdout).toMatch(/^Conditions:\n {2}TYPE +STATUS +REASON +MESSAGE\n {2}Ready +True +MinimumOnline/m);
  expect(r.stdout).toMatch(/^Events:\n {2}TYPE +REASON +AGE +COUNT +MESSAGE\n[\s\S]*PoolCreated/m);
  const missing = await cli(['describe', 'pool', 'nope']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe('error: pool "nope" not found; GET /api/v1/pools (shghar get pools) lists them\n');
});

test('logs with --tail, and -f follows new lines', async () => {
  const name = w.manager.get('ci')!.lastTick!.plan.groups.idle[0]!.name;
  const r = await cli(['logs', name, '--tail', '1']);
  expect(r).toMatchObject({ code: 0, stdout: 'Listening for Jobs\n' });
  expect((await cli(['logs', name])).stdout).toBe(`runner ${name} starting\nListening for Jobs\n`);
  expect((await cli(['logs', name, '--tail', 'x'])).code).toBe(2);
  expect((await cli(['logs', 'ghost'])).code).toBe(1);

  const child = spawn(process.execPath, [BIN, 'logs', name, '-f', '--tail', '1'], { env: { PATH: process.env.PATH ?? '', SHGHAR_SERVER: server.url } });
  let seen = '';
  child.stdout.on('data', (d: Buffer) => (seen += d.toString()));
  try {
    await waitFor('the first line', () => seen === 'Listening for Jobs\n');
    const c = w.runtime.all().find((x) => x.labels['io.shghar.runner-name'] === name)!;
    w.runtime.log(c.id, 'Running job: build');
    await waitFor('the followed line', () => seen === 'Listening for Jobs\nRunning job: build\n');
  } finally {
    child.kill();
  }
});

test('delete runner: removed; a busy one refused with exit 1 and a hint, then --force', async () => {
  const [a, b] = w.manager.get('ci')!.lastTick!.plan.groups.idle.map((r) => r.name);
  const job = w.github.enqueueJob('acme/app', ['self-hosted', 'linux']);
  w.github.setJob(job.id, 'in_progress', b!);
  await waitFor('b busy', () => w.manager.get('ci')!.lastTick!.plan.groups.busy.some((r) => r.name === b));
  const refused = await cli(['delete', 'runner', b!]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/running a job\n {2}hint: wait for the job, or use --force\n$/);
  const ok = await cli(['delete', 'runner', a!]);
  expect(ok).toMatchObject({ code: 0, stdout: `runner/${a} deleted\n` });
  expect(w.github.registrations().some((r) => r.name === a)).toBe(false);
  const forced = await cli(['delete', 'runner', b!, '--force']);
  expect(forced.code).toBe(0);
  w.github.setJob(job.id, 'completed');
  await waitOnline(w, 'ci', 2);
});

test('scale pool: server-side apply of the new bounds', async () => {
  const r = await cli(['scale', 'pool', 'ci', '--min', '3', '--max', '5']);
  expect(r.stderr).toBe('');
  expect(r).toMatchObject({ code: 0, stdout: 'pool/ci scaled (max 6 -> 5, min 2 -> 3)\n' });
  expect(w.manager.get('ci')!.currentSpec.scaling).toMatchObject({ min: 3, max: 5 });
  expect(await w.store.read('ci')).toContain('max: 5');
  await waitOnline(w, 'ci', 3);
  expect((await cli(['scale', 'pool', 'ci', '--min', '3'])).stdout).toBe('pool/ci unchanged (min 3, max 5)\n');
  const bad = await cli(['scale', 'pool', 'ci', '--min', '9']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('spec.scaling.max: must be >= spec.scaling.min (9)');
  expect((await cli(['scale', 'pool', 'ci', '--min', 'x'])).code).toBe(2);
});

test('connection and token errors say how to fix them', async () => {
  const down = await cli(['get', 'pools'], { SHGHAR_SERVER: 'http://127.0.0.1:1' });
  expect(down.code).toBe(1);
  expect(down.stderr).toBe('error: cannot reach http://127.0.0.1:1: is `shghar run` running? set --server or SHGHAR_SERVER\n');
  const spec = join(dir, 'ci.yaml');
  const noToken = await cli(['apply', '-f', spec], { SHGHAR_TOKEN: '' });
  expect(noToken.code).toBe(1);
  expect(noToken.stderr).toMatch(/missing bearer token[\s\S]*hint: pass --token or set SHGHAR_TOKEN\n$/);
  const wrongToken = await cli(['apply', '-f', spec, '--token', 'nope', '--server', server.url]);
  expect(wrongToken.code).toBe(1);
  expect(wrongToken.stderr).toMatch(/not valid[\s\S]*hint: check --token/);
});

test('delete pool --wait drains and removes it', async () => {
  const r = await cli(['delete', 'pool', 'ci', '--wait', '--timeout', '30s']);
  expect(r.stderr).toBe('');
  expect(r).toMatchObject({ code: 0, stdout: 'pool/ci deleting (draining)\npool/ci deleted\n' });
  expect(w.runtime.all()).toEqual([]);
  expect((await cli(['get', 'pools'])).stdout).toMatch(/^No pools/);
}, 40_000);
