import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { ErrorKind, PortError } from '../../pkg/errors.js';

/**
 * A wedged Docker engine (it happens: `docker ps` hangs) accepts the connection and never answers. The pool's
 * tick awaits the container list every time, so a list without a deadline froze the loop for good. It must fail
 * after its timeout as "unreachable" (the tick then reports the error and tries again next time).
 */
let server: Server;
let dir: string;
const sockets: Socket[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shghar-adv-dock-'));
  server = createServer((s) => sockets.push(s)); // reads the request, never answers
  await new Promise<void>((r) => server.listen(join(dir, 'docker.sock'), r));
});
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('listing containers on an engine that never answers fails as unreachable after the timeout', async () => {
  const runtime = createRuntimePort({ socketPath: join(dir, 'docker.sock'), listTimeoutMs: 500 });
  const began = Date.now();
  const err = await runtime.list({ 'io.shghar.managed-by': 'shghar' }).then(() => undefined, (e: unknown) => e);
  expect(Date.now() - began).toBeLessThan(3_000);
  expect(err).toBeInstanceOf(PortError);
  expect((err as PortError).kind).toBe(ErrorKind.Unreachable);
}, 15_000);
