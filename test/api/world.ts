import { createEventRecorder, type EventRecorder } from '../../controllers/events.js';
import { Manager } from '../../controllers/manager.js';
import { SpecStore } from '../../controllers/spec-store.js';
import { Label } from '../../pkg/docker/port.js';
import { FakeRuntime } from '../../pkg/docker/fake.js';
import { FakeGitHub } from '../../pkg/github/fake.js';
import { createMetrics, type Metrics } from '../../pkg/metrics/index.js';
import { parseSpecText } from '../../pkg/spec/parse.js';
import { createApp, type ApiOptions } from '../../pkg/api/app.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A controller over the recording fakes: containers that start come online on GitHub, like a fake runner. */
export const TOKEN = 'test-token-0123456789';

export const poolYaml = (name: string, over: { min?: number; max?: number; prefix?: string; image?: string } = {}): string => `apiVersion: shghar.io/v1
kind: RunnerPool
metadata:
  name: ${name}
spec:
  repository: acme/app
  runner:
    image: ${over.image ?? 'runner:test'}
    labels: [self-hosted, linux]
    namePrefix: ${over.prefix ?? `${name}-`}
    env:
      SOME_SETTING: hunter2
  scaling:
    min: ${over.min ?? 1}
    max: ${over.max ?? 4}
    idleTimeout: 1h
    pollInterval: 100ms
  graces:
    registration: 30s
`;

export interface World {
  github: FakeGitHub;
  runtime: FakeRuntime;
  manager: Manager;
  events: EventRecorder;
  metrics: Metrics;
  store: SpecStore;
  stateDir: string;
  app: ReturnType<typeof createApp>;
  /** apply a YAML pool directly (as `shghar run -f` would) */
  load(yaml: string): void;
  stop(): Promise<void>;
}

export function makeWorld(opts: Partial<ApiOptions> = {}): World {
  const github = new FakeGitHub();
  const runtime = new FakeRuntime();
  runtime.onStart((c) => {
    const name = c.labels[Label.RunnerName];
    if (name && github.registrations().some((r) => r.name === name)) github.bringOnline(name);
    runtime.log(c.id, `runner ${name} starting`, 'Listening for Jobs');
  });
  const events = createEventRecorder();
  const metrics = createMetrics(undefined, { defaultMetrics: false });
  const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
  const manager = new Manager({ github, runtime, controllerId: 'test', webBaseUrl: 'http://127.0.0.1:1', logger: silent, events, metrics });
  const stateDir = mkdtempSync(join(tmpdir(), 'shghar-api-'));
  const store = new SpecStore(stateDir);
  const app = createApp({ manager, events, metrics, apiToken: TOKEN, store, runtime, github, ...opts });
  return {
    github,
    runtime,
    manager,
    events,
    metrics,
    store,
    stateDir,
    app,
    load(yaml) {
      const parsed = parseSpecText(yaml, 'test.yaml');
      manager.apply(parsed.pools.map((p) => ({ spec: p.spec, hash: p.hash })));
    },
    async stop() {
      await manager.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` until it holds or the deadline passes (then throws with `what`). */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the pool's last tick shows `online` runners online and nothing starting or in flight. */
export const waitOnline = (w: World, pool: string, online: number) =>
  waitFor(`${pool} to have ${online} online`, () => {
    const t = w.manager.get(pool)?.lastTick;
    const g = t?.plan.groups;
    return !!g && g.idle.length + g.busy.length === online && g.starting.length === 0 && t!.snapshot.inFlight.creating === 0;
  });
