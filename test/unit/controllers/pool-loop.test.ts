import { Manager } from '../../../controllers/manager.js';
import { Label, MANAGED_BY } from '../../../pkg/docker/port.js';
import { FakeRuntime } from '../../../pkg/docker/fake.js';
import { FakeGitHub } from '../../../pkg/github/fake.js';
import { parseSpecText } from '../../../pkg/spec/index.js';

/** The loop over the recording fakes: what one tick decides from a world with a race in it. */
const SPEC = parseSpecText(
  'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata:\n  name: p\nspec:\n  repository: acme/app\n  runner:\n    image: img\n    labels: [self-hosted, linux]\n  scaling:\n    min: 0\n    max: 5\n',
  'p.yaml',
).pools[0]!;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

test('a runner GitHub shows busy before its job is known to have started gets no second runner for that job', async () => {
  const github = new FakeGitHub();
  const runtime = new FakeRuntime({ images: ['img'] });
  const scope = SPEC.spec.scope;
  // p-1 is running and GitHub already says busy; the job it took is still queued in what we know.
  github.addRegistration(scope, { name: 'p-1', labels: ['self-hosted', 'linux'], status: 'online', busy: true });
  runtime.seed({
    name: 'p-1',
    image: 'img',
    env: {},
    volumes: [],
    privileged: false,
    labels: { [Label.ManagedBy]: MANAGED_BY, [Label.ControllerId]: 'c', [Label.Pool]: 'p', [Label.RunnerName]: 'p-1', [Label.CreatedAt]: new Date().toISOString() },
  });
  github.enqueueJob('acme/app', ['self-hosted', 'linux']);
  github.enqueueJob('acme/app', ['self-hosted', 'linux']);
  const manager = new Manager({ github, runtime, controllerId: 'c', webBaseUrl: 'http://github.test', logger: silent });
  manager.apply([{ spec: SPEC.spec, hash: SPEC.hash }]);
  const report = await manager.get('p')!.tick();
  expect(report?.snapshot.assignedRunners).toEqual([]);
  // busy 1 + queued 2, of which one is already on p-1: desired 2, so one create, not two.
  expect(report?.plan.desired).toBe(2);
  expect(report?.guarded.allowed).toEqual([expect.objectContaining({ kind: 'create', count: 1 })]);
  await manager.get('p')!.settle();
});
