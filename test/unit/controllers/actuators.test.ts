import { Actuators } from '../../../controllers/actuators.js';
import { ActionKind, type RemovalAction } from '../../../controllers/types.js';
import { FakeRuntime } from '../../../pkg/docker/fake.js';
import { FakeGitHub } from '../../../pkg/github/fake.js';
import { parseSpecText } from '../../../pkg/spec/index.js';

const spec = parseSpecText(
  'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata:\n  name: p\nspec:\n  repository: acme/app\n  runner:\n    image: img\n',
  'p.yaml',
).pools[0]!.spec;

const setup = () => {
  const github = new FakeGitHub();
  const runtime = new FakeRuntime({ images: ['img'] });
  const act = new Actuators({ github, runtime, controllerId: 'c', retry: { attempts: 3, baseDelayMs: 1 } }, 4);
  return { github, runtime, act };
};

describe('Actuators', () => {
  test('a removal planned again from a listing taken before the first finished is not done (or counted) twice', async () => {
    const { runtime, act } = setup();
    const id = runtime.seed({ name: 'p-1', image: 'img', env: {}, labels: {}, volumes: [], privileged: false }, 'exited');
    const cleanup: RemovalAction = { kind: ActionKind.CleanupExited, runnerName: 'p-1', containerId: id, reason: 'exited' };
    expect((await act.removeRunners(spec, [cleanup])).map((o) => o.kind)).toEqual(['deleted']);
    expect(await act.removeRunners(spec, [cleanup])).toEqual([]);
    expect(runtime.callsOf('remove')).toHaveLength(1);
    expect(act.wasRemoved(id)).toBe(true);
  });

  test('scale-down deletes the registration first and keeps a busy runner untouched', async () => {
    const { github, runtime, act } = setup();
    const reg = github.addRegistration(spec.scope, { name: 'p-2', status: 'online', busy: true });
    const id = runtime.seed({ name: 'p-2', image: 'img', env: {}, labels: {}, volumes: [], privileged: false });
    const down: RemovalAction = { kind: ActionKind.ScaleDown, runnerName: 'p-2', containerId: id, registrationId: reg.id, reason: 'idle' };
    expect((await act.removeRunners(spec, [down])).map((o) => o.kind)).toEqual(['kept-busy']);
    expect(runtime.callsOf('stop')).toHaveLength(0);
    expect(runtime.callsOf('remove')).toHaveLength(0);
  });

  test('a create that fails after the JIT config deletes the registration again', async () => {
    const { github, runtime, act } = setup();
    runtime.failNext('create', 400);
    const [outcome] = await act.createRunners(spec, 'h', ['p-3'], 'http://github.test');
    expect(outcome!.kind).toBe('create-failed');
    expect(github.callsOf('createJitConfig')).toHaveLength(1);
    expect(github.callsOf('deleteRegistration')).toHaveLength(1);
    expect(github.registrations()).toEqual([]);
  });
});
