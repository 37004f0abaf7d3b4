import { Router } from 'express';
import { classicStatus, conditionsOf, poolView } from '../../controllers/status.js';
import { poolOr404, type ApiContext } from './context.js';
import { unavailable } from './errors.js';

/** Health, readiness, status (classic and short) and metrics. */
export function statusRoutes(ctx: ApiContext): Router {
  const r = Router();

  r.get('/health', (_req, res) => {
    res.json({ status: 'healthy', orchestrator_running: ctx.manager.isRunning });
  });

  r.get('/readyz', (_req, res) => {
    const reasons: string[] = [];
    if (!ctx.manager.isRunning) reasons.push('the controller is not running');
    for (const p of ctx.manager.pools.values()) if (!p.lastTick) reasons.push(`pool ${p.name}: no reconcile has completed yet`);
    res.status(reasons.length ? 503 : 200).json({ ready: reasons.length === 0, reasons });
  });

  r.get('/api/v1/status', (req, res) => {
    const now = ctx.now();
    const m = ctx.manager;
    if (typeof req.query.pool === 'string') return void res.json(classicStatus(m, poolOr404(ctx, req.query.pool), now));
    const pools = [...m.pools.values()];
    // One pool answers in the classic shape exactly; several are keyed by pool name.
    if (pools.length === 1) return void res.json(classicStatus(m, pools[0]!, now));
    res.json({
      orchestrator: { running: m.isRunning, started_at: new Date(m.since).toISOString() },
      pools: Object.fromEntries(pools.map((p) => [p.name, classicStatus(m, p, now)])),
    });
  });

  r.get('/status', (_req, res) => {
    const now = ctx.now();
    res.json({
      running: ctx.manager.isRunning,
      pools: [...ctx.manager.pools.values()].map((p) => {
        const v = poolView(p, now);
        return {
          name: v.name,
          desired: v.desired,
          online: v.observed.idle! + v.observed.busy!,
          observed: v.observed,
          in_flight: v.in_flight,
          queued_jobs: v.queued_jobs,
          ready: conditionsOf(p, now).some((c) => c.type === 'Ready' && c.status === 'True'),
          why: v.desired_reasons,
          held: v.held_actions.map((h) => `${h.guard}: ${h.reason}`),
        };
      }),
      unmatched_jobs: ctx.manager.unmatchedJobs().map((j) => ({ id: j.id, repository: j.repository, labels: j.labels })),
    });
  });

  const metrics = async (_req: unknown, res: import('express').Response) => {
    if (!ctx.metrics) throw unavailable('metrics are not enabled in this controller');
    res.type(ctx.metrics.contentType).send(await ctx.metrics.text());
  };
  r.get('/metrics', metrics);
  r.get('/api/v1/metrics', metrics);
  return r;
}
