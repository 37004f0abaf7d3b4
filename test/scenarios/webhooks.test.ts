import { record } from '../helpers/recording.js';
import { always, liveContainers, sampler, startWebhookWorld, type WebhookWorld } from '../helpers/scenario.js';
import { poolDoc, until } from '../helpers/world.js';

/**
 * S06, S07 and S08 through the webhook path: the simulator delivers signed workflow_job webhooks to the
 * controller's real endpoint; polling is slow (or, for S08, the safety net that recovers a lost delivery).
 */

let w: WebhookWorld;
afterEach(async () => {
  await w?.close();
});

const firstPollDone = (w: WebhookWorld, pool: string) => until('first tick', () => w.pool(pool).lastTick?.snapshot.jobs !== undefined);

test('S06 labels match case-insensitively, and only as a whole', async () => {
  w = await startWebhookWorld();
  const rec = record(w.github, w.runtime);
  w.start(poolDoc({ name: 's06', labels: ['self-hosted', 'Linux', 'GPU'], min: 0, max: 3, poll: '60s' }), {
    webhooks: true,
    github: rec.github,
    runtime: rec.runtime,
  });
  await firstPollDone(w, 's06');
  const a = await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'linux', 'gpu'], durationMs: 1_000 });
  const b = await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'linux', 'arm64'], durationMs: 1_000 });
  await until('A runs', async () => (await w.sim.control.state()).jobs.find((j) => j.id === a.id)?.runnerName, 10_000);
  await always('exactly one runner created', () => rec.of('jit').length === 1, 1_500);
  // B is reported as unmatched, in the manager's view (status) and as a metric.
  expect(w.manager!.unmatchedJobs().map((j) => j.id)).toEqual([b.id]);
  expect(await w.metrics.text()).toMatch(/shghar_unmatched_queued_jobs 1/);
  expect((await w.sim.control.state()).jobs.find((j) => j.id === b.id)?.status).toBe('queued');
});

test('S07 one job, one runner, whatever the event history', async () => {
  w = await startWebhookWorld();
  const rec = record(w.github, w.runtime);
  w.start(poolDoc({ name: 's07', min: 0, max: 5, poll: '60s' }), { webhooks: true, github: rec.github, runtime: rec.runtime });
  await firstPollDone(w, 's07');
  const labels = ['self-hosted', 'linux'];
  // Job 1 waits for approval in the simulator; GitHub's history for it is queued, waiting, queued again.
  const j1 = await w.sim.control.enqueueJob({ repository: 'acme/app', labels, durationMs: 2_000, status: 'waiting' });
  const delivery = '2f6c1b9e-7a4d-11ee-8c99-0242ac120002';
  expect(await w.deliver('queued', { id: j1.id, runId: j1.runId, labels }, delivery)).toBe(200);
  await until('a runner for job 1', () => rec.of('jit').length === 1, 10_000);
  expect(await w.deliver('waiting', { id: j1.id, runId: j1.runId, labels })).toBe(200);
  expect(await w.deliver('queued', { id: j1.id, runId: j1.runId, labels }, delivery)).toBe(200); // a redelivery
  await w.sim.control.releaseJob(j1.id); // the real `queued` again
  await until('job 1 runs', async () => (await w.sim.control.state()).jobs.find((j) => j.id === j1.id)?.runnerName, 10_000);
  // Job 2 arrives with a delivery id sharing a long prefix with an earlier one, and is redelivered.
  const j2 = await w.sim.control.enqueueJob({ repository: 'acme/app', labels, durationMs: 2_000 });
  expect(await w.deliver('queued', { id: j2.id, runId: j2.runId, labels }, `${delivery.slice(0, -1)}3`)).toBe(200);
  await until('job 2 runs', async () => (await w.sim.control.state()).jobs.find((j) => j.id === j2.id)?.runnerName, 10_000);
  await always('exactly two runners in total', () => rec.of('jit').length === 2, 1_500);
});

test('S08 a lost webhook is recovered by polling', async () => {
  w = await startWebhookWorld();
  const rec = record(w.github, w.runtime);
  const pollMs = 4_000;
  w.start(poolDoc({ name: 's08', min: 0, max: 5, poll: `${pollMs}ms` }), { webhooks: true, github: rec.github, runtime: rec.runtime });
  await firstPollDone(w, 's08');
  const live = sampler(() => liveContainers(w));
  const known = (await w.sim.control.state()).jobs.map((j) => j.id);
  const third = Math.max(999, ...known) + 3;
  await w.sim.control.setWebhookFaults({ dropJobIds: [third] });
  const t0 = Date.now();
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push((await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted'], durationMs: 6_000 })).id);
  expect(ids[2]).toBe(third);
  await until('2 runners from the webhooks', () => rec.of('jit').length === 2, 5_000);
  expect(Date.now() - t0).toBeLessThan(pollMs * 0.6);
  await until('the third from polling', () => rec.of('jit').length === 3, pollMs + 3_000);
  expect(rec.of('jit')[2].began - t0).toBeLessThanOrEqual(pollMs + 1_000);
  await until('all 3 jobs running', async () => (await w.sim.control.state()).jobs.filter((j) => ids.includes(j.id) && j.runnerName).length === 3, 10_000);
  await always('never more than 3', () => rec.of('jit').length === 3, 1_000);
  expect(await live.stop()).toBeLessThanOrEqual(3);
});
