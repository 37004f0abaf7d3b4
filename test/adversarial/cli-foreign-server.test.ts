import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { BIN, buildBinary } from '../helpers/cli-world.js';

/**
 * --server pointing at something that is not a shghar controller (a web page, another JSON service, the GitHub
 * simulator): every client command fails with exit 1 and a short error naming the fix; none reports success, prints
 * a page as a log, or fails with a JavaScript message such as "Cannot read properties of undefined".
 */
const execFileP = promisify(execFile);
jest.setTimeout(120_000);

const serve = (type: string, status: number, body: string): Promise<Server> =>
  new Promise((resolve) => {
    const s = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
const urlOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

const cli = async (server: string, args: string[]) => {
  try {
    const r = await execFileP(process.execPath, [BIN, ...args, '--server', server], { env: { PATH: process.env.PATH ?? '', SHGHAR_TOKEN: 't' }, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout: string; stderr: string };
    return { code: x.code ?? -1, stdout: x.stdout, stderr: x.stderr };
  }
};

const scratch = mkdtempSync(join(tmpdir(), 'shghar-cli-foreign-'));
const SPEC = join(scratch, 'pool.yaml');
writeFileSync(SPEC, 'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata: { name: x }\nspec:\n  repository: acme/app\n  runner: { image: runner:test, labels: [self-hosted] }\n');

const COMMANDS = [
  ['get', 'pools'],
  ['get', 'runners', '-o', 'json'],
  ['describe', 'pool', 'x'],
  ['scale', 'pool', 'x', '--min', '1', '--max', '2'],
  ['logs', 'x'],
  ['delete', 'runner', 'x'],
  ['delete', 'pool', 'x'],
  ['apply', '-f', SPEC],
  ['diff', '-f', SPEC],
];

let servers: Server[] = [];
let sim: Simulator;
beforeAll(async () => {
  expect(await buildBinary(/cmd\/client\//)).toEqual([]);
  servers = await Promise.all([serve('text/html', 200, '<html>hello</html>'), serve('application/json', 200, '{}'), serve('text/html', 404, '<h1>nope</h1>')]);
  sim = await startSimulator({});
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await sim?.close();
  rmSync(scratch, { recursive: true, force: true });
});

test.each([
  ['an HTML page', 0],
  ['a JSON service', 1],
  ['an HTML 404', 2],
  ['the GitHub simulator', 3],
])('against %s, every client command fails with exit 1 and says --server is wrong', async (_what, i) => {
  const server = i === 3 ? sim.url : urlOf(servers[i]!);
  const results = await Promise.all(COMMANDS.map((args) => cli(server, args)));
  results.forEach((r, k) => {
    const shown = `${COMMANDS[k]!.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}`;
    expect([shown, r.code]).toEqual([shown, 1]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/like a shghar controller[\s\S]*--server/);
    expect(r.stderr).not.toMatch(/Cannot read|undefined|\n\s+at /);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });
});
