import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { Label } from '../../pkg/docker/port.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { SIM_TOKEN, until } from './world.js';

/**
 * The world the CLI tests drive: the GitHub simulator, and `shghar run` (the built binary, a child process) against
 * it and the real Docker engine, with a state directory so pools can be applied through the API, and a controller id
 * of its own so cleanup removes only this file's containers.
 */
export const API_TOKEN = 'cli-api-token-0123456789';
const ROOT = new URL('../../', import.meta.url).pathname;
export const BIN = join(ROOT, 'bin/shghar.js');
const execFileP = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running CLI child (for `logs -f`): its output so far, and its exit code once it has exited. */
export interface CliChild {
  stdout(): string;
  exitCode(): number | null | undefined;
  kill(): void;
}

export interface CliWorld {
  sim: Simulator;
  /** the controller's API base URL */
  server: string;
  controllerId: string;
  stateDir: string;
  /** runs `shghar ARGS` to completion with SHGHAR_SERVER / SHGHAR_TOKEN pointing at the controller */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** starts `shghar ARGS` without waiting (follows) */
  spawnCli(args: string[]): CliChild;
  /** writes a file in a scratch folder and returns its path */
  file(name: string, text: string): string;
  /** this controller's containers, any state */
  containers(): ReturnType<ReturnType<typeof createRuntimePort>['list']>;
  /** what the controller printed so far (for failure messages) */
  controllerOutput(): string;
  close(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** True when some source under cmd/, pkg/ or controllers/ is newer than its compiled file in dist/ (or has none). */
export function distIsStale(): boolean {
  const stale = (dir: string): boolean =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).some((e) => {
      const rel = join(dir, e.name);
      if (e.isDirectory()) return stale(rel);
      if (!e.name.endsWith('.ts') || e.name.endsWith('.d.ts')) return false;
      const out = join(ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
      return !existsSync(out) || statSync(out).mtimeMs < statSync(join(ROOT, rel)).mtimeMs;
    });
  return ['cmd', 'pkg', 'controllers'].some(stale);
}

/**
 * Builds dist/ (the binary runs it) when it is older than the sources, and returns the build's error lines that
 * match `mine`: other areas may be mid-change, so a caller fails only on errors in the paths it owns. Skipping an
 * up-to-date build saves its time under `npm test`, which builds and type-checks first.
 */
export async function buildBinary(mine: RegExp): Promise<string[]> {
  if (!distIsStale()) return [];
  const build = await execFileP('npm', ['run', 'build', '--silent'], { cwd: ROOT, timeout: 170_000 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return build.stdout.split('\n').filter((l) => mine.test(l));
}

const childEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', ...extra });

export async function startCliWorld(): Promise<CliWorld> {
  const scratch = mkdtempSync(join(tmpdir(), 'shghar-cli-'));
  const stateDir = join(scratch, 'state');
  const port = await freePort();
  const sim = await startSimulator({ heartbeatTimeoutMs: 3_000 });
  const controllerId = `cli-${randomBytes(4).toString('hex')}`;
  const runtime = createRuntimePort();
  const server = `http://127.0.0.1:${port}`;

  let output = '';
  // No -f: every pool comes through the API (`shghar apply`) and is kept in the state directory.
  const proc: ChildProcess = spawn(
    process.execPath,
    [BIN, 'run', '--github-url', sim.url, '--github-token', 'env:TOK', '--api-token', 'env:API', '--state-dir', stateDir,
      '--listen', `127.0.0.1:${port}`, '--controller-id', controllerId, '--json'],
    { env: childEnv({ TOK: SIM_TOKEN, API: API_TOKEN }), stdio: ['ignore', 'pipe', 'pipe'], cwd: scratch },
  );
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const children = new Set<ChildProcess>();

  const close = async () => {
    for (const c of children) c.kill();
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    for (const c of await runtime.list({ [Label.ControllerId]: controllerId }).catch(() => [])) await runtime.remove(c.id).catch(() => undefined);
    await sim.close();
    rmSync(scratch, { recursive: true, force: true });
  };

  try {
    await until('the controller to answer /readyz', async () => {
      if (proc.exitCode !== null) throw new Error(`shghar run exited with ${proc.exitCode}: ${output}`);
      const r = await fetch(`${server}/readyz`).catch(() => undefined);
      return r?.status === 200;
    }, 30_000, 100);
  } catch (e) {
    await close();
    throw e;
  }

  return {
    sim,
    server,
    controllerId,
    stateDir,
    async cli(args, env = {}) {
      try {
        const r = await execFileP(process.execPath, [BIN, ...args], { env: childEnv({ SHGHAR_SERVER: server, SHGHAR_TOKEN: API_TOKEN, ...env }), timeout: 60_000 });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        const x = e as { code?: number; stdout: string; stderr: string };
        return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout, stderr: x.stderr };
      }
    },
    spawnCli(args) {
      const child = spawn(process.execPath, [BIN, ...args], { env: childEnv({ SHGHAR_SERVER: server }), stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', () => children.delete(child));
      return { stdout: () => out, exitCode: () => child.exitCode, kill: () => child.kill() };
    },
    file(name, text) {
      const p = join(scratch, name);
      writeFileSync(p, text);
      return p;
    },
    containers: () => runtime.list({ [Label.ControllerId]: controllerId }),
    controllerOutput: () => output,
    close,
  };
}
