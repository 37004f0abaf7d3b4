import { randomBytes } from 'node:crypto';
import { PortError } from '../../pkg/errors.js';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { FakeRuntime } from '../../pkg/docker/fake.js';
import { Label, type ContainerInfo, type ContainerSpec, type RuntimePort } from '../../pkg/docker/port.js';
import { ensureShellImage, SHELL_IMAGE } from './helpers/shell-image.js';

/** What a container should do once started: print MSG, and exit with a code if given. */
interface Behaviour {
  msg: string;
  exitCode?: number;
}

interface Subject {
  port: RuntimePort;
  setup(): void;
  /** The real engine runs the image's command; the fake needs to be told what the process did. */
  afterStart(id: string, b: Behaviour): void;
}

const RUN = randomBytes(4).toString('hex');
const MANAGED_BY = 'shghar-contract-test';

function subjects(): [string, () => Subject][] {
  return [
    [
      'FakeRuntime',
      () => {
        const fake = new FakeRuntime({ images: [SHELL_IMAGE] });
        return {
          port: fake,
          setup: () => undefined,
          afterStart: (id, b) => {
            fake.log(id, `out:${b.msg}`, `err:${b.msg}`);
            if (b.exitCode !== undefined) fake.exit(id, b.exitCode);
          },
        };
      },
    ],
    [
      'dockerode on the real engine',
      () => ({ port: createRuntimePort(), setup: () => void ensureShellImage(), afterStart: () => undefined }),
    ],
  ];
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectPortError(p: Promise<unknown>, kind: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PortError);
  expect((err as PortError).kind).toBe(kind);
}

describe.each(subjects())('RuntimePort contract: %s', (_name, make) => {
  const subject = make();
  const port = subject.port;
  const controllerId = `contract-${RUN}-${_name.length}`;
  let seq = 0;

  const spec = (over: Partial<ContainerSpec> = {}, b: Behaviour = { msg: 'hi' }): ContainerSpec => {
    const name = `shghar-contract-${RUN}-${_name.length}-${++seq}`;
    return {
      name,
      image: SHELL_IMAGE,
      env: { MSG: b.msg, ...(b.exitCode !== undefined ? { EXIT_CODE: String(b.exitCode) } : {}) },
      labels: {
        [Label.ManagedBy]: MANAGED_BY,
        [Label.ControllerId]: controllerId,
        [Label.Pool]: 'p1',
        [Label.RunnerName]: name,
        [Label.CreatedAt]: '1700000000000',
      },
      network: 'none',
      volumes: [],
      privileged: false,
      ...over,
    };
  };
  const ours = () => port.list({ [Label.ControllerId]: controllerId });
  const find = async (id: string): Promise<ContainerInfo | undefined> => (await ours()).find((c) => c.id === id);

  beforeAll(() => subject.setup());
  afterAll(async () => {
    for (const c of await ours()) await port.remove(c.id);
  });

  test('ping reports the engine version', async () => {
    const v = await port.ping();
    expect(v.version).toEqual(expect.any(String));
    expect(v.apiVersion).toMatch(/^\d+\.\d+$/);
  });

  test('imageExists tells present from absent images', async () => {
    expect(await port.imageExists(SHELL_IMAGE)).toBe(true);
    expect(await port.imageExists('shghar-no-such-image:never')).toBe(false);
  });

  test('create makes a created container listed by its labels, with createdAt from the label', async () => {
    const s = spec();
    const id = await port.create(s);
    const c = await find(id);
    expect(c).toMatchObject({ id, name: s.name, image: SHELL_IMAGE, state: 'created', createdAt: 1700000000000 });
    expect(c!.labels).toMatchObject(s.labels);
  });

  test('list filters on every given label', async () => {
    const a = await port.create(spec({}));
    const b = await port.create(spec({ labels: { ...spec().labels, [Label.Pool]: 'p2' } }));
    const p2 = await port.list({ [Label.ControllerId]: controllerId, [Label.Pool]: 'p2' });
    expect(p2.map((c) => c.id)).toEqual([b]);
    expect((await ours()).map((c) => c.id)).toEqual(expect.arrayContaining([a, b]));
    expect(await port.list({ [Label.ControllerId]: `nobody-${RUN}` })).toEqual([]);
  });

  test('create with a missing image is not-found; a taken name is a conflict', async () => {
    await expectPortError(port.create(spec({ image: 'shghar-no-such-image:never' })), 'not-found');
    const s = spec();
    await port.create(s);
    await expectPortError(port.create({ ...s }), 'conflict');
  });

  test('start runs it (twice is fine), logs hold stdout and stderr as text, stop and remove are idempotent', async () => {
    const b = { msg: `m${RUN}` };
    const id = await port.create(spec({}, b));
    await port.start(id);
    await port.start(id);
    subject.afterStart(id, b);
    expect((await find(id))!.state).toBe('running');
    const text = await waitFor('logs', async () => {
      const t = await port.logs(id, 10);
      return t.includes(`err:${b.msg}`) ? t : undefined;
    });
    expect(text).toContain(`out:${b.msg}\n`);
    expect(text).not.toMatch(/[\u0000-\u0008]/); // demultiplexed: no frame headers
    // 0 means the whole log (the engine alone would read it as "no lines"); 1 is the last line only.
    expect(await port.logs(id, 0)).toBe(text);
    expect((await port.logs(id, 1)).trim().split('\n')).toHaveLength(1);
    await port.stop(id, 5);
    expect((await find(id))!.state).toBe('exited');
    await port.stop(id, 5);
    await port.remove(id);
    expect(await find(id)).toBeUndefined();
    await port.remove(id);
  });

  test('an exited process shows as exited with its exit code and finish time', async () => {
    const b = { msg: 'bye', exitCode: 3 };
    const id = await port.create(spec({}, b));
    await port.start(id);
    subject.afterStart(id, b);
    const c = await waitFor('exit', async () => {
      const x = await find(id);
      return x?.state === 'exited' ? x : undefined;
    });
    expect(c.exitCode).toBe(3);
    expect(c.finishedAt).toEqual(expect.any(Number));
  });

  test('remove force-removes a running container', async () => {
    const id = await port.create(spec());
    await port.start(id);
    await port.remove(id);
    expect(await find(id)).toBeUndefined();
  });

  test('operations on a missing container are not-found (remove is not an error)', async () => {
    const missing = 'f'.repeat(64);
    await expectPortError(port.start(missing), 'not-found');
    await expectPortError(port.stop(missing, 1), 'not-found');
    await expectPortError(port.logs(missing, 5), 'not-found');
    await expect(port.remove(missing)).resolves.toBeUndefined();
  });
});

describe('dockerode port: create options reach the engine', () => {
  const port = createRuntimePort();
  const controllerId = `contract-${RUN}-options`;
  beforeAll(() => void ensureShellImage());
  afterAll(async () => {
    for (const c of await port.list({ [Label.ControllerId]: controllerId })) await port.remove(c.id);
  });

  test('limits, volumes, privileged, restart policy none; remove takes the anonymous volume with it', async () => {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker();
    const name = `shghar-contract-${RUN}-options`;
    const id = await port.create({
      name,
      image: SHELL_IMAGE,
      env: { MSG: 'x' },
      labels: { [Label.ManagedBy]: MANAGED_BY, [Label.ControllerId]: controllerId },
      network: 'none',
      cpus: 0.5,
      memoryBytes: 64 * 1024 * 1024,
      volumes: ['/work', '/tmp:/hosttmp:ro'],
      privileged: true,
    });
    const d = await docker.getContainer(id).inspect();
    expect(d.HostConfig).toMatchObject({
      NanoCpus: 500_000_000,
      Memory: 64 * 1024 * 1024,
      Privileged: true,
      NetworkMode: 'none',
      RestartPolicy: { Name: 'no' },
      AutoRemove: false,
      Binds: ['/tmp:/hosttmp:ro'],
    });
    expect(d.Config.Env).toContain('MSG=x');
    const anon = d.Mounts.find((m) => m.Destination === '/work');
    expect(anon?.Type).toBe('volume');
    await port.remove(id);
    await expect(docker.getVolume(anon!.Name!).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});

test('an engine that is not there is unreachable, for the real port and the fake alike', async () => {
  const real = createRuntimePort({ socketPath: `/tmp/shghar-no-engine-${RUN}.sock` });
  const fake = new FakeRuntime().failNext('*', 'unreachable');
  for (const port of [real, fake]) {
    const e = await port.ping().then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(PortError);
    expect((e as PortError).kind).toBe('unreachable');
  }
});
