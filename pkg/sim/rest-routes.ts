// The GitHub REST operations the orchestrator uses, for repository and organization scope.
import { randomBytes } from 'node:crypto';
import { encodeJitConfig } from './jit-config.js';
import { ghError, route, validationError, type Req, type Res, type Route } from './http.js';
import { idFor, type SimContext } from './context.js';
import { orgScope, repoScope, type ScopeKey, type SimRunner } from './model.js';
import { paginate } from './pagination.js';
import { jobShape, repoShape, runShape, runStatus, runnerShape } from './shapes.js';
import { verifyAppJwt } from './jwt.js';

const D_RUNNERS = 'https://docs.github.com/rest/actions/self-hosted-runners';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function resolveScope(ctx: SimContext, req: Req): ScopeKey | null {
  const { owner, repo, org } = req.params;
  if (org != null) return !ctx.orgs || org in ctx.orgs ? orgScope(org) : null;
  if (!ctx.orgs) return repoScope(`${owner}/${repo}`);
  const repos = ctx.orgs[owner];
  return repos?.includes(repo) ? repoScope(`${owner}/${repo}`) : null;
}

function findRunner(ctx: SimContext, scope: ScopeKey, id: string): SimRunner | undefined {
  const r = ctx.engine.runners.get(Number(id));
  return r && r.scope === scope ? r : undefined;
}

const labelsBody = (r: SimRunner) => ({ total_count: r.labels.length, labels: r.labels.map((l) => ({ ...l })) });

function checkLabels(labels: unknown, min: number): string | null {
  if (!Array.isArray(labels) || labels.length < min || labels.length > 100) return `labels must hold ${min} to 100 items`;
  for (const l of labels) if (typeof l !== 'string' || l.trim() === '' || l.length > 256 || /[,]/.test(l)) return `Invalid label: ${JSON.stringify(l)}`;
  return null;
}

export function restRoutes(ctx: SimContext): Route[] {
  const routes: Route[] = [];
  const engine = ctx.engine;
  const self = (req: Req) => ctx.url + req.path + (req.query.size ? `?${req.query}` : '');

  for (const base of ['/repos/{owner}/{repo}', '/orgs/{org}']) {
    const scoped = (method: string, path: string, fn: (req: Req, scope: ScopeKey) => Res) =>
      routes.push(route(method, base + path, (req) => {
        const scope = resolveScope(ctx, req);
        return scope ? fn(req, scope) : ghError(404, 'Not Found', D_RUNNERS);
      }));

    scoped('GET', '/actions/runners', (req, scope) => {
      const name = req.query.get('name');
      const all = [...engine.runners.values()].filter((r) => r.scope === scope && (name == null || r.name === name)).sort((a, b) => a.id - b.id);
      const { page, link } = paginate(all, req.query, self(req));
      return { status: 200, body: { total_count: all.length, runners: page.map((r) => runnerShape(r, engine.busyVisible(r))) }, headers: (link ? { link } : {}) as Record<string, string> };
    });

    scoped('GET', '/actions/runners/{runner_id}', (req, scope) => {
      const r = findRunner(ctx, scope, req.params.runner_id);
      return r ? { status: 200, body: runnerShape(r, engine.busyVisible(r)) } : ghError(404, 'Not Found', D_RUNNERS);
    });

    scoped('DELETE', '/actions/runners/{runner_id}', (req, scope) => {
      const r = findRunner(ctx, scope, req.params.runner_id);
      if (!r) return ghError(404, 'Not Found', D_RUNNERS);
      if (engine.isBusy(r)) return validationError(`Bad request - Runner "${r.name}" is still running a job"`, [], D_RUNNERS);
      engine.removeRunner(r.id);
      return { status: 204 };
    });

    for (const kind of ['registration', 'remove'] as const) {
      scoped('POST', `/actions/runners/${kind}-token`, (_req, scope) => {
        const token = randomBytes(20).toString('base64url').toUpperCase().slice(0, 29);
        const expiresAt = ctx.clock() + ctx.registrationTokenTtlMs;
        ctx.regTokens.set(token, { scope, expiresAt, kind });
        return { status: 201, body: { token, expires_at: new Date(expiresAt).toISOString().replace('Z', '+00:00').replace(/\.\d{3}/, '') } };
      });
    }

    scoped('POST', '/actions/runners/generate-jitconfig', (req, scope) => {
      const b = req.body ?? {};
      if (typeof b.name !== 'string' || b.name.trim() === '' || typeof b.runner_group_id !== 'number') {
        return validationError('Invalid request.\n\n"name" and "runner_group_id" are required.', [], D_RUNNERS);
      }
      const bad = checkLabels(b.labels, 1);
      if (bad) return validationError(`Invalid request.\n\n${bad}`, [bad], D_RUNNERS);
      if (b.runner_group_id !== 1) return ghError(404, 'Not Found', D_RUNNERS);
      if (engine.findByName(scope, b.name)) return ghError(409, `Already exists - A runner with the name ${b.name} already exists.`, D_RUNNERS);
      const r = engine.createRunner({ scope, name: b.name, labels: b.labels, ephemeral: true });
      const secret = randomBytes(24).toString('hex');
      ctx.jitSecrets.set(secret, r.id);
      const target = scope.startsWith('repo:') ? scope.slice(5) : scope.slice(4);
      const encoded = encodeJitConfig({ runnerId: r.id, name: r.name, serverUrl: `${ctx.url}/_sim/runner`, gitHubUrl: `https://github.com/${target}`, secret });
      return { status: 201, body: { runner: runnerShape(r, false), encoded_jit_config: encoded } };
    });

    scoped('GET', '/actions/runners/{runner_id}/labels', (req, scope) => {
      const r = findRunner(ctx, scope, req.params.runner_id);
      return r ? { status: 200, body: labelsBody(r) } : ghError(404, 'Not Found', D_RUNNERS);
    });
    for (const method of ['POST', 'PUT']) {
      scoped(method, '/actions/runners/{runner_id}/labels', (req, scope) => {
        const r = findRunner(ctx, scope, req.params.runner_id);
        if (!r) return ghError(404, 'Not Found', D_RUNNERS);
        const bad = checkLabels(req.body?.labels, method === 'POST' ? 1 : 0);
        if (bad) return validationError(`Invalid request.\n\n${bad}`, [bad], D_RUNNERS);
        const keep = r.labels.filter((l) => l.type === 'read-only' || method === 'POST').map((l) => l.name);
        const readOnly = new Set(r.labels.filter((l) => l.type === 'read-only').map((l) => l.name.toLowerCase()));
        r.labels = engine.labelsOf([...keep, ...req.body.labels], false).map((l) => ({ ...l, type: readOnly.has(l.name.toLowerCase()) ? 'read-only' : 'custom' }));
        return { status: 200, body: labelsBody(r) };
      });
    }
    scoped('DELETE', '/actions/runners/{runner_id}/labels/{name}', (req, scope) => {
      const r = findRunner(ctx, scope, req.params.runner_id);
      const label = r?.labels.find((l) => l.name.toLowerCase() === req.params.name.toLowerCase() && l.type === 'custom');
      if (!r || !label) return ghError(404, 'Not Found', D_RUNNERS);
      r.labels = r.labels.filter((l) => l !== label);
      return { status: 200, body: labelsBody(r) };
    });
  }

  const repoOf = (req: Req) => `${req.params.owner}/${req.params.repo}`;
  const shapeRun = (runId: number) => {
    const run = engine.runs.get(runId)!;
    const jobs = [...engine.jobs.values()].filter((j) => j.runId === runId);
    return runShape(ctx.url, run, jobs, idFor(ctx, `repo:${run.repository}`), idFor(ctx, `owner:${run.repository.split('/')[0]}`));
  };

  routes.push(route('GET', '/repos/{owner}/{repo}/actions/runs', (req) => {
    if (!resolveScope(ctx, req)) return ghError(404, 'Not Found');
    const status = req.query.get('status');
    const runs = [...engine.runs.values()].filter((r) => r.repository.toLowerCase() === repoOf(req).toLowerCase())
      .filter((r) => status == null || runStatus([...engine.jobs.values()].filter((j) => j.runId === r.id)).status === status)
      .sort((a, b) => b.id - a.id);
    const { page, link } = paginate(runs, req.query, self(req));
    return { status: 200, body: { total_count: runs.length, workflow_runs: page.map((r) => shapeRun(r.id)) }, headers: (link ? { link } : {}) as Record<string, string> };
  }));

  routes.push(route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', (req) => {
    const run = engine.runs.get(Number(req.params.run_id));
    if (!resolveScope(ctx, req) || !run || run.repository.toLowerCase() !== repoOf(req).toLowerCase()) return ghError(404, 'Not Found');
    const jobs = [...engine.jobs.values()].filter((j) => j.runId === run.id).sort((a, b) => a.id - b.id);
    const { page, link } = paginate(jobs, req.query, self(req));
    return { status: 200, body: { total_count: jobs.length, jobs: page.map((j) => jobShape(ctx.url, j)) }, headers: (link ? { link } : {}) as Record<string, string> };
  }));

  routes.push(route('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}', (req) => {
    const j = engine.jobs.get(Number(req.params.job_id));
    if (!resolveScope(ctx, req) || !j || j.repository.toLowerCase() !== repoOf(req).toLowerCase()) return ghError(404, 'Not Found');
    return { status: 200, body: jobShape(ctx.url, j) };
  }));

  // An organization's repositories: the configured list, else every repository that has had a run under the org.
  routes.push(route('GET', '/orgs/{org}/repos', (req) => {
    const org = req.params.org;
    if (ctx.orgs && !(org in ctx.orgs)) return ghError(404, 'Not Found');
    const names = ctx.orgs
      ? ctx.orgs[org].map((r) => `${org}/${r}`)
      : [...new Set([...engine.runs.values()].map((r) => r.repository).filter((r) => r.toLowerCase().startsWith(`${org.toLowerCase()}/`)))];
    names.sort();
    const { page, link } = paginate(names, req.query, self(req));
    return {
      status: 200,
      body: page.map((n) => repoShape(ctx.url, n, idFor(ctx, `repo:${n}`), idFor(ctx, `owner:${org}`))),
      headers: (link ? { link } : {}) as Record<string, string>,
    };
  }));

  routes.push(route('POST', '/app/installations/{installation_id}/access_tokens', (req) => {
    const app = ctx.apps.find((a) => a.installationId === Number(req.params.installation_id));
    if (!app || !req.token) return ghError(401, 'A JSON web token could not be decoded');
    const err = verifyAppJwt(req.token, app.publicKeyPem, app.appId, ctx.clock());
    if (err) return ghError(401, err);
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    ctx.tokens.add(token);
    return { status: 201, body: { token, expires_at: iso(ctx.clock() + 3_600_000), permissions: { administration: 'write', actions: 'read' }, repository_selection: 'all' } };
  }));

  return routes;
}
