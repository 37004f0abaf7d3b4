import { normalizeController } from './controller.js';
import { DEFAULT_LABELS } from './defaults.js';
import { SpecError, type SpecIssue } from './errors.js';
import { specHash } from './hash.js';
import type { ParsedSpecs } from './parse.js';
import { normalizePool, type RawPool } from './pool.js';
import { validateDocument } from './validate.js';
import { API_VERSION } from './schema.js';

/**
 * The classic `ORCHESTRATOR_*` variables describe one pool named `default` with the `threshold` policy and the
 * classic tool's defaults, so an old `.env` keeps working. Errors name the variable.
 */
export const ENV_PREFIX = 'ORCHESTRATOR_';
export const CLASSIC_POOL_NAME = 'default';
export const CLASSIC_DEFAULTS = {
  MIN_RUNNERS: 1,
  MAX_RUNNERS: 10,
  SCALE_UP_THRESHOLD: 2,
  SCALE_DOWN_THRESHOLD: 0,
  IDLE_TIMEOUT: 300,
  POLL_INTERVAL: 30,
  RUNNER_IMAGE: 'shghar-runner:latest',
  RUNNER_NAME_PREFIX: 'runner-',
  LOG_LEVEL: 'info',
} as const;

/** Which variable a spec path came from, so schema errors name the variable. */
const VAR_OF_PATH: Record<string, string> = {
  'spec.repository': 'GITHUB_REPO',
  'spec.organization': 'GITHUB_ORG',
  'spec.scaling.min': 'MIN_RUNNERS',
  'spec.scaling.max': 'MAX_RUNNERS',
  'spec.scaling.scaleUpThreshold': 'SCALE_UP_THRESHOLD',
  'spec.scaling.scaleDownThreshold': 'SCALE_DOWN_THRESHOLD',
  'spec.scaling.idleTimeout': 'IDLE_TIMEOUT',
  'spec.scaling.pollInterval': 'POLL_INTERVAL',
  'spec.runner.image': 'RUNNER_IMAGE',
  'spec.runner.labels': 'RUNNER_LABELS',
  'spec.runner.network': 'RUNNER_NETWORK',
  'spec.runner.namePrefix': 'RUNNER_NAME_PREFIX',
  'spec.githubApiUrl': 'GITHUB_API_URL',
  'spec.controllerId': 'CONTROLLER_ID',
  'spec.logLevel': 'LOG_LEVEL',
};

/** True when the environment holds a classic configuration (a repository or organization is named). */
export const hasClassicEnv = (env: Record<string, string | undefined> = process.env): boolean =>
  Boolean(env[`${ENV_PREFIX}GITHUB_REPO`] || env[`${ENV_PREFIX}GITHUB_ORG`]);

export const specFromEnv = (env: Record<string, string | undefined> = process.env): ParsedSpecs => {
  const issues: SpecIssue[] = [];
  const fail = (name: string, message: string): void => {
    issues.push({ file: 'environment', line: 0, column: 0, path: name.startsWith(ENV_PREFIX) ? name : ENV_PREFIX + name, message });
  };
  const str = (name: string): string | undefined => {
    const v = env[ENV_PREFIX + name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (name: string, fallback: number): number => {
    const v = str(name);
    if (v === undefined) return fallback;
    if (!/^-?[0-9]+$/.test(v)) {
      fail(name, 'must be an integer');
      return fallback;
    }
    return Number(v);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const v = str(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    fail(name, 'must be true or false');
    return fallback;
  };

  if (!str('GITHUB_TOKEN')) fail('GITHUB_TOKEN', 'is required');
  const repo = str('GITHUB_REPO');
  const org = str('GITHUB_ORG');
  if (repo && org) fail('GITHUB_ORG', `give ${ENV_PREFIX}GITHUB_REPO or ${ENV_PREFIX}GITHUB_ORG, not both`);
  if (!repo && !org) fail('GITHUB_REPO', `one of ${ENV_PREFIX}GITHUB_REPO (owner/name) or ${ENV_PREFIX}GITHUB_ORG is required`);

  const labels = str('RUNNER_LABELS')
    ?.split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const network = str('RUNNER_NETWORK');
  const raw = {
    apiVersion: API_VERSION,
    kind: 'RunnerPool',
    metadata: { name: CLASSIC_POOL_NAME },
    spec: {
      ...(repo ? { repository: repo } : {}),
      ...(org && !repo ? { organization: org } : {}),
      runner: {
        image: str('RUNNER_IMAGE') ?? CLASSIC_DEFAULTS.RUNNER_IMAGE,
        labels: labels && labels.length > 0 ? labels : [...DEFAULT_LABELS],
        namePrefix: str('RUNNER_NAME_PREFIX') ?? CLASSIC_DEFAULTS.RUNNER_NAME_PREFIX,
        ...(network ? { network } : {}),
      },
      scaling: {
        policy: 'threshold' as const,
        min: int('MIN_RUNNERS', CLASSIC_DEFAULTS.MIN_RUNNERS),
        max: int('MAX_RUNNERS', CLASSIC_DEFAULTS.MAX_RUNNERS),
        scaleUpThreshold: int('SCALE_UP_THRESHOLD', CLASSIC_DEFAULTS.SCALE_UP_THRESHOLD),
        scaleDownThreshold: int('SCALE_DOWN_THRESHOLD', CLASSIC_DEFAULTS.SCALE_DOWN_THRESHOLD),
        idleTimeout: int('IDLE_TIMEOUT', CLASSIC_DEFAULTS.IDLE_TIMEOUT),
        pollInterval: int('POLL_INTERVAL', CLASSIC_DEFAULTS.POLL_INTERVAL),
      },
    },
  };
  const rawController = {
    apiVersion: API_VERSION,
    kind: 'Controller',
    spec: {
      githubToken: `env:${ENV_PREFIX}GITHUB_TOKEN`,
      ...(str('GITHUB_API_URL') ? { githubApiUrl: str('GITHUB_API_URL') } : {}),
      ...(str('DOCKER_SOCKET') ? { docker: str('DOCKER_SOCKET') } : {}),
      ...(str('CONTROLLER_ID') ? { controllerId: str('CONTROLLER_ID') } : {}),
      logLevel: str('LOG_LEVEL')?.toLowerCase() ?? CLASSIC_DEFAULTS.LOG_LEVEL,
      structuredLogging: bool('STRUCTURED_LOGGING', false),
    },
  };
  if (issues.length > 0) throw new SpecError(issues);

  const schemaIssues = [...validateDocument('RunnerPool', raw), ...validateDocument('Controller', rawController)];
  const toVar = (path: string): string => {
    const key = Object.keys(VAR_OF_PATH).find((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
    return key ? VAR_OF_PATH[key]! : path;
  };
  for (const i of schemaIssues) fail(toVar(i.path), i.message);
  if (issues.length > 0) throw new SpecError(issues);

  const cross: { path: string; message: string }[] = [];
  const spec = normalizePool(raw as RawPool, cross);
  const controller = normalizeController(rawController, cross);
  for (const i of cross) fail(toVar(i.path), i.message.replace(/spec\.[A-Za-z.]+/g, (p) => ENV_PREFIX + toVar(p)));
  if (issues.length > 0) throw new SpecError(issues);
  return { pools: [{ spec, source: { file: 'environment' }, hash: specHash(spec) }], controller };
};
