import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApiServer, type ApiServer } from '../../pkg/api/app.js';
import { makeWorld, type World } from './world.js';

/** /docs rendered by a real browser: Swagger UI fetches its assets, builds the page and lists the operations. */
const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test/artifacts');

let w: World;
let server: ApiServer;
let profile: string;

beforeAll(async () => {
  w = makeWorld();
  server = await startApiServer(w.app, { port: 0 });
  profile = mkdtempSync(join(tmpdir(), 'shghar-chromium-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await server.close();
  await w.stop();
  rmSync(profile, { recursive: true, force: true });
});

const chromium = (args: string[]) =>
  run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${profile}`, '--virtual-time-budget=5000', ...args], {
    timeout: 60_000,
    maxBuffer: 20 * 1024 * 1024,
  });

test('Chromium is installed (apt-get install -y chromium)', () => {
  expect(existsSync(CHROMIUM)).toBe(true);
});

test('/docs renders every operation in headless Chromium, with a screenshot kept as an artifact', async () => {
  const { stdout: dom } = await chromium(['--dump-dom', `${server.url}/docs/`]);
  expect(dom).toContain('shghar API');
  for (const path of ['/health', '/api/v1/status', '/api/v1/pools/{name}', '/api/v1/runners/scale-up', '/api/v1/runners/{id}/logs', '/status', '/readyz']) {
    expect({ path, rendered: dom.includes(`data-path="${path}"`) }).toEqual({ path, rendered: true });
  }
  expect(dom).toMatch(/opblock-summary-method">PUT</);
  const shot = join(ARTIFACTS, 'docs.png');
  rmSync(shot, { force: true });
  await chromium(['--window-size=1280,2400', `--screenshot=${shot}`, `${server.url}/docs/`]);
  expect(statSync(shot).size).toBeGreaterThan(20_000);
}, 120_000);
