import { parseArgs } from 'node:util';
import { createRuntimePort, parseDockerEndpoint } from '../pkg/docker/dockerode-port.js';
import { formatReport, runDoctor } from '../pkg/doctor/checks.js';
import { createGitHubPort } from '../pkg/github/octokit-port.js';
import { registerSecret } from '../pkg/log/index.js';
import { SpecError, defaultControllerSettings, formatIssue, resolveSecretRef } from '../pkg/spec/index.js';
import { environmentWithDotEnv, loadPools } from './load-pools.js';

const HELP = `Usage: shghar doctor [-f FILE|DIR]... [--github-url URL] [--github-token REF] [--docker ENDPOINT]
                     [--controller-id ID] [--webhook-secret REF]

Checks Docker (reachable, version), each pool's runner image and network, GitHub (reachable, the token's
permissions, rate limit), webhook settings, and per pool the containers without registrations and the registrations
without containers, with the recent logs of failing runner containers. Prints OK / WARN / FAIL with a hint per line.
Exit code 1 when any check fails.`;

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        file: { type: 'string', short: 'f', multiple: true },
        'github-url': { type: 'string' },
        'github-token': { type: 'string' },
        'webhook-secret': { type: 'string' },
        docker: { type: 'string' },
        'controller-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  const env = environmentWithDotEnv(process.env);
  let parsed;
  try {
    parsed = loadPools(values.file ?? [], [], env);
  } catch (e) {
    if (e instanceof SpecError) {
      for (const i of e.issues) process.stderr.write(formatIssue(i) + '\n');
      return 1;
    }
    throw e;
  }
  const settings = { ...(parsed.controller ?? defaultControllerSettings()) };
  if (values['github-url']) settings.githubApiUrl = values['github-url'];
  if (values.docker ?? env.ORCHESTRATOR_DOCKER_SOCKET) settings.dockerEndpoint = values.docker ?? env.ORCHESTRATOR_DOCKER_SOCKET;
  if (values['controller-id']) settings.controllerId = values['controller-id'];
  if (values['webhook-secret']) settings.webhook = { path: settings.webhook?.path ?? '/webhooks/github', secretRef: values['webhook-secret'] };
  const tokenRef = values['github-token'] ?? settings.githubTokenRef ?? (env.ORCHESTRATOR_GITHUB_TOKEN ? 'env:ORCHESTRATOR_GITHUB_TOKEN' : 'env:GITHUB_TOKEN');

  let token: string | undefined;
  let credentialError: string | undefined;
  try {
    token = resolveSecretRef(tokenRef, env);
    registerSecret(token);
  } catch (e) {
    credentialError = e instanceof SpecError ? e.issues.map((i) => i.message).join('; ') : (e as Error).message;
  }
  let webhookSecretSet = false;
  if (settings.webhook) {
    try {
      registerSecret(resolveSecretRef(settings.webhook.secretRef, env));
      webhookSecretSet = true;
    } catch {
      webhookSecretSet = false;
    }
  }
  const runtime = createRuntimePort(parseDockerEndpoint(settings.dockerEndpoint));
  const github = token
    ? createGitHubPort({ baseUrl: settings.githubApiUrl, auth: { kind: 'token', token }, retries: 0, maxRateLimitWaitMs: 0 })
    : undefined;
  const results = await runDoctor({
    settings,
    pools: parsed.pools.map((p) => p.spec),
    runtime,
    github,
    credentialError,
    webhookSecretSet,
    now: Date.now(),
  });
  process.stdout.write(formatReport(results) + '\n');
  const failed = results.filter((r) => r.verdict === 'FAIL').length;
  process.stdout.write(failed ? `\n${failed} check(s) failed\n` : '\nall checks passed\n');
  return failed ? 1 : 0;
}
