// workflow_job deliveries: GitHub's headers and signature, payloads valid against @octokit/openapi-webhooks, faults.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startSimulator, signPayload, type Simulator } from '../../pkg/sim/index.js';
import { FakeRunner } from '../../pkg/sim/fake-runner.js';
import { api, until } from './helpers.js';

const SECRET = 'hook-secret';
const doc = JSON.parse(readFileSync(new URL('../fixtures/webhooks/workflow-job.subset.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema({ components: doc.components }, 'hooks');

interface Delivery { headers: Record<string, string | string[] | undefined>; raw: string; body: any }
let received: Delivery[] = [];
let receiver: Server;
let hookUrl: string;
let sim: Simulator;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => { received.push({ headers: req.headers, raw, body: JSON.parse(raw) }); res.writeHead(204).end(); });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  sim = await startSimulator({ webhooks: [{ url: hookUrl, secret: SECRET }] });
});
afterAll(async () => { await sim.close(); await new Promise((r) => receiver.close(r)); });
beforeEach(async () => { await sim.control.reset(); received = []; });

test("signature reproduces GitHub's documented test vector", () => {
  expect(signPayload("It's a Secret to Everybody", 'Hello, World!')).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
});

test('waiting, queued, in_progress, completed deliveries are signed and match the workflow_job schemas', async () => {
  const jit = await api(sim.url, 'POST', '/repos/acme/app/actions/runners/generate-jitconfig', { name: 'w1', runner_group_id: 1, labels: ['hook'] });
  const runner = new FakeRunner({ jitConfig: jit.body.encoded_jit_config, pollWaitMs: 100 });
  await runner.start();
  const job = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['hook'], durationMs: 50, status: 'waiting' });
  await sim.control.releaseJob(job.id);
  await runner.done;
  await until('4 deliveries', async () => received.length === 4);
  expect(received.map((d) => d.body.action)).toEqual(['waiting', 'queued', 'in_progress', 'completed']);
  for (const d of received) {
    expect(d.headers['x-github-event']).toBe('workflow_job');
    expect(d.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.headers['x-github-hook-id']).toBe('100000');
    expect(d.headers['x-hub-signature-256']).toBe(signPayload(SECRET, d.raw));
    const validate = ajv.getSchema(`hooks#/components/schemas/webhook-workflow-job-${d.body.action.replace('_', '-')}`)!;
    expect(validate).toBeDefined();
    const ok = validate(d.body);
    expect(ok ? 'valid' : ajv.errorsText(validate.errors)).toBe('valid');
    // The schema has teeth: a payload missing a required field is refused.
    expect(validate({ ...d.body, workflow_job: { ...d.body.workflow_job, runner_id: undefined } })).toBe(false);
  }
  expect(received[3].body.workflow_job).toMatchObject({ id: job.id, runner_name: 'w1', conclusion: 'success' });
});

test('drop, duplicate and reorder faults', async () => {
  const first = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['none'], durationMs: 1 });
  await until('one delivery', async () => received.length === 1);
  await sim.control.setWebhookFaults({ dropJobIds: [first.id + 1] });
  await sim.control.enqueueJob({ repository: 'acme/app', labels: ['none'], durationMs: 1 });
  await sim.control.setWebhookFaults({ duplicate: 1 });
  const dup = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['none'], durationMs: 1 });
  await until('duplicate', async () => received.length === 3);
  expect(received[1].headers['x-github-delivery']).toBe(received[2].headers['x-github-delivery']);
  expect(received[1].body.workflow_job.id).toBe(dup.id);
  await sim.control.setWebhookFaults({ reorder: true, delayMs: 50 });
  const a = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['none'], durationMs: 1 });
  const b = await sim.control.enqueueJob({ repository: 'acme/app', labels: ['none'], durationMs: 1 });
  await until('reordered', async () => received.length === 5);
  expect(received.slice(3).map((d) => d.body.workflow_job.id)).toEqual([b.id, a.id]);
  const c = await sim.control.counters();
  expect(c.webhooks).toMatchObject({ sent: 5, dropped: 1, duplicated: 1 });
});
