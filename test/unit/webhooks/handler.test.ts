import { createHmac } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { webhookRouter } from '../../../pkg/webhooks/handler.js';
import type { Job } from '../../../pkg/github/port.js';

const SECRET = "It's a Secret to Everybody";
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const payload = (action: string, id = 101) =>
  JSON.stringify({
    action,
    workflow_job: { id, run_id: 9, status: action, labels: ['self-hosted', 'Linux'], runner_id: null, runner_name: null, created_at: '2026-01-01T00:00:00Z', started_at: null },
    repository: { full_name: 'acme/app' },
  });

function app() {
  const seen: Job[] = [];
  const a = express();
  a.use('/webhooks/github', webhookRouter({ secret: SECRET, onJob: (j) => (seen.push(j), ['pool-a']), maxBodyBytes: 64 * 1024 }));
  return { a, seen };
}

describe('webhook signature (X-Hub-Signature-256)', () => {
  test("GitHub's documented test vector", () => {
    expect(sign('Hello, World!')).toBe('sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });

  test('a correctly signed workflow_job is accepted and reaches the job cache', async () => {
    const { a, seen } = app();
    const body = payload('queued');
    const res = await request(a).post('/webhooks/github').set('content-type', 'application/json').set('x-github-event', 'workflow_job').set('x-hub-signature-256', sign(body)).send(body);
    expect(res.status).toBe(200);
    expect(res.body.pools).toEqual(['pool-a']);
    expect(seen).toEqual([expect.objectContaining({ id: 101, status: 'queued', repository: 'acme/app', labels: ['self-hosted', 'Linux'] })]);
  });

  test.each([
    ['a wrong secret', (b: string) => sign(b, 'not the secret')],
    ['a missing header', () => undefined],
    ['a modified body', (b: string) => sign(b.replace('queued', 'complet'))],
    ['a malformed header', () => 'sha1=abc'],
  ])('%s gets 401 and changes nothing', async (_n, sig) => {
    const { a, seen } = app();
    const body = payload('queued');
    let r = request(a).post('/webhooks/github').set('content-type', 'application/json').set('x-github-event', 'workflow_job');
    const s = sig(body);
    if (s) r = r.set('x-hub-signature-256', s);
    const res = await r.send(body);
    expect(res.status).toBe(401);
    expect(seen).toHaveLength(0);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  test('ping is answered; other events are acknowledged and ignored', async () => {
    const { a, seen } = app();
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const r1 = await request(a).post('/webhooks/github').set('x-github-event', 'ping').set('x-hub-signature-256', sign(ping)).set('content-type', 'application/json').send(ping);
    expect(r1.status).toBe(200);
    const push = JSON.stringify({ ref: 'refs/heads/main' });
    const r2 = await request(a).post('/webhooks/github').set('x-github-event', 'push').set('x-hub-signature-256', sign(push)).set('content-type', 'application/json').send(push);
    expect(r2.status).toBe(202);
    expect(seen).toHaveLength(0);
  });

  test('a body over the size bound is refused before anything else', async () => {
    const { a, seen } = app();
    const big = JSON.stringify({ pad: 'x'.repeat(100 * 1024) });
    const res = await request(a).post('/webhooks/github').set('x-github-event', 'workflow_job').set('x-hub-signature-256', sign(big)).set('content-type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(seen).toHaveLength(0);
  });
});
