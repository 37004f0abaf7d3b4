import { startWorld, until, poolDoc, type World } from '../helpers/world.js';

const online = async (w: World) => (await w.sim.control.state()).runners.filter((r) => r.status === 'online').length;

describe('the reconcile loop on real Docker against the simulator', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w.close();
  });

  test('keeps the minimum online, serves queued jobs, and returns to the minimum', async () => {
    w.start(poolDoc({ name: 'smoke', min: 2, max: 4 }));
    await until('2 online runners', async () => (await online(w)) === 2);
    for (let i = 0; i < 3; i++) await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 500 });
    await until('3 jobs completed', async () => (await w.sim.control.state()).jobs.filter((j) => j.status === 'completed').length === 3, 30_000);
    await until('back to 2 online', async () => (await online(w)) === 2);
    // Ephemeral runners that served a job are gone: no exited container and no offline registration is left.
    await until('exited containers cleaned up', async () => (await w.containers()).every((c) => c.state === 'running'));
    expect((await w.sim.control.state()).runners.every((r) => r.status === 'online')).toBe(true);
  });

  test('registration-token mode: runners register with a short-lived token and serve a job', async () => {
    await w.manager?.stop();
    for (const c of await w.containers()) await w.runtime.remove(c.id);
    w.start(poolDoc({ name: 'tok', min: 1, max: 2 }).replace('    network: host\n', '    network: host\n    mode: registration-token\n'));
    await until('1 online token-mode runner', async () => (await w.sim.control.state()).runners.filter((r) => r.status === 'online' && r.name.startsWith('tok-')).length === 1);
    const { id } = await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 300 });
    await until('the job completed', async () => (await w.sim.control.state()).jobs.find((j) => j.id === id)?.status === 'completed', 20_000);
    // The ephemeral runner is gone after its job and a fresh one keeps the minimum.
    await until('replaced', async () => (await w.sim.control.state()).runners.filter((r) => r.status === 'online' && r.name.startsWith('tok-')).length === 1);
  });

  test('stopping with drain removes idle runners and leaves the busy one running its job', async () => {
    // A world of its own: runners killed by the earlier tests may still look online to the simulator for a while.
    const d = await startWorld();
    try {
      await drainCase(d);
    } finally {
      await d.close();
    }
  });
});

async function drainCase(w: World): Promise<void> {
  w.start(poolDoc({ name: 'drain', min: 2, max: 2 }));
  await until('2 online', async () => (await w.sim.control.state()).runners.filter((r) => r.status === 'online' && r.name.startsWith('drain-')).length === 2);
  const { id } = await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 60_000 });
  const busy = await until('the job running', async () => (await w.sim.control.state()).jobs.find((j) => j.id === id && j.status === 'in_progress')?.runnerName);
  await w.manager!.stop({ drain: true });
  const left = (await w.containers()).filter((c) => c.state === 'running').map((c) => c.name);
  expect(left).toEqual([busy]);
  expect((await w.sim.control.state()).jobs.find((j) => j.id === id)?.status).toBe('in_progress');
  expect((await w.sim.control.state()).runners.map((r) => r.name)).toEqual([busy]);
}

