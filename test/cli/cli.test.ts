import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildBinary, startCliWorld, type CliChild, type CliWorld } from '../helpers/cli-world.js';
import { poolDoc, until } from '../helpers/world.js';

/**
 * The built `shghar` binary against a running controller (`shghar run`, a child process) over the GitHub simulator
 * and the real Docker engine; runners are fake-runner containers. One controller for the file: the tests share it
 * and run in order (apply, then look, then change, then delete).
 */
let w: CliWorld;
const cli = (args: string[], env?: Record<string, string>) => w.cli(args, env);
const POOL_JOB_LABELS = ['self-hosted', 'linux'];

// A short orphan grace: a registration left behind by a forced delete is cleaned up within the test's time.
const ciSpec = (min: number, max: number) => poolDoc({ name: 'ci', repo: 'acme/app', min, max, prefix: 'ci-', graces: { orphan: '5s' } });

/** line:column (1-based) of `value` on the line holding `key: value` */
const at = (text: string, keyValue: string) => {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.trim() === keyValue);
  if (line < 0) throw new Error(`no line "${keyValue}"`);
  const value = keyValue.slice(keyValue.indexOf(':') + 2);
  return `${line + 1}:${lines[line]!.lastIndexOf(value) + 1}`;
};

interface PoolJson { name: string; min: number; max: number; desired: number; observed: Record<string, number>; in_flight: { creating: number } }
interface RunnerJson { name: string; pool: string; state: string; busy: boolean; github_id: number; container_id: string }

const pools = async (): Promise<PoolJson[]> => JSON.parse((await cli(['get', 'pools', '-o', 'json'])).stdout);
const runners = async (): Promise<RunnerJson[]> => JSON.parse((await cli(['get', 'runners', '-o', 'json'])).stdout);
const simRunners = async () => (await w.sim.control.state()).runners;
const running = async () => (await w.containers()).filter((c) => c.state === 'running');

/** Until the simulator has exactly `n` online runners of pool ci and the controller shows them all idle or busy. */
const settled = (n: number, timeoutMs = 30_000) =>
  until(`${n} online ci runners, nothing starting`, async () => {
    const online = (await simRunners()).filter((r) => r.name.startsWith('ci-') && r.status === 'online');
    const p = (await pools()).find((x) => x.name === 'ci');
    const seen = (p?.observed.idle ?? 0) + (p?.observed.busy ?? 0);
    return online.length === n && seen === n && (p?.observed.starting ?? 0) === 0 && p?.in_flight.creating === 0 && (await running()).length === n;
  }, timeoutMs, 200);

beforeAll(async () => {
  // The build type-checks the whole project; only errors in the CLI and API fail here.
  expect(await buildBinary(/^(cmd\/client|cmd\/shghar|pkg\/api)\//)).toEqual([]);
  w = await startCliWorld();
}, 120_000);

afterAll(async () => {
  await w?.close();
  // Nothing of this controller's is left behind.
  if (w) expect(await w.containers()).toEqual([]);
}, 30_000);

test('--help on every command, exit 2 on bad usage', async () => {
  const commands = ['validate', 'apply', 'diff', 'get', 'describe', 'delete', 'logs', 'scale'];
  const helps = await Promise.all(commands.map((c) => cli([c, '--help'])));
  commands.forEach((c, i) => {
    expect({ c, code: helps[i]!.code }).toEqual({ c, code: 0 });
    expect(helps[i]!.stdout).toMatch(new RegExp(`^Usage: shghar ${c}`));
  });
  const bad = await cli(['get', 'pools', '--bogus']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/Unknown option '--bogus'[\s\S]*shghar get --help/);
  expect((await cli(['get', 'things'])).code).toBe(2);
  expect((await cli(['get', 'pools', '-o', 'xml'])).code).toBe(2);
  expect((await cli(['apply'])).code).toBe(2);
});

test('validate works offline: valid exits 0; invalid prints file:line:col: path: message and exits 1', async () => {
  const good = w.file('good.yaml', ciSpec(1, 4));
  const offline = { SHGHAR_SERVER: 'http://127.0.0.1:1' };
  const ok = await cli(['validate', '-f', good], offline);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('valid (1 pool(s)');
  const text = ciSpec(1, 4).replace('max: 4', 'max: many');
  const bad = w.file('bad.yaml', text);
  const r = await cli(['validate', '-f', bad], offline);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${bad}:${at(text, 'max: many')}: spec.scaling.max: must be integer`);
});

test('apply: created, unchanged, configured after an edit; dry run; --wait until converged; diff shows the change', async () => {
  const spec = w.file('ci.yaml', ciSpec(1, 4));
  const created = await cli(['apply', '-f', spec, '--wait', '--timeout', '40s']);
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^pool\/ci created\n/);
  expect(created.stdout).toMatch(/pool\/ci: desired 1, online 1, starting 0, creating 0, deleting 0\npool\/ci converged\n$/);
  // Converged means a real runner container is up and online on (simulated) GitHub.
  expect((await simRunners()).filter((r) => r.status === 'online').map((r) => r.name)).toEqual([expect.stringMatching(/^ci-/)]);
  expect(await running()).toHaveLength(1);
  expect((await cli(['apply', '-f', spec])).stdout).toBe('pool/ci unchanged\n');

  w.file('ci.yaml', ciSpec(2, 6));
  const diff = await cli(['diff', '-f', spec]);
  expect(diff.code).toBe(0);
  expect(diff.stdout).toMatch(/^~ pool\/ci \(\w+ -> \w+\)\n {4}spec\.scaling\.max: 4 -> 6\n {4}spec\.scaling\.min: 1 -> 2\n$/);
  expect((await cli(['apply', '-f', spec, '--dry-run'])).stdout).toBe('pool/ci configured (dry run)\n');
  expect((await pools())[0]).toMatchObject({ name: 'ci', min: 1, max: 4 });
  const configured = await cli(['apply', '-f', spec, '--wait', '--timeout', '40s']);
  expect(configured.code).toBe(0);
  expect(configured.stdout).toMatch(/^pool\/ci configured\n[\s\S]*pool\/ci converged\n$/);
  expect((await pools())[0]).toMatchObject({ name: 'ci', min: 2, max: 6 });
  await settled(2);
  expect((await cli(['diff', '-f', spec])).stdout).toBe('  pool/ci unchanged\n');
}, 90_000);

test('an invalid spec is rejected with the field path and exit 1, and nothing is sent', async () => {
  const text = poolDoc({ name: 'other', min: 5, max: 2, prefix: 'other-' });
  const bad = w.file('bad-min.yaml', text);
  const r = await cli(['apply', '-f', bad]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${bad}:${at(text, 'max: 2')}: spec.scaling.max: must be >= spec.scaling.min (5)`);
  // Rejected by the server (a prefix that overlaps pool ci's): the field path and exit 1 too.
  const overlap = w.file('overlap.yaml', poolDoc({ name: 'other', min: 0, max: 2, prefix: 'ci-' }));
  const s = await cli(['apply', '-f', overlap]);
  expect(s.code).toBe(1);
  expect(s.stderr).toContain(`${overlap}: spec.runner.namePrefix: pool "other" name prefix "ci-" overlaps pool "ci" prefix "ci-"`);
  expect((await pools()).map((p) => p.name)).toEqual(['ci']);
});

test('get pools and runners as aligned tables, wide, json and yaml', async () => {
  await settled(2);
  const table = await cli(['get', 'pools']);
  expect(table.code).toBe(0);
  const [head, row] = table.stdout.trimEnd().split('\n');
  expect(head).toMatch(/^NAME\s+SCOPE\s+POLICY\s+MIN\s+MAX\s+DESIRED\s+ONLINE\s+BUSY\s+STARTING\s+QUEUED\s+READY$/);
  expect(row).toMatch(/^ci\s+acme\/app\s+demand\s+2\s+6\s+2\s+2\s+0\s+0\s+0\s+True$/);
  expect(row!.indexOf('acme/app')).toBe(head!.indexOf('SCOPE'));
  const wide = (await cli(['get', 'pools', '-o', 'wide'])).stdout.split('\n');
  expect(wide[0]).toMatch(/READY\s+BREAKER\s+CREATING\s+HASH\s+HELD$/);
  expect(wide[1]).toMatch(/^ci\s+.*\s+True\s+closed\s+0\s+[0-9a-f]{12}\s+<none>$/);
  expect(await pools()).toEqual([expect.objectContaining({ name: 'ci', desired: 2, min: 2, max: 6 })]);
  expect((await cli(['get', 'pools', '-o', 'yaml'])).stdout).toMatch(/^- name: ci\n/);

  // The runners the table lists are the ones the simulator has online and the engine runs.
  const sim = (await simRunners()).filter((r) => r.status === 'online');
  const ids = new Set((await running()).map((c) => c.id.slice(0, 12)));
  const lines = (await cli(['get', 'runners'])).stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^NAME\s+POOL\s+STATE\s+BUSY\s+AGE\s+CONTAINER\s+GITHUB-ID$/);
  expect(lines).toHaveLength(3);
  for (const l of lines.slice(1)) {
    const m = /^(ci-[0-9a-z]+)\s+ci\s+idle\s+false\s+\d+s\s+([0-9a-f]{12})\s+(\d+)$/.exec(l);
    expect(m).not.toBeNull();
    expect(sim.find((r) => r.name === m![1])?.id).toBe(Number(m![3]));
    expect(ids.has(m![2]!)).toBe(true);
    expect(l.indexOf(' ci ') + 1).toBe(lines[0]!.indexOf('POOL'));
  }
  const wideR = (await cli(['get', 'runners', '-o', 'wide'])).stdout.split('\n');
  expect(wideR[0]).toMatch(/GITHUB-ID\s+CONTAINER-STATE\s+GITHUB-STATUS\s+LABELS\s+WHY$/);
  expect(wideR[1]).toMatch(/\s[0-9a-f]{12}\s+\d+\s+running\s+online\s+self-hosted,Linux,X64\s+online, idle$/);
  const rj = await runners();
  expect(rj).toHaveLength(2);
  expect(rj[0]).toMatchObject({ pool: 'ci', state: 'idle', busy: false });
  expect((await cli(['get', 'runners', '-o', 'yaml'])).stdout).toMatch(/^- name: ci-/);
  const one = rj[1]!;
  expect(JSON.parse((await cli(['get', 'runners', one.name, '-o', 'json'])).stdout)).toMatchObject({ name: one.name, github_id: one.github_id, container_id: one.container_id });
  const [nope, nopePool] = await Promise.all([cli(['get', 'runners', 'nope']), cli(['get', 'pool', 'nope'])]);
  expect(nope).toMatchObject({ code: 1, stderr: 'error: runner "nope" not found; `shghar get runners` lists them\n' });
  expect(nopePool.code).toBe(1);
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

// Shared by the logs and delete tests: the two idle runners, one of them given a long job, and a follower of each.
let idle: RunnerJson[] = [];
let busyName = '';
let idleName = '';
let jobId = 0;
const followers = new Map<string, CliChild>();

test('logs: the runner container\'s real output, with --tail; unknown runner exits 1', async () => {
  await settled(2);
  idle = await runners();
  await Promise.all(
    idle.map(async (r) => {
      const online = `[fake-runner] runner ${r.name} (${r.github_id}) online\n`;
      // By name, and by container id and GitHub id too, as `get runners` shows them.
      const [all, byContainer, byGitHubId] = await Promise.all([
        cli(['logs', r.name]),
        cli(['logs', r.container_id, '--tail', '1']),
        cli(['logs', String(r.github_id), '--tail', '5']),
      ]);
      expect(all).toMatchObject({ code: 0, stdout: online });
      expect(byContainer.stdout).toBe(online);
      expect(byGitHubId.stdout).toBe(online);
    }),
  );
  // --tail 0 is the whole log (the engine itself reads a tail of 0 as none).
  expect((await cli(['logs', idle[0]!.name, '--tail', '0'])).stdout).toBe(`[fake-runner] runner ${idle[0]!.name} (${idle[0]!.github_id}) online\n`);
  expect((await cli(['logs', idle[0]!.name, '--tail', 'x'])).code).toBe(2);
  const ghost = await cli(['logs', 'ghost']);
  expect(ghost.code).toBe(1);
  expect(ghost.stderr).toMatch(/runner "ghost" not found/);
});

test('logs -f prints the lines the runner writes after it started, and stops when the runner is gone', async () => {
  for (const r of idle) followers.set(r.name, w.spawnCli(['logs', r.name, '-f', '--tail', '1']));
  for (const r of idle) await until(`${r.name}'s follower to print its first line`, () => followers.get(r.name)!.stdout().includes(' online\n'), 15_000);
  // A long job: whichever runner takes it writes new lines while its follower is running.
  jobId = (await w.sim.control.enqueueJob({ repository: 'acme/app', labels: POOL_JOB_LABELS, durationMs: 120_000 })).id;
  const job = await until('the job to start on a ci runner', async () => (await w.sim.control.state()).jobs.find((j) => j.id === jobId && j.status === 'in_progress'), 15_000);
  busyName = job.runnerName!;
  idleName = idle.map((r) => r.name).find((n) => n !== busyName)!;
  expect(idle.map((r) => r.name)).toContain(busyName);
  const follower = followers.get(busyName)!;
  await until('the followed job line', () => follower.stdout().includes(`[fake-runner] running job ${jobId} for 120000 ms\n`), 15_000);
  const busyGh = idle.find((r) => r.name === busyName)!.github_id;
  // Each line once, in order: the tail, then what came after.
  expect(follower.stdout()).toBe(`[fake-runner] runner ${busyName} (${busyGh}) online\n[fake-runner] running job ${jobId} for 120000 ms\n`);
  expect(followers.get(idleName)!.stdout()).not.toContain('running job');
  expect(follower.exitCode()).toBeNull();
}, 40_000);

test('delete runner: an idle one is removed; a busy one is refused with exit 1 and a hint, then --force', async () => {
  await until(`${busyName} busy in the controller's view`, async () => (await runners()).find((r) => r.name === busyName)?.busy, 15_000);
  const refused = await cli(['delete', 'runner', busyName]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/running a job\n {2}hint: wait for the job, or use --force\n$/);
  expect((await running()).some((c) => c.name === busyName || c.labels['io.shghar.runner-name'] === busyName)).toBe(true);

  const ok = await cli(['delete', 'runner', idleName]);
  expect(ok).toMatchObject({ code: 0, stdout: `runner/${idleName} deleted\n` });
  expect((await simRunners()).some((r) => r.name === idleName)).toBe(false);
  expect((await w.containers()).some((c) => c.labels['io.shghar.runner-name'] === idleName)).toBe(false);
  // The follower of a runner that is gone stops by itself, with success.
  await until(`${idleName}'s follower to exit`, () => followers.get(idleName)!.exitCode() === 0, 10_000);

  const forced = await cli(['delete', 'runner', busyName, '--force']);
  expect(forced.stderr).toBe('');
  // GitHub keeps the registration of a runner mid-job; the container is gone and the registration is cleaned up later.
  expect(forced).toMatchObject({ code: 0, stdout: `runner/${busyName} deleted (its registration is still running a job on GitHub; it will be cleaned up)\n` });
  expect((await w.containers()).some((c) => c.labels['io.shghar.runner-name'] === busyName)).toBe(false);
  await until(`${busyName}'s follower to exit`, () => followers.get(busyName)!.exitCode() === 0, 10_000);
  // The job lost its runner; cancel it so no later runner picks it up again.
  await w.sim.control.cancelJob(jobId);
  await until(`${busyName}'s registration cleaned up`, async () => !(await simRunners()).some((r) => r.name === busyName), 30_000, 200);
  await settled(2);
  expect((await runners()).map((r) => r.name)).not.toEqual(expect.arrayContaining([busyName]));
}, 60_000);

test('scale pool: server-side apply of the new bounds, kept in the state directory', async () => {
  const r = await cli(['scale', 'pool', 'ci', '--min', '3', '--max', '5']);
  expect(r.stderr).toBe('');
  expect(r).toMatchObject({ code: 0, stdout: 'pool/ci scaled (max 6 -> 5, min 2 -> 3)\n' });
  expect((await pools())[0]).toMatchObject({ min: 3, max: 5 });
  const stored = readdirSync(w.stateDir).map((f) => readFileSync(join(w.stateDir, f), 'utf8'));
  expect(stored.find((t) => /name: ci\b/.test(t))).toMatch(/max: 5/);
  await settled(3);
  expect((await cli(['scale', 'pool', 'ci', '--min', '3'])).stdout).toBe('pool/ci unchanged (min 3, max 5)\n');
  const bad = await cli(['scale', 'pool', 'ci', '--min', '9']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('spec.scaling.max: must be >= spec.scaling.min (9)');
  expect((await cli(['scale', 'pool', 'ci', '--min', 'x'])).code).toBe(2);
}, 45_000);

test('connection and token errors say how to fix them', async () => {
  const down = await cli(['get', 'pools'], { SHGHAR_SERVER: 'http://127.0.0.1:1' });
  expect(down.code).toBe(1);
  expect(down.stderr).toBe('error: cannot reach http://127.0.0.1:1: is `shghar run` running? set --server or SHGHAR_SERVER\n');
  const spec = w.file('ci.yaml', ciSpec(3, 5));
  const noToken = await cli(['apply', '-f', spec], { SHGHAR_TOKEN: '' });
  expect(noToken.code).toBe(1);
  expect(noToken.stderr).toMatch(/missing bearer token[\s\S]*hint: pass --token or set SHGHAR_TOKEN\n$/);
  const wrongToken = await cli(['apply', '-f', spec, '--token', 'nope', '--server', w.server]);
  expect(wrongToken.code).toBe(1);
  expect(wrongToken.stderr).toMatch(/not valid[\s\S]*hint: check --token/);
});

test('delete pool --wait drains and removes it: no container, no registration left', async () => {
  const r = await cli(['delete', 'pool', 'ci', '--wait', '--timeout', '40s']);
  expect(r.stderr).toBe('');
  expect(r).toMatchObject({ code: 0, stdout: 'pool/ci deleting (draining)\npool/ci deleted\n' });
  expect(await w.containers()).toEqual([]);
  expect((await simRunners()).filter((x) => x.name.startsWith('ci-'))).toEqual([]);
  expect((await cli(['get', 'pools'])).stdout).toMatch(/^No pools/);
  expect((await cli(['get', 'runners'])).stdout).toMatch(/^No runners/);
}, 60_000);
