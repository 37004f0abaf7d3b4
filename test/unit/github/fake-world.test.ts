import { FakeRuntime } from '../../../pkg/docker/fake.js';
import { FakeGitHub } from '../../../pkg/github/fake.js';
import { linkFakes } from '../../../pkg/github/fake-world.js';
import { Label } from '../../../pkg/docker/port.js';
import type { Scope } from '../../../pkg/spec/types.js';

const S: Scope = { kind: 'repo', owner: 'o', repo: 'r' };

async function runner(gh: FakeGitHub, rt: FakeRuntime, name: string, labels: string[]) {
  const jit = await gh.createJitConfig(S, { name, labels });
  const id = await rt.create({
    name,
    image: 'runner',
    env: { ACTIONS_RUNNER_INPUT_JITCONFIG: jit.encodedJitConfig },
    labels: { [Label.RunnerName]: name },
    volumes: [],
    privileged: false,
  });
  await rt.start(id);
  return { regId: jit.runner.id, containerId: id };
}

test('a runner comes online, takes a matching job, finishes it, exits 0 and its registration goes away', async () => {
  let now = 0;
  const gh = new FakeGitHub({ now: () => now });
  const rt = new FakeRuntime({ now: () => now });
  const world = linkFakes(gh, rt, { now: () => now, jobDurationMs: 1000 });
  const { regId, containerId } = await runner(gh, rt, 'ci-1', ['gpu']);
  expect(gh.registrations()[0]).toMatchObject({ id: regId, status: 'online', busy: false });

  const other = gh.enqueueJob('o/r', ['self-hosted', 'arm64']);
  const job = gh.enqueueJob('o/r', ['SELF-HOSTED', 'GPU']);
  world.step();
  expect(gh.jobsInWorld().find((j) => j.id === job.id)).toMatchObject({ status: 'in_progress', runnerId: regId });
  expect(gh.jobsInWorld().find((j) => j.id === other.id)!.status).toBe('queued');
  expect(await gh.deleteRegistration(S, regId)).toBe('busy');

  now = 999;
  world.step();
  expect(rt.get(containerId)!.state).toBe('running');
  now = 1000;
  world.step();
  expect(rt.get(containerId)).toMatchObject({ state: 'exited', exitCode: 0 });
  expect(gh.registrations()).toEqual([]);
});

test('a container that dies without a job leaves its registration offline', async () => {
  const gh = new FakeGitHub();
  const rt = new FakeRuntime();
  linkFakes(gh, rt);
  const { regId, containerId } = await runner(gh, rt, 'ci-2', ['x']);
  rt.exit(containerId, 1);
  expect(gh.registrations()).toEqual([expect.objectContaining({ id: regId, status: 'offline', busy: false })]);
});
