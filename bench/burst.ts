import { randomBytes } from 'node:crypto';
import { formatTable, median, round, waitFor } from './stats.js';
import { BENCH_LABEL, docker, FAKE_RUNNER_IMAGE, poolYaml, removeContainers, startBenchWorld } from './world.js';

/**
 * Part 3: 0 -> N runners through the controller (until N containers run and N runners are online in the simulator),
 * against creating and starting the same N containers directly with dockerode, all in parallel (the engine's limit).
 */

const N = 50;
const REPEATS = 3;
/** Controller settings for the burst (recorded with the results). */
export const BURST_SETTINGS = { writeSpacingMs: 0, maxConcurrentActions: 16, maxCreatePerAction: N, policy: 'demand' as const };

const online = async (control: { state(): Promise<{ runners: { status: string }[] }> }) =>
  (await control.state()).runners.filter((r) => r.status === 'online').length;

async function throughController(): Promise<{ runningMs: number; onlineMs: number }> {
  const world = await startBenchWorld({ writeSpacingMs: BURST_SETTINGS.writeSpacingMs, heartbeatTimeoutMs: 30_000 });
  try {
    const yaml = poolYaml({ name: 'burst', policy: 'demand', min: N, max: N, factor: 1, maxCreatePerAction: N, maxConcurrentActions: BURST_SETTINGS.maxConcurrentActions });
    const t0 = performance.now();
    world.start(yaml);
    let runningMs = 0;
    await waitFor(`${N} containers running and registered`, async () => {
      if (!runningMs && (await world.runningContainers()) >= N) runningMs = performance.now() - t0;
      return runningMs > 0 && (await online(world.sim.control)) >= N;
    }, 180_000, 50);
    return { runningMs, onlineMs: performance.now() - t0 };
  } finally {
    await world.close();
  }
}

async function direct(): Promise<{ runningMs: number; onlineMs: number }> {
  const world = await startBenchWorld({ writeSpacingMs: 0, heartbeatTimeoutMs: 30_000 });
  const tag = randomBytes(4).toString('hex');
  try {
    // Credentials first, untimed: the engine's own limit is what is measured.
    const scope = { kind: 'repo' as const, owner: 'acme', repo: 'app' };
    const configs = await Promise.all(Array.from({ length: N }, (_, i) => world.github.createJitConfig(scope, { name: `direct-${tag}-${i}`, labels: ['self-hosted', 'linux'] })));
    const t0 = performance.now();
    await Promise.all(configs.map(async (c, i) => {
      const ctr = await docker.createContainer({
        name: `direct-${tag}-${i}`,
        Image: FAKE_RUNNER_IMAGE,
        Env: [`ACTIONS_RUNNER_INPUT_JITCONFIG=${c.encodedJitConfig}`],
        Labels: { [BENCH_LABEL]: '1', [`${BENCH_LABEL}.run`]: tag },
        HostConfig: { NetworkMode: 'host' },
      });
      await ctr.start();
    }));
    const runningMs = performance.now() - t0;
    await waitFor(`${N} direct runners online`, async () => (await online(world.sim.control)) >= N, 180_000, 50);
    return { runningMs, onlineMs: performance.now() - t0 };
  } finally {
    await removeContainers(`${BENCH_LABEL}.run=${tag}`);
    await world.close();
  }
}

export interface BurstData {
  runners: number;
  repeats: number;
  settings: typeof BURST_SETTINGS;
  controller: { runningMs: number[]; onlineMs: number[]; medianRunningMs: number; medianOnlineMs: number };
  direct: { runningMs: number[]; onlineMs: number[]; medianRunningMs: number; medianOnlineMs: number };
  /** controller / direct, per repeat (pairs run back to back), then the median of those ratios */
  ratioRunning: number;
  ratioOnline: number;
}

export async function runBurst(log: (s: string) => void): Promise<BurstData> {
  const c = { runningMs: [] as number[], onlineMs: [] as number[] };
  const d = { runningMs: [] as number[], onlineMs: [] as number[] };
  const rRun: number[] = [];
  const rOn: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const a = await direct();
    const b = await throughController();
    d.runningMs.push(Math.round(a.runningMs)); d.onlineMs.push(Math.round(a.onlineMs));
    c.runningMs.push(Math.round(b.runningMs)); c.onlineMs.push(Math.round(b.onlineMs));
    rRun.push(b.runningMs / a.runningMs);
    rOn.push(b.onlineMs / a.onlineMs);
    log(`  burst ${i + 1}/${REPEATS}: direct ${Math.round(a.onlineMs)} ms, controller ${Math.round(b.onlineMs)} ms to ${N} online`);
  }
  const med = (x: { runningMs: number[]; onlineMs: number[] }) => ({ ...x, medianRunningMs: median(x.runningMs), medianOnlineMs: median(x.onlineMs) });
  return { runners: N, repeats: REPEATS, settings: BURST_SETTINGS, controller: med(c), direct: med(d), ratioRunning: round(median(rRun), 2), ratioOnline: round(median(rOn), 2) };
}

export const burstTable = (d: BurstData): string =>
  formatTable(
    `Part 3: 0 -> ${d.runners} runners, median of ${d.repeats} (controller: demand, maxConcurrentActions ${d.settings.maxConcurrentActions}, writeSpacingMs ${d.settings.writeSpacingMs})`,
    ['path', `${d.runners} containers running ms`, `${d.runners} runners online ms`],
    [
      ['dockerode direct, all in parallel', d.direct.medianRunningMs, d.direct.medianOnlineMs],
      ['through the controller', d.controller.medianRunningMs, d.controller.medianOnlineMs],
      ['ratio controller / direct', d.ratioRunning, d.ratioOnline],
    ],
  );
