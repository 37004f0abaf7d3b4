import { Router, type Request } from 'express';
import { dump } from 'js-yaml';
import { poolView, runnersOf } from '../../controllers/status.js';
import { SpecError } from '../spec/errors.js';
import { parseSpecText } from '../spec/parse.js';
import { overlappingPrefixes } from '../spec/prefixes.js';
import type { PoolSpec } from '../spec/types.js';
import { isAuthorized, requireToken } from './auth.js';
import { checkPoolName, flag, iso, poolOr404, type ApiContext } from './context.js';
import { maskEnv, specChanges, toDocument } from './document.js';
import { ApiError, ErrorCode, badRequest, conflict, issueDetails } from './errors.js';
import { Serial } from './serial.js';

const deepFreeze = <T>(v: T): T => {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
};

/** The request body as spec text: YAML as sent (so errors point at its lines), or JSON re-serialized as YAML. */
const specText = (req: Request): string => {
  if (typeof req.body === 'string' && req.body.trim() !== '') return req.body;
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body) && Object.keys(req.body).length > 0)
    return dump(req.body, { noRefs: true });
  throw badRequest('send one RunnerPool document as the body, Content-Type application/yaml or application/json');
};

export function poolRoutes(ctx: ApiContext): Router {
  const r = Router();
  const auth = requireToken(ctx.apiToken);
  // Applies and deletes run one at a time: each decides from the pools the previous one left.
  const serial = new Serial();

  r.get('/api/v1/pools', (_req, res) => {
    const now = ctx.now();
    res.json({ pools: [...ctx.manager.pools.values()].map((p) => ({ ...poolView(p, now), deleting: ctx.manager.isDeleting(p.name) })) });
  });

  r.get('/api/v1/pools/:name', (req, res) => {
    const pool = poolOr404(ctx, req.params.name);
    const now = ctx.now();
    const doc = toDocument(pool.currentSpec);
    res.json({
      ...poolView(pool, now),
      deleting: ctx.manager.isDeleting(pool.name),
      runners: runnersOf(pool, now),
      events: (ctx.events?.list(pool.name) ?? []).map((e) => ({
        type: e.type,
        reason: e.reason,
        message: e.message,
        count: e.count,
        first_seen: iso(e.firstSeen),
        last_seen: iso(e.lastSeen),
      })),
      // Env values may be sensitive: only a caller holding the API token gets them (and can round-trip the spec).
      document: isAuthorized(req, ctx.apiToken) ? doc : maskEnv(doc),
    });
  });

  r.put('/api/v1/pools/:name', auth, async (req, res) => {
    const name = checkPoolName(req.params.name as string);
    const dryRun = flag(req.query.dryRun, 'dryRun');
    const file = `pools/${name}`;
    const text = specText(req);
    let spec: PoolSpec;
    let hash: string;
    try {
      const parsed = parseSpecText(text, file);
      if (parsed.controller) throw badRequest('a Controller document cannot be applied through the API; it belongs in the controller\'s own spec files', [{ path: 'kind', message: 'must be RunnerPool' }]);
      if (parsed.pools.length !== 1) throw badRequest(`send exactly one RunnerPool document (got ${parsed.pools.length})`);
      ({ spec, hash } = parsed.pools[0]!);
    } catch (e) {
      if (e instanceof SpecError) throw new ApiError(422, ErrorCode.InvalidSpec, `the spec is invalid:\n${e.message}`, issueDetails(e.issues));
      throw e;
    }
    if (spec.name !== name)
      throw badRequest(`metadata.name "${spec.name}" does not match the URL's pool "${name}"`, [{ path: 'metadata.name', message: `must be "${name}"` }]);
    await serial.run(async () => {
      const others = [...ctx.manager.pools.values()].filter((p) => p.name !== name);
      const overlaps = overlappingPrefixes([
        ...others.map((p) => ({ name: p.name, prefix: p.currentSpec.runner.namePrefix, file: `pools/${p.name}` })),
        { name, prefix: spec.runner.namePrefix, file },
      ]).filter((i) => i.message.includes(`"${name}"`));
      if (overlaps.length) throw new ApiError(422, ErrorCode.InvalidSpec, overlaps.map((i) => i.message).join('\n'), issueDetails(overlaps));
      if (ctx.manager.isDeleting(name)) throw conflict(`pool "${name}" is being deleted (draining); apply again once it is gone`);

      const existing = ctx.manager.get(name);
      const result = !existing ? 'created' : existing.currentHash === hash ? 'unchanged' : 'configured';
      const answer = {
        name,
        result,
        hash,
        previous_hash: existing?.currentHash ?? null,
        changes: result === 'unchanged' ? [] : specChanges(existing?.currentSpec, spec),
        dry_run: dryRun,
        applied_at: new Date(ctx.now()).toISOString(),
      };
      if (!dryRun && result !== 'unchanged') {
        // Persist first: if the write fails nothing changed, and once it succeeds a restart keeps what was answered.
        await ctx.store?.save(name, text);
        ctx.manager.apply([{ spec: deepFreeze(spec), hash }]);
        ctx.logger?.info('pool applied through the API', { event: 'pool-applied', pool: name, result, hash });
      }
      res.status(result === 'created' && !dryRun ? 201 : 200).json(answer);
    });
  });

  r.delete('/api/v1/pools/:name', auth, async (req, res) => {
    const name = checkPoolName(req.params.name as string);
    await serial.run(async () => {
      poolOr404(ctx, name);
      if (!ctx.manager.isDeleting(name)) {
        await ctx.store?.remove(name);
        ctx.manager.deletePool(name).catch((e: unknown) =>
          ctx.logger?.warn('deleting pool failed', { event: 'pool-delete-failed', pool: name, error: String((e as Error)?.message ?? e) }),
        );
        ctx.logger?.info('pool deletion requested through the API', { event: 'pool-deleting', pool: name });
      }
      res.status(202).json({ name, result: 'draining', message: 'no new runners; idle ones are removed, busy ones finish their job, then the pool is forgotten' });
    });
  });

  return r;
}
