// Private control API for tests and benchmarks: jobs, traces, state, reset, faults, counters, seeded worlds.
import type { SimContext } from './context.js';
import { newCounters } from './context.js';
import { route, type Res, type Route } from './http.js';
import { orgScope, repoScope } from './model.js';
import { runnerShape } from './shapes.js';
import { parseTrace } from './trace.js';

const bad = (message: string): Res => ({ status: 400, body: { message } });

export function controlRoutes(ctx: SimContext, resetAll: () => void): Route[] {
  const e = ctx.engine;
  const replayTimers = new Set<NodeJS.Timeout>();
  const toScope = (s: unknown) => {
    const v = String(s ?? '');
    return v.startsWith('org:') || v.startsWith('repo:') ? v : v.includes('/') ? repoScope(v) : orgScope(v);
  };

  return [
    route('POST', '/_sim/control/jobs', (req) => {
      const b = req.body ?? {};
      if (typeof b.repository !== 'string' || !b.repository.includes('/') || !Array.isArray(b.labels)) return bad('repository and labels are required');
      const j = e.enqueueJob({ repository: b.repository, labels: b.labels, durationMs: Number(b.durationMs ?? 0), runId: b.runId, name: b.name, status: b.status });
      return { status: 201, body: { id: j.id, runId: j.runId } };
    }),
    route('DELETE', '/_sim/control/jobs/{id}', (req) => (e.cancelJob(Number(req.params.id)) ? { status: 204 } : { status: 404, body: { message: 'no such active job' } })),
    route('POST', '/_sim/control/jobs/{id}/release', (req) => (e.releaseJob(Number(req.params.id)) ? { status: 204 } : { status: 404, body: { message: 'no such waiting job' } })),

    route('POST', '/_sim/control/trace', (req) => {
      const entries = parseTrace(String(req.body?.text ?? ''));
      const speed = Number(req.body?.speed ?? 1) || 1;
      for (const t of entries) {
        const timer = setTimeout(() => {
          replayTimers.delete(timer);
          e.enqueueJob({ repository: t.repository, labels: t.labels, durationMs: t.durationMs / speed });
        }, t.offsetMs / speed);
        replayTimers.add(timer);
      }
      return { status: 202, body: { scheduled: entries.length } };
    }),

    route('GET', '/_sim/control/state', () => ({
      status: 200,
      body: {
        runners: [...e.runners.values()].map((r) => ({ ...runnerShape(r, e.isBusy(r)), scope: r.scope, jobId: r.jobId, createdAt: r.createdAt, connected: r.hasSession })),
        jobs: [...e.jobs.values()].map((j) => ({ ...j })),
      },
    })),

    route('POST', '/_sim/control/reset', () => {
      for (const t of replayTimers) clearTimeout(t);
      replayTimers.clear();
      resetAll();
      return { status: 204 };
    }),

    route('PUT', '/_sim/control/faults', (req) => { ctx.faults = Array.isArray(req.body?.rules) ? req.body.rules : []; return { status: 204 }; }),
    route('GET', '/_sim/control/counters', () => ({ status: 200, body: { ...ctx.counters, webhooks: { ...ctx.webhooks.counters } } })),
    route('POST', '/_sim/control/counters/reset', () => { ctx.counters = newCounters(); return { status: 204 }; }),

    route('POST', '/_sim/control/registrations', (req) => {
      const b = req.body ?? {};
      if (typeof b.name !== 'string' || !b.scope) return bad('scope and name are required');
      const r = e.createRunner({ scope: toScope(b.scope), name: b.name, labels: b.labels ?? [], ephemeral: b.ephemeral ?? true,
        status: b.status ?? 'offline', busy: b.busy ?? false, createdAt: b.createdAt });
      return { status: 201, body: { id: r.id, name: r.name } };
    }),

    route('PUT', '/_sim/control/busy-lag', (req) => { e.busyLagMs = Number(req.body?.ms ?? 0); return { status: 204 }; }),
    route('PUT', '/_sim/control/rate-limit', (req) => { ctx.budgets.set(Number(req.body?.remaining), Number(req.body?.resetAt)); return { status: 204 }; }),
    route('PUT', '/_sim/control/webhook-faults', (req) => { ctx.webhooks.faults = req.body ?? {}; return { status: 204 }; }),
    route('PUT', '/_sim/control/unreachable', (req) => { ctx.unreachable = !!req.body?.unreachable; return { status: 204 }; }),
    route('PUT', '/_sim/control/heartbeat-timeout', (req) => { e.heartbeatTimeoutMs = Number(req.body?.ms); return { status: 204 }; }),
  ];
}
