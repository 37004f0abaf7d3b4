import { Label, MANAGED_BY, type RuntimePort } from '../docker/port.js';
import type { GitHubPort, Registration } from '../github/port.js';
import { PortError } from '../errors.js';
import type { ControllerSettings, PoolSpec } from '../spec/types.js';
import { nameHasPrefix } from '../spec/index.js';

export type Verdict = 'OK' | 'WARN' | 'FAIL';
export interface CheckResult {
  name: string;
  verdict: Verdict;
  detail: string;
  /** one line: what to do about it */
  hint?: string;
  /** extra lines (e.g. the last log lines of a failing runner container) */
  more?: string[];
}

export interface DoctorInput {
  settings: ControllerSettings;
  pools: PoolSpec[];
  runtime: RuntimePort;
  /** undefined when no credential could be resolved */
  github?: GitHubPort;
  credentialError?: string;
  webhookSecretSet: boolean;
  now: number;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const BUILTIN_NETWORKS = new Set(['host', 'bridge', 'none']);

/** Runs every check in order; checks that depend on an earlier failure are skipped with a note. */
export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const { runtime, settings } = input;

  let dockerOk = false;
  try {
    const v = await runtime.ping();
    dockerOk = true;
    const major = Number(v.version.split('.')[0]);
    out.push(
      major >= 20
        ? { name: 'docker', verdict: 'OK', detail: `engine ${v.version} (API ${v.apiVersion})` }
        : { name: 'docker', verdict: 'WARN', detail: `engine ${v.version} is older than 20.10`, hint: 'upgrade Docker to 20.10 or newer' },
    );
  } catch (e) {
    out.push({
      name: 'docker',
      verdict: 'FAIL',
      detail: `unreachable at ${settings.dockerEndpoint ?? 'unix:///var/run/docker.sock'}: ${errText(e)}`,
      hint: 'start the Docker engine (`sudo systemctl start docker`) or point --docker / spec.docker at it',
    });
  }

  if (dockerOk) {
    for (const pool of input.pools) {
      const image = pool.runner.image;
      try {
        const ok = await runtime.imageExists(image);
        out.push(
          ok
            ? { name: `image ${image}`, verdict: 'OK', detail: `present (pool ${pool.name})` }
            : { name: `image ${image}`, verdict: 'FAIL', detail: `not on this engine (pool ${pool.name})`, hint: `docker pull ${image} (or build it: see runner-image/README.md)` },
        );
      } catch (e) {
        out.push({ name: `image ${image}`, verdict: 'FAIL', detail: errText(e), hint: 'check the engine logs' });
      }
      const net = pool.runner.network;
      if (net && runtime.networkExists) {
        const ok = BUILTIN_NETWORKS.has(net) || (await runtime.networkExists(net).catch(() => false));
        out.push(
          ok
            ? { name: `network ${net}`, verdict: 'OK', detail: `exists (pool ${pool.name})` }
            : { name: `network ${net}`, verdict: 'FAIL', detail: `no such network (pool ${pool.name})`, hint: `docker network create ${net}, or fix spec.runner.network` },
        );
      }
    }
  } else {
    out.push({ name: 'images and networks', verdict: 'WARN', detail: 'not checked: Docker is unreachable' });
  }

  let githubOk = false;
  const registrationsByPool = new Map<string, Registration[]>();
  if (!input.github) {
    out.push({ name: 'github credentials', verdict: 'FAIL', detail: input.credentialError ?? 'no credential', hint: 'set the variable or file that --github-token (default env:GITHUB_TOKEN) names; references are env:NAME or file:/path' });
  } else {
    for (const pool of input.pools) {
      try {
        registrationsByPool.set(pool.name, await input.github.listRegistrations(pool.scope));
        githubOk = true;
        out.push({ name: `github ${scopeName(pool)}`, verdict: 'OK', detail: `can list self-hosted runners (pool ${pool.name})` });
      } catch (e) {
        out.push(githubFailure(pool, e, settings));
      }
    }
    const rl = input.github.rateLimit();
    if (rl) {
      const low = rl.remaining < Math.max(50, rl.limit * 0.1);
      out.push({
        name: 'rate limit',
        verdict: low ? 'WARN' : 'OK',
        detail: `${rl.remaining}/${rl.limit} left, resets ${new Date(rl.resetAt).toISOString()}`,
        hint: low ? 'lower polling (longer pollInterval) or configure webhooks' : undefined,
      });
    }
  }

  if (settings.webhook) {
    out.push(
      input.webhookSecretSet
        ? { name: 'webhooks', verdict: 'OK', detail: `POST ${settings.webhook.path} verifies X-Hub-Signature-256` }
        : { name: 'webhooks', verdict: 'FAIL', detail: 'webhook configured but its secret could not be read', hint: `set what ${settings.webhook.secretRef} names` },
    );
  } else {
    out.push({ name: 'webhooks', verdict: 'WARN', detail: 'not configured: demand comes from polling only', hint: 'add spec.webhook (secret ref) and a workflow_job webhook on GitHub for pickup in seconds' });
  }

  if (dockerOk) {
    for (const pool of input.pools) out.push(...(await poolChecks(pool, input, registrationsByPool.get(pool.name), githubOk)));
  }
  return out;
}

const scopeName = (p: PoolSpec) => (p.scope.kind === 'repo' ? `${p.scope.owner}/${p.scope.repo}` : `org ${p.scope.org}`);

function githubFailure(pool: PoolSpec, e: unknown, settings: ControllerSettings): CheckResult {
  const kind = e instanceof PortError ? e.kind : 'unreachable';
  const status = e instanceof PortError ? e.status : undefined;
  if (status === 401)
    return { name: `github ${scopeName(pool)}`, verdict: 'FAIL', detail: 'bad credentials (401)', hint: 'the token is wrong, expired or revoked: create a new one' };
  if (status === 403 || status === 404)
    return {
      name: `github ${scopeName(pool)}`,
      verdict: 'FAIL',
      detail: `cannot list self-hosted runners (${status})`,
      hint: pool.scope.kind === 'repo' ? 'the token needs the repository Administration: write permission (classic: repo scope)' : 'the token needs organization Self-hosted runners: write (classic: admin:org)',
    };
  if (kind === 'rate-limited')
    return { name: `github ${scopeName(pool)}`, verdict: 'WARN', detail: 'rate limited now', hint: 'wait for the reset or lower polling' };
  return { name: `github ${scopeName(pool)}`, verdict: 'FAIL', detail: `unreachable at ${settings.githubApiUrl}: ${errText(e)}`, hint: 'check the URL (GHES: https://HOST/api/v3), proxy and DNS' };
}

async function poolChecks(pool: PoolSpec, input: DoctorInput, regs: Registration[] | undefined, githubOk: boolean): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const id = input.settings.controllerId;
  // Every container of this pool that any shghar made: a registration with one of these behind it is not an orphan.
  const anyController = await input.runtime.list({ [Label.ManagedBy]: MANAGED_BY, [Label.Pool]: pool.name });
  const containers = anyController.filter((c) => c.labels[Label.ControllerId] === id);
  const others = [...new Set(anyController.map((c) => c.labels[Label.ControllerId]).filter((x) => x && x !== id))];
  if (others.length)
    out.push({
      name: `pool ${pool.name}: controller id`,
      verdict: 'WARN',
      detail: `${anyController.length - containers.length} container(s) belong to controller id ${others.join(', ')}, not "${id}"`,
      hint: `pass --controller-id ${others[0]} (the id \`shghar run\` uses), or set controllerId in the Controller document`,
    });
  const regNames = new Set((regs ?? []).map((r) => r.name));
  const containerNames = new Set(anyController.map((c) => c.labels[Label.RunnerName] ?? c.name));
  const old = (t: number) => input.now - t > pool.graces.registrationMs;
  if (githubOk && regs) {
    const noReg = containers.filter((c) => c.state === 'running' && old(c.createdAt) && !regNames.has(c.labels[Label.RunnerName] ?? c.name));
    out.push(
      noReg.length
        ? { name: `pool ${pool.name}: containers without registration`, verdict: 'FAIL', detail: noReg.map((c) => c.name).join(', '), hint: 'the runner never registered: see its logs (shghar logs NAME); the controller removes it after the registration grace' }
        : { name: `pool ${pool.name}: containers without registration`, verdict: 'OK', detail: 'none' },
    );
    const orphans = (regs ?? []).filter((r) => nameHasPrefix(pool.runner.namePrefix, r.name) && !containerNames.has(r.name));
    out.push(
      orphans.length
        ? { name: `pool ${pool.name}: registrations without container`, verdict: 'FAIL', detail: orphans.map((r) => `${r.name} (${r.status})`).join(', '), hint: 'no container on this engine runs them: a running controller deletes them after the orphan grace (check no other host runs this pool first)' }
        : { name: `pool ${pool.name}: registrations without container`, verdict: 'OK', detail: 'none' },
    );
  }
  const leftovers = containers.filter((c) => (c.state === 'exited' || c.state === 'dead') && (c.exitCode ?? 0) === 0);
  if (leftovers.length)
    out.push({
      name: `pool ${pool.name}: finished containers`,
      verdict: 'WARN',
      detail: `${leftovers.length} exited runner container(s) not cleaned up yet: ${leftovers.map((c) => c.name).join(', ')}`,
      hint: 'a running controller removes them on its next tick; without one: docker rm $(docker ps -aq --filter label=io.shghar.pool=' + pool.name + ' --filter status=exited)',
    });
  const failing = containers.filter((c) => (c.state === 'exited' || c.state === 'dead') && (c.exitCode ?? 0) !== 0);
  for (const c of failing.slice(0, 3)) {
    const logs = await input.runtime.logs(c.id, 20).catch(() => '');
    out.push({
      name: `pool ${pool.name}: runner ${c.name} failed`,
      verdict: 'WARN',
      detail: `exit code ${c.exitCode}`,
      hint: 'a runner that keeps failing opens the breaker: check the image and its settings',
      more: logs.split('\n').filter(Boolean).slice(-10),
    });
  }
  return out;
}

export function formatReport(results: CheckResult[]): string {
  const width = Math.min(60, Math.max(...results.map((r) => r.name.length)));
  return results
    .map((r) =>
      [
        `${r.verdict.padEnd(4)}  ${r.name.padEnd(width)}  ${r.detail}`,
        ...(r.hint && r.verdict !== 'OK' ? [`      hint: ${r.hint}`] : []),
        ...(r.more ?? []).map((l) => `      | ${l}`),
      ].join('\n'),
    )
    .join('\n');
}
