import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { webhookRouter } from '../../pkg/webhooks/handler.js';
import { startWorld, until, poolDoc, type World } from '../helpers/world.js';

/**
 * Demand from webhooks on real Docker: an organization pool serving three repositories, and two pools with
 * different labels each getting only their own jobs. Polling is slowed to a minute, so only deliveries drive demand.
 */
const SECRET = 'routing-secret';

async function webhookWorld(orgs?: Record<string, string[]>): Promise<{ w: World; server: Server }> {
  const app = express();
  let onJob: Parameters<typeof webhookRouter>[0]['onJob'] = () => [];
  app.use('/webhooks/github', webhookRouter({ secret: SECRET, onJob: (j) => onJob(j) }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`;
  const w = await startWorld({ webhooks: [{ url, secret: SECRET }], ...(orgs ? { orgs } : {}) });
  const start = w.start.bind(w);
  w.start = (yaml, opts) => {
    const m = start(yaml, { ...opts, webhooks: true });
    onJob = (j) => m.ingestJob(j);
    return m;
  };
  return { w, server };
}

describe('webhook-driven demand on real Docker', () => {
  test('an organization pool serves jobs from three repositories', async () => {
    const { w, server } = await webhookWorld({ acme: ['web', 'api', 'docs'] });
    try {
      w.start(poolDoc({ name: 'org', org: 'acme', min: 0, max: 3, poll: '60s' }));
      const repos = ['acme/web', 'acme/api', 'acme/docs'];
      for (const repository of repos) await w.sim.control.enqueueJob({ repository, labels: ['self-hosted', 'linux'], durationMs: 800 });
      const jobs = await until('all three served', async () => {
        const js = (await w.sim.control.state()).jobs;
        return js.filter((j) => j.status === 'completed').length === 3 && js;
      }, 30_000);
      expect(jobs.map((j) => j.repository).sort()).toEqual([...repos].sort());
      expect(jobs.every((j) => j.runnerName?.startsWith('org-'))).toBe(true);
      // The exited runners wake the loop through Docker events; the minute-long poll timer never has to fire.
      await until('nothing left behind', async () => (await w.containers()).length === 0 && (await w.sim.control.state()).runners.length === 0, 10_000).catch(
        async (e: Error) => {
          const containers = (await w.containers()).map((c) => `${c.name} ${c.state}`);
          const runners = (await w.sim.control.state()).runners.map((r) => `${r.name} ${r.status} busy=${r.busy}`);
          const decisions = w.logs().split('\n').filter((l) => l.includes('"decision"')).slice(-4);
          throw new Error(`${e.message}\ncontainers: ${containers.join(', ')}\nrunners: ${runners.join(', ')}\n${decisions.join('\n')}`);
        },
      );
    } finally {
      await w.close();
      server.close();
    }
  });

  test('two pools with different labels each get only their own jobs', async () => {
    const { w, server } = await webhookWorld();
    try {
      w.start(
        poolDoc({ name: 'cpu', min: 0, max: 3, labels: ['self-hosted', 'linux', 'cpu'], poll: '60s' }) +
          '---\n' +
          poolDoc({ name: 'gpu', min: 0, max: 3, labels: ['self-hosted', 'linux', 'gpu'], poll: '60s' }),
      );
      for (let i = 0; i < 2; i++) {
        // Disjoint labels, so GitHub can only place each job on its own pool's runners (a GPU runner with every
        // CPU label would be free to take a CPU job: routing decides which pool counts a job, not where it runs).
        await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'CPU'], durationMs: 800 });
        await w.sim.control.enqueueJob({ repository: 'acme/app', labels: ['self-hosted', 'GPU'], durationMs: 800 });
      }
      const jobs = await until('all four served', async () => {
        const js = (await w.sim.control.state()).jobs;
        return js.filter((j) => j.status === 'completed').length === 4 && js;
      }, 30_000);
      for (const j of jobs) {
        const gpu = j.labels.some((l) => l.toLowerCase() === 'gpu');
        expect(j.runnerName?.startsWith(gpu ? 'gpu-' : 'cpu-')).toBe(true);
      }
      // Each pool created exactly as many runners as it had jobs: the CPU jobs were not counted by the GPU pool.
      const created = (await w.metrics.text()).split('\n').filter((l) => l.startsWith('runners_created_total{'));
      expect(created).toEqual(expect.arrayContaining(['runners_created_total{pool="cpu"} 2', 'runners_created_total{pool="gpu"} 2']));
      // Pickup latency (queued to started) and run time come from the deliveries, per pool.
      const text = await until('run times recorded', async () => {
        const t = await w.metrics.text();
        return /shghar_job_run_time_seconds_count\{pool="gpu"\} 2/.test(t) && t;
      }, 10_000);
      expect(text).toMatch(/shghar_job_pickup_latency_seconds_count\{pool="cpu"\} 2/);
      expect(text).toMatch(/shghar_job_pickup_latency_seconds_count\{pool="gpu"\} 2/);
    } finally {
      await w.close();
      server.close();
    }
  });
});
