import { randomBytes } from 'node:crypto';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import type { ContainerEvent } from '../../pkg/docker/port.js';
import { ensureShellImage } from './helpers/shell-image.js';

/** The real engine's event stream, filtered by label: what wakes a pool when one of its runners exits. */
test('watch reports start and die of labelled containers only', async () => {
  const image = ensureShellImage();
  const port = createRuntimePort();
  const mine = { 'io.shghar.test-events': randomBytes(4).toString('hex') };
  const seen: ContainerEvent[] = [];
  const stop = port.watch!(mine, (e) => seen.push(e));
  const ids: string[] = [];
  try {
    await new Promise((r) => setTimeout(r, 300)); // the stream is open before the first container starts
    const base = { image, env: {}, volumes: [], privileged: false, network: 'none' };
    const other = await port.create({ ...base, name: `ev-other-${mine['io.shghar.test-events']}`, labels: { 'io.shghar.test-events': 'someone-else' } });
    ids.push(other);
    await port.start(other);
    const id = await port.create({ ...base, name: `ev-${mine['io.shghar.test-events']}`, labels: mine });
    ids.push(id);
    await port.start(id);
    const deadline = Date.now() + 15_000;
    while (!seen.some((e) => e.containerId === id && e.action === 'start') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await port.stop(id, 0);
    while (!seen.some((e) => e.containerId === id && e.action === 'die') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen.filter((e) => e.containerId === id).map((e) => e.action)).toEqual(['start', 'die']);
    expect(seen.find((e) => e.containerId === id)?.labels['io.shghar.test-events']).toBe(mine['io.shghar.test-events']);
    expect(seen.some((e) => e.containerId === other)).toBe(false);
  } finally {
    stop();
    for (const c of ids) await port.remove(c);
  }
});

test('creating from an image the engine lacks tries a pull and fails as not-found, saying so', async () => {
  const port = createRuntimePort();
  const t0 = Date.now();
  const err = await port
    .create({ name: `nopull-${randomBytes(3).toString('hex')}`, image: 'shghar-no-such-image:missing', env: {}, labels: {}, volumes: [], privileged: false })
    .catch((e: unknown) => e as { kind: string; message: string });
  expect(err).toEqual(expect.objectContaining({ kind: 'not-found' }));
  expect((err as { message: string }).message).toMatch(/shghar-no-such-image:missing is not on this engine and could not be pulled/);
  expect(Date.now() - t0).toBeLessThan(30_000);
});
