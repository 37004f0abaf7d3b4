import { Webhooks } from '@octokit/webhooks';
import express, { type Request, type Response, type Router } from 'express';
import type { Job } from '../github/port.js';
import { jobFromWorkflowJob } from './job-from-payload.js';

export interface WebhookHandlerOptions {
  /** Secret: never logged. */
  secret: string;
  /** Called once per accepted workflow_job delivery; returns the pools it nudged. */
  onJob: (job: Job) => string[];
  maxBodyBytes?: number;
  log?: { info(msg: string, meta?: object): void; warn(msg: string, meta?: object): void };
  onDelivery?: (event: string, outcome: 'accepted' | 'ignored' | 'rejected') => void;
}

/**
 * `POST` handler for GitHub webhooks. The signature is checked over the raw bytes before anything is parsed;
 * a missing or wrong signature gets 401 and changes nothing.
 */
export function webhookRouter(opts: WebhookHandlerOptions): Router {
  const router = express.Router();
  const webhooks = new Webhooks({ secret: opts.secret });
  router.post(
    '/',
    express.raw({ type: () => true, limit: opts.maxBodyBytes ?? 1024 * 1024 }),
    async (req: Request, res: Response) => {
      const event = req.get('x-github-event') ?? '';
      const signature = req.get('x-hub-signature-256');
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const ok = signature ? await webhooks.verify(body, signature).catch(() => false) : false;
      if (!ok) {
        opts.onDelivery?.(event, 'rejected');
        opts.log?.warn('webhook rejected: bad or missing signature', { event: 'webhook-rejected', githubEvent: event });
        res.status(401).json({ error: { code: 'bad_signature', message: 'missing or invalid X-Hub-Signature-256' } });
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        opts.onDelivery?.(event, 'rejected');
        res.status(400).json({ error: { code: 'bad_payload', message: 'body is not JSON' } });
        return;
      }
      if (event === 'ping') {
        opts.onDelivery?.(event, 'accepted');
        res.status(200).json({ ok: true, zen: (payload as { zen?: string }).zen ?? null });
        return;
      }
      if (event !== 'workflow_job') {
        opts.onDelivery?.(event, 'ignored');
        res.status(202).json({ ok: true, ignored: event });
        return;
      }
      const job = jobFromWorkflowJob(payload);
      if (!job) {
        opts.onDelivery?.(event, 'rejected');
        res.status(400).json({ error: { code: 'bad_payload', message: 'workflow_job payload lacks id, labels or repository' } });
        return;
      }
      const pools = opts.onJob(job);
      opts.onDelivery?.(event, 'accepted');
      opts.log?.info('webhook accepted', {
        event: 'webhook',
        delivery: req.get('x-github-delivery'),
        job: job.id,
        status: job.status,
        pools,
      });
      res.status(200).json({ ok: true, pools });
    },
  );
  return router;
}
