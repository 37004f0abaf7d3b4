/** Runs the entrypoint test image in real containers and reads what the stand-ins recorded. */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface RunOptions {
  env?: Record<string, string>;
  privileged?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A directory the container writes its records to (mounted at /record). */
export class Records {
  readonly dir = mkdtempSync(join(tmpdir(), 'shghar-entrypoint-records-'));
  constructor() {
    chmodSync(this.dir, 0o777); // the stand-ins write as the runner user
  }
  has(name: string): boolean {
    return existsSync(join(this.dir, name));
  }
  text(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }
  /** A NUL-separated record (argv, env -0) as a list. */
  list(name: string): string[] {
    const raw = this.text(name);
    return raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function runArgs(image: string, records: Records, options: RunOptions): string[] {
  const args = ['--network', 'host', '-v', `${records.dir}:/record`];
  // This host's engine cannot grant every capability, so --privileged fails here; these two are what the
  // entrypoint checks for and what --privileged gives a production container.
  if (options.privileged) args.push('--cap-add', 'SYS_ADMIN', '--cap-add', 'NET_ADMIN');
  for (const [key, value] of Object.entries(options.env ?? {})) args.push('-e', `${key}=${value}`);
  return [...args, image];
}

/** Runs a container to completion and returns its exit code and output. */
export async function runToExit(image: string, records: Records, options: RunOptions = {}): Promise<RunResult> {
  try {
    const { stdout, stderr } = await exec('docker', ['run', '--rm', ...runArgs(image, records, options)], { timeout: 30_000 });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { exitCode: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Starts a container in the background; returns its id. */
export async function startDetached(image: string, records: Records, options: RunOptions = {}): Promise<string> {
  const { stdout } = await exec('docker', ['run', '-d', ...runArgs(image, records, options)]);
  return stdout.trim();
}

export async function signal(id: string, name: string): Promise<void> {
  await exec('docker', ['kill', '--signal', name, id]);
}

/** Waits for the container to exit; returns its exit code and logs, then removes it. */
export async function waitForExit(id: string): Promise<RunResult> {
  try {
    const { stdout } = await exec('docker', ['wait', id], { timeout: 30_000 });
    const logs = await exec('docker', ['logs', id]);
    return { exitCode: Number(stdout.trim()), stdout: logs.stdout, stderr: logs.stderr };
  } finally {
    await exec('docker', ['rm', '-f', id]).catch(() => undefined);
  }
}

/** Polls until `condition` holds, failing after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
