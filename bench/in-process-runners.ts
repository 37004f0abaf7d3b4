import { FakeRuntime } from '../pkg/docker/fake.js';
import { FakeRunner } from '../pkg/sim/index.js';

/**
 * A FakeRuntime whose "containers" run in-process FakeRunners: starting one redeems its JIT config against the
 * simulator, a runner that finishes exits its container, and stopping a container stops its runner.
 */
export function inProcessRuntime(): { runtime: FakeRuntime; close(): Promise<void> } {
  const runtime = new FakeRuntime();
  const runners = new Map<string, FakeRunner>();
  runtime.onStart((c, spec) => {
    const jitConfig = spec.env.ACTIONS_RUNNER_INPUT_JITCONFIG;
    if (!jitConfig) return;
    const r = new FakeRunner({ jitConfig, pollWaitMs: 1_000 });
    runners.set(c.id, r);
    r.start()
      .then(() => r.done)
      .catch(() => 1)
      .then((code) => {
        runners.delete(c.id);
        if (runtime.get(c.id)?.state === 'running') runtime.exit(c.id, code);
      });
  });
  runtime.onExit((c) => {
    const r = runners.get(c.id);
    runners.delete(c.id);
    void r?.stop();
  });
  return {
    runtime,
    close: async () => {
      await Promise.allSettled([...runners.values()].map((r) => r.stop()));
    },
  };
}
