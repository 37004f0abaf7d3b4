// Child process for part 2c: reports RSS and heap of a bare process ('baseline') or of a Manager idling one pool.
import { Manager } from '../controllers/manager.js';
import { FakeRuntime } from '../pkg/docker/fake.js';
import { createGitHubPort } from '../pkg/github/octokit-port.js';
import { createMemoryLogger } from '../pkg/log/index.js';
import { parseSpecText } from '../pkg/spec/index.js';
import { sleep } from './stats.js';
import { poolYaml, SIM_TOKEN } from './world.js';

const [mode, simUrl] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function main(): Promise<void> {
  let ticks = 0;
  if (mode === 'manager') {
    const spec = parseSpecText(poolYaml({ name: 'rest', policy: 'demand', min: 0, max: 10, factor: 1, pollIntervalMs: 50 }), 'bench.yaml').pools[0]!;
    const manager = new Manager({
      github: createGitHubPort({ baseUrl: simUrl!, auth: { kind: 'token', token: SIM_TOKEN }, writeSpacingMs: 0 }),
      runtime: new FakeRuntime(),
      controllerId: 'bench-rest',
      webBaseUrl: simUrl!,
      logger: createMemoryLogger('warn').logger,
    });
    manager.apply([{ spec: spec.spec, hash: spec.hash }]);
    manager.start();
    // Idle for a while at a fast tick rate (~100 ticks) so caches, pools and the JIT reach their steady state.
    await sleep(5_000);
    ticks = Math.round(5_000 / 50);
  }
  await sleep(200);
  gc();
  const m = process.memoryUsage();
  process.send?.({ rss: m.rss, heapUsed: m.heapUsed, ticks });
  process.exit(0);
}
void main();
