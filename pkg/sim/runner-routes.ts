// Private routes for the runner side: redeem a JIT config or a registration token, long-poll, heartbeat, complete, leave.
import type { SimContext } from './context.js';
import { route, type Req, type Res, type Route } from './http.js';
import { jobShape } from './shapes.js';
import { repoScope, orgScope } from './model.js';

const err = (status: number, message: string): Res => ({ status, body: { message } });

export function runnerRoutes(ctx: SimContext): Route[] {
  const e = ctx.engine;
  const session = (req: Req) => e.bySession(req.token);
  const hello = (r: { id: number; name: string; ephemeral: boolean }, token: string): Res => ({
    status: 200,
    body: { runnerId: r.id, name: r.name, ephemeral: r.ephemeral, session: token, heartbeatIntervalMs: Math.max(50, Math.floor(e.heartbeatTimeoutMs / 3)) },
  });

  return [
    route('POST', '/_sim/runner/jit', (req) => {
      const id = ctx.jitSecrets.get(String(req.body?.secret ?? ''));
      // Single use: a JIT config cannot be redeemed twice.
      if (id == null) return err(401, 'JIT config is invalid or was already used');
      ctx.jitSecrets.delete(String(req.body.secret));
      const r = e.runners.get(id);
      if (!r) return err(404, 'Runner registration was deleted');
      return hello(r, e.openSession(r));
    }),

    route('POST', '/_sim/runner/register', (req) => {
      const b = req.body ?? {};
      const t = ctx.regTokens.get(String(b.token ?? ''));
      if (!t || t.kind !== 'registration' || t.expiresAt <= ctx.clock()) return err(401, 'Registration token is invalid or expired');
      // The URL the runner was configured with must be the token's scope.
      const path = new URL(String(b.url ?? 'http://x/')).pathname.replace(/^\/+|\/+$/g, '');
      const want = path.includes('/') ? repoScope(path) : orgScope(path);
      if (want !== t.scope) return err(404, 'Registration token does not belong to this URL');
      if (typeof b.name !== 'string' || !b.name) return err(400, 'name is required');
      if (e.findByName(t.scope, b.name)) return err(409, `A runner exists with the same name ${b.name}`);
      const r = e.createRunner({ scope: t.scope, name: b.name, labels: Array.isArray(b.labels) ? b.labels : [], ephemeral: b.ephemeral !== false });
      return hello(r, e.openSession(r));
    }),

    route('POST', '/_sim/runner/poll', async (req) => {
      const r = session(req);
      if (!r) return err(404, 'Runner registration was deleted');
      const wait = Math.min(Number(req.body?.waitMs ?? 1000), Math.max(50, e.heartbeatTimeoutMs / 2));
      const job = await e.poll(r, wait);
      if (!e.runners.has(r.id)) return err(404, 'Runner registration was deleted');
      return job ? { status: 200, body: { job: { ...jobShape(ctx.url, job), duration_ms: job.durationMs } } } : { status: 204 };
    }),

    route('POST', '/_sim/runner/heartbeat', (req) => {
      const r = session(req);
      if (!r) return err(404, 'Runner registration was deleted');
      e.heartbeat(r);
      const job = r.jobId != null ? e.jobs.get(r.jobId) : undefined;
      return { status: 200, body: { cancelled: job?.conclusion === 'cancelled' } };
    }),

    route('POST', '/_sim/runner/complete', (req) => {
      const r = session(req);
      if (!r) return err(404, 'Runner registration was deleted');
      const ok = e.complete(r, Number(req.body?.jobId), req.body?.conclusion === 'failure' ? 'failure' : 'success');
      return ok ? { status: 200, body: { removed: !e.runners.has(r.id) } } : err(409, 'job is not assigned to this runner');
    }),

    route('POST', '/_sim/runner/deregister', (req) => {
      const r = session(req);
      if (!r) return err(404, 'Runner registration was deleted');
      if (e.isBusy(r)) return err(409, 'runner is running a job');
      e.removeRunner(r.id);
      return { status: 204 };
    }),
  ];
}
