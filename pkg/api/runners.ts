import { Router } from 'express';
import type { Manager } from '../../controllers/manager.js';
import type { PoolController } from '../../controllers/pool-controller.js';
import { runnersOf } from '../../controllers/status.js';
import type { Runner } from '../../controllers/types.js';
import { Label } from '../docker/port.js';
import { ErrorKind, PortError } from '../errors.js';
import { requireToken } from './auth.js';
import { flag, intParam, iso, poolOr404, type ApiContext } from './context.js';
import { ApiError, ErrorCode, badRequest, conflict, notFound, unavailable } from './errors.js';

const allRunners = (p: PoolController): Runner[] => {
  const g = p.lastTick?.plan.groups;
  return g ? [...g.busy, ...g.idle, ...g.starting, ...g.stuck, ...g.exited] : [];
};

/** A runner by name, container id (12+ hex chars, as `get runners` shows it) or GitHub runner id. */
export function findRunner(manager: Manager, id: string): { pool: PoolController; runner: Runner } | undefined {
  for (const pool of manager.pools.values()) {
    for (const runner of allRunners(pool)) {
      const cid = runner.container.id;
      const ghId = runner.registration?.id ?? Number(runner.container.labels[Label.RunnerId] ?? NaN);
      if (runner.name === id || cid === id || (id.length >= 12 && cid.startsWith(id)) || String(ghId) === id) return { pool, runner };
    }
  }
  return undefined;
}


const runnerOr404 = (ctx: ApiContext, id: string) => {
  const found = findRunner(ctx.manager, id);
  if (!found) throw notFound(`runner "${id}" not found; GET /api/v1/runners (shghar get runners) lists them`);
  return found;
};

/** Port failures as API errors: a vanished object is 404, anything else means the dependency is unavailable now. */
const portError = (e: unknown, what: string): never => {
  if (e instanceof PortError && e.kind === ErrorKind.NotFound) throw notFound(`${what}: not found`);
  throw unavailable(`${what}: ${(e as Error)?.message ?? String(e)}; retry later`);
};

const pickPool = (ctx: ApiContext, name: unknown): PoolController => {
  if (name !== undefined && typeof name !== 'string') throw badRequest('pool must be a string', [{ path: 'pool', message: 'must be a string' }]);
  if (name) return poolOr404(ctx, name);
  const pools = [...ctx.manager.pools.values()];
  if (pools.length === 1) return pools[0]!;
  throw badRequest(pools.length ? `several pools run here: give "pool" (${pools.map((p) => p.name).join(', ')})` : 'no pool is configured', [
    { path: 'pool', message: 'is required when there is not exactly one pool' },
  ]);
};

const scaleBody = (ctx: ApiContext, body: unknown) => {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const unknownKeys = Object.keys(b).filter((k) => k !== 'pool' && k !== 'count');
  if (unknownKeys.length) throw badRequest(`unknown field ${unknownKeys[0]}`, unknownKeys.map((k) => ({ path: k, message: 'unknown field' })));
  const count = intParam(b.count, 'count', 1, 100, 1);
  return { pool: pickPool(ctx, b.pool), count };
};

export function runnerRoutes(ctx: ApiContext): Router {
  const r = Router();
  const auth = requireToken(ctx.apiToken);

  r.get('/api/v1/runners', (_req, res) => {
    const now = ctx.now();
    const pools = [...ctx.manager.pools.values()];
    res.json({
      docker_runners: pools.flatMap((p) =>
        (p.lastTick?.snapshot.containers ?? []).map((c) => ({
          id: c.id.slice(0, 12),
          name: c.name,
          runner_name: c.labels[Label.RunnerName] ?? c.name,
          status: c.state,
          created: iso(c.createdAt),
          pool: p.name,
        })),
      ),
      github_runners: pools.flatMap((p) => {
        const g = p.lastTick?.plan.groups;
        if (!g) return [];
        const regs = [...allRunners(p).flatMap((x) => (x.registration ? [x.registration] : [])), ...g.orphanRegistrations];
        return regs.map((x) => ({ id: x.id, name: x.name, status: x.status, busy: x.busy, labels: x.labels, pool: p.name }));
      }),
      runners: pools.flatMap((p) => runnersOf(p, now)),
    });
  });

  r.get('/api/v1/runners/:id/logs', async (req, res) => {
    const tail = intParam(req.query.tail, 'tail', 0, 100000, 100);
    const { runner } = runnerOr404(ctx, req.params.id);
    let text: string;
    try {
      text = await ctx.runtime.logs(runner.container.id, tail);
    } catch (e) {
      portError(e, `logs of ${runner.name}`);
    }
    res.type('text/plain; charset=utf-8').send(text!);
  });

  r.delete('/api/v1/runners/:id', auth, async (req, res) => {
    const force = flag(req.query.force, 'force');
    const { pool, runner } = runnerOr404(ctx, req.params.id as string);
    if (runner.group === 'busy' && !force)
      throw conflict(`runner ${runner.name} is running a job; wait for it, or force (?force=true) to stop it mid-job`, ErrorCode.Busy);
    // Registration first: GitHub refuses (422 -> busy) while a job runs, so a job that just started is not killed.
    let registration: 'deleted' | 'not-found' | 'busy' | 'none' = 'none';
    const regId = runner.registration?.id ?? (runner.container.labels[Label.RunnerId] ? Number(runner.container.labels[Label.RunnerId]) : undefined);
    if (regId !== undefined && Number.isFinite(regId)) {
      try {
        registration = await ctx.github.deleteRegistration(pool.currentSpec.scope, regId);
      } catch (e) {
        portError(e, `deleting the GitHub registration of ${runner.name}`);
      }
      if (registration === 'busy' && !force)
        throw conflict(`GitHub says runner ${runner.name} is running a job; it was kept (force with ?force=true)`, ErrorCode.Busy);
    }
    try {
      await ctx.runtime.stop(runner.container.id, 10);
      await ctx.runtime.remove(runner.container.id);
    } catch (e) {
      if (!(e instanceof PortError && e.kind === ErrorKind.NotFound)) portError(e, `removing the container of ${runner.name}`);
    }
    ctx.logger?.info('runner deleted through the API', { event: 'runner-deleted', pool: pool.name, runner: runner.name, registration, force });
    pool.nudge('runner-deleted');
    res.json({ name: runner.name, pool: pool.name, registration, container: 'removed' });
  });

  r.post('/api/v1/runners/scale-up', auth, (req, res) => {
    const { pool, count } = scaleBody(ctx, req.body);
    if (ctx.manager.isDeleting(pool.name) || pool.isDraining) throw conflict(`pool "${pool.name}" is being deleted`);
    const t = pool.lastTick;
    const g = t?.plan.groups;
    const present = (g ? g.idle.length + g.busy.length + g.starting.length : 0) + (t?.snapshot.inFlight.creating ?? 0);
    const max = pool.currentSpec.scaling.max;
    if (present >= max) throw conflict(`pool "${pool.name}" is at its maximum (${present}/${max}); raise max (shghar scale pool ${pool.name} --max N)`, ErrorCode.AtMax);
    const requested = Math.min(count, max - present);
    pool.requestRunners(requested);
    res.status(202).json({ pool: pool.name, requested, message: `asked the loop for ${requested} more runner(s) on its next tick` });
  });

  r.post('/api/v1/runners/scale-down', auth, async (req, res) => {
    const { pool, count } = scaleBody(ctx, req.body);
    const g = pool.lastTick?.plan.groups;
    const online = g ? g.idle.length + g.busy.length : 0;
    const min = pool.currentSpec.scaling.min;
    const idle = [...(g?.idle ?? [])].sort((a, b) => a.createdAt - b.createdAt);
    if (!idle.length) throw conflict(`pool "${pool.name}" has no idle runner to remove`);
    if (online <= min) throw conflict(`pool "${pool.name}" is at its minimum (${online}/${min}); lower min first`);
    const picked = idle.slice(0, Math.min(count, online - min));
    const removed: string[] = [];
    const keptBusy: string[] = [];
    for (const runner of picked) {
      const regId = runner.registration?.id;
      let outcome: string = 'none';
      try {
        if (regId !== undefined) outcome = await ctx.github.deleteRegistration(pool.currentSpec.scope, regId);
        if (outcome === 'busy') {
          keptBusy.push(runner.name);
          continue;
        }
        await ctx.runtime.stop(runner.container.id, 10);
        await ctx.runtime.remove(runner.container.id);
        removed.push(runner.name);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        portError(e, `removing ${runner.name}`);
      }
    }
    pool.nudge('scale-down');
    res.json({ pool: pool.name, removed, kept_busy: keptBusy });
  });

  return r;
}
