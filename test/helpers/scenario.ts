import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import express from 'express';
import { runnerLabels } from '../../controllers/actuators.js';
import { Label } from '../../pkg/docker/port.js';
import type { Job } from '../../pkg/github/port.js';
import { parseSpecText } from '../../pkg/spec/index.js';
import type { PoolSpec } from '../../pkg/spec/types.js';
import { signPayload } from '../../pkg/sim/index.js';
import { webhookRouter } from '../../pkg/webhooks/handler.js';
import { FAKE_RUNNER_IMAGE, startWorld, type World } from './world.js';

/** Helpers for the field scenarios: worlds planted before the controller starts, webhooks, and "never" sampling. */

const docker = new Docker({ socketPath: '/var/run/docker.sock' });

export const specOf = (yaml: string): PoolSpec => parseSpecText(yaml, 'scenario.yaml').pools[0].spec;

export type Planted = 'jit' | 'exit-1' | 'no-registration';

/**
 * Creates and starts a container labelled as the world's controller made it (as before a restart, or a host that
 * left things behind): `jit` is a real fake runner registered with a fresh JIT config, `exit-1` crashes at once,
 * `no-registration` runs without ever registering. `createdAt` backdates the created-at label.
 */
export async function plant(
  w: World,
  spec: PoolSpec,
  name: string,
  kind: Planted,
  opts: { createdAt?: number; registrationId?: number } = {},
): Promise<{ id: string; registrationId?: number }> {
  const labels: Record<string, string> = runnerLabels(spec, w.controllerId, name, 'planted', opts.createdAt ?? Date.now());
  const env: string[] = [];
  let registrationId = opts.registrationId;
  if (kind === 'jit') {
    const jit = await w.github.createJitConfig(spec.scope, { name, labels: spec.runner.labels });
    registrationId = jit.runner.id;
    env.push(`ACTIONS_RUNNER_INPUT_JITCONFIG=${jit.encodedJitConfig}`);
  }
  if (registrationId !== undefined) labels[Label.RunnerId] = String(registrationId);
  const c = await docker.createContainer({
    name,
    Image: FAKE_RUNNER_IMAGE,
    Env: env,
    Labels: labels,
    // Without credentials the fake runner exits 1 at once; `no-registration` just stays up and leaves on SIGTERM.
    ...(kind === 'no-registration'
      ? { Entrypoint: ['/usr/local/bin/node', '-e', "process.on('SIGTERM',()=>process.exit(0));setInterval(()=>{},1000)"] }
      : {}),
    HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' } },
  });
  await c.start();
  if (kind === 'exit-1') await c.wait();
  return { id: c.id, registrationId };
}

/** Removes a container behind the controller's back (a host reboot). */
export const vanish = (id: string): Promise<void> => docker.getContainer(id).remove({ force: true });
/** Kills a container's process (a crash): it stays, exited. */
export const kill = (id: string): Promise<void> => docker.getContainer(id).kill().then(() => undefined);

/** Samples `fn` every `everyMs` until stopped; `max` is the largest value seen. */
export function sampler(fn: () => Promise<number>, everyMs = 100): { max: () => number; stop: () => Promise<number> } {
  let max = 0;
  let on = true;
  const loop = (async () => {
    while (on) {
      max = Math.max(max, await fn().catch(() => 0));
      // unref'd, so a test that fails before stopping its sampler does not keep the process alive
      await new Promise((r) => setTimeout(r, everyMs).unref());
    }
  })();
  return {
    max: () => max,
    stop: async () => {
      on = false;
      await loop;
      return max;
    },
  };
}

/** Running (or starting) containers of the world's controller. */
export const liveContainers = async (w: World): Promise<number> =>
  (await w.containers()).filter((c) => c.state === 'running' || c.state === 'created' || c.state === 'restarting').length;

/** Holds `pred` true on every sample over `ms`; fails with `what` on the first sample where it is false. */
export async function always(what: string, pred: () => Promise<boolean> | boolean, ms: number, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!(await pred())) throw new Error(`expected ${what} throughout ${ms} ms, but it was false`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const WEBHOOK_SECRET = 'scenario-webhook-secret';

export interface WebhookWorld extends World {
  hookUrl: string;
  /** POSTs a signed workflow_job delivery straight to the controller's endpoint (for histories the simulator cannot make). */
  deliver(action: Job['status'], job: { id: number; runId?: number; repository?: string; labels: string[] }, deliveryId?: string): Promise<number>;
}

/**
 * A world whose simulator delivers signed workflow_job webhooks to the controller's real endpoint
 * (pkg/webhooks/handler.ts) mounted on 127.0.0.1:0; deliveries go to the manager started later.
 */
export async function startWebhookWorld(): Promise<WebhookWorld> {
  let target: World | undefined;
  const app = express();
  app.use('/webhooks/github', webhookRouter({ secret: WEBHOOK_SECRET, onJob: (job) => target?.manager?.ingestJob(job) ?? [] }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`;
  const w = await startWorld({ webhooks: [{ url: hookUrl, secret: WEBHOOK_SECRET }] });
  target = w;
  const close = w.close.bind(w);
  return Object.assign(w, {
    hookUrl,
    close: async () => {
      await close();
      await new Promise((r) => server.close(r));
    },
    async deliver(action: Job['status'], job: { id: number; runId?: number; repository?: string; labels: string[] }, deliveryId?: string) {
      const body = JSON.stringify({
        action,
        workflow_job: { id: job.id, run_id: job.runId ?? 1, status: action, labels: job.labels, runner_id: null, runner_name: null, created_at: new Date().toISOString(), started_at: null },
        repository: { full_name: job.repository ?? 'acme/app' },
      });
      const res = await fetch(hookUrl, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'workflow_job',
          'x-github-delivery': deliveryId ?? crypto.randomUUID(),
          'x-hub-signature-256': signPayload(WEBHOOK_SECRET, body),
        },
      });
      await res.arrayBuffer();
      return res.status;
    },
  });
}
