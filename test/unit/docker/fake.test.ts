import { PortError } from '../../../pkg/errors.js';
import { FakeRuntime } from '../../../pkg/docker/fake.js';
import type { ContainerSpec } from '../../../pkg/docker/port.js';

const spec = (name: string): ContainerSpec => ({
  name,
  image: 'img:1',
  env: { SECRET: 's' },
  labels: { pool: 'a' },
  volumes: [],
  privileged: false,
});

describe('FakeRuntime', () => {
  test('records every call in order, failed ones included', async () => {
    const rt = new FakeRuntime();
    rt.failNext('start', 503);
    const id = await rt.create(spec('a'));
    await expect(rt.start(id)).rejects.toBeInstanceOf(PortError);
    await rt.start(id);
    await rt.list({ pool: 'a' });
    expect(rt.calls.map((c) => c.method)).toEqual(['create', 'start', 'start', 'list']);
  });

  test('failNext(method, 503, 2) fails exactly twice, retryable, then succeeds', async () => {
    const rt = new FakeRuntime();
    rt.failNext('create', 503, 2);
    const errs: string[] = [];
    for (let i = 0; i < 2; i++) await rt.create(spec(`x${i}`)).catch((e: PortError) => errs.push(`${e.kind}/${e.status}`));
    expect(errs).toEqual(['retryable/503', 'retryable/503']);
    await expect(rt.create(spec('x'))).resolves.toMatch(/^[0-9a-f]{64}$/);
  });

  test("failNext('*', 'unreachable') fails whatever comes next", async () => {
    const rt = new FakeRuntime();
    rt.failNext('*', 'unreachable');
    await expect(rt.ping()).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(rt.ping()).resolves.toMatchObject({ version: 'fake' });
  });

  test('exit() simulates a process exit; onStart hooks fire on start; seed adds without recording', async () => {
    let now = 1000;
    const rt = new FakeRuntime({ now: () => now });
    const started: string[] = [];
    rt.onStart((c) => started.push(c.name));
    const id = await rt.create(spec('r1'));
    await rt.start(id);
    now = 5000;
    rt.exit(id, 1);
    expect(rt.get(id)).toMatchObject({ state: 'exited', exitCode: 1, startedAt: 1000, finishedAt: 5000 });
    expect(started).toEqual(['r1']);
    const foreign = rt.seed(spec('foreign'), 'running', 10);
    expect(rt.get(foreign)).toMatchObject({ state: 'running', createdAt: 10 });
    expect(rt.calls.map((c) => c.method)).toEqual(['create', 'start']);
    expect(rt.specOf(id)!.env.SECRET).toBe('s');
  });

  test('logs honours tail', async () => {
    const rt = new FakeRuntime();
    const id = await rt.create(spec('l'));
    rt.log(id, 'a', 'b', 'c');
    expect(await rt.logs(id, 2)).toBe('b\nc\n');
  });

  test('an image without a tag means :latest', async () => {
    const rt = new FakeRuntime({ images: ['img'] });
    expect(await rt.imageExists('img:latest')).toBe(true);
    expect(await rt.imageExists('registry:5000/img')).toBe(false);
  });
});
