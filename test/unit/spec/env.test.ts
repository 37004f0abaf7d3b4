import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDotEnv, parseDotEnv, resolveSecretRef, SpecError, specFromEnv } from '../../../pkg/spec/index.js';

const base = { ORCHESTRATOR_GITHUB_TOKEN: 'ghp_secretvalue', ORCHESTRATOR_GITHUB_REPO: 'acme/app' };

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as Error).message;
  }
  throw new Error('expected a SpecError');
};

describe('specFromEnv', () => {
  test('classic defaults: threshold policy, one pool named default', () => {
    const { pools, controller } = specFromEnv(base);
    const s = pools[0]!.spec;
    expect(s.name).toBe('default');
    expect(s.scope).toEqual({ kind: 'repo', owner: 'acme', repo: 'app' });
    expect(s.scaling).toMatchObject({
      policy: 'threshold',
      min: 1,
      max: 10,
      scaleUpThreshold: 2,
      scaleDownThreshold: 0,
      utilizationHigh: 0.8,
      utilizationLow: 0.2,
      idleTimeoutMs: 300_000,
      maxCreatePerAction: 2,
      maxDeletePerAction: 1,
      scaleUpCooldownMs: 60_000,
      pollIntervalMs: 30_000,
    });
    expect(s.runner).toMatchObject({ image: 'shghar-runner:latest', labels: ['self-hosted', 'linux', 'x64'], namePrefix: 'runner-' });
    // The token is referenced, never copied.
    expect(controller!.githubTokenRef).toBe('env:ORCHESTRATOR_GITHUB_TOKEN');
    expect(JSON.stringify({ pools, controller })).not.toContain('ghp_secretvalue');
  });

  test('every classic variable is read', () => {
    const { pools, controller } = specFromEnv({
      ...base,
      ORCHESTRATOR_GITHUB_REPO: undefined,
      ORCHESTRATOR_GITHUB_ORG: 'acme',
      ORCHESTRATOR_MIN_RUNNERS: '2',
      ORCHESTRATOR_MAX_RUNNERS: '6',
      ORCHESTRATOR_SCALE_UP_THRESHOLD: '3',
      ORCHESTRATOR_SCALE_DOWN_THRESHOLD: '1',
      ORCHESTRATOR_IDLE_TIMEOUT: '120',
      ORCHESTRATOR_RUNNER_IMAGE: 'my/runner:1',
      ORCHESTRATOR_RUNNER_LABELS: 'self-hosted, linux ,gpu',
      ORCHESTRATOR_RUNNER_NETWORK: 'host',
      ORCHESTRATOR_RUNNER_NAME_PREFIX: 'ci-',
      ORCHESTRATOR_POLL_INTERVAL: '15',
      ORCHESTRATOR_LOG_LEVEL: 'DEBUG',
      ORCHESTRATOR_STRUCTURED_LOGGING: 'true',
      ORCHESTRATOR_DOCKER_SOCKET: '/var/run/docker.sock',
    });
    const s = pools[0]!.spec;
    expect(s.scope).toEqual({ kind: 'org', org: 'acme' });
    expect(s.scaling).toMatchObject({ min: 2, max: 6, scaleUpThreshold: 3, scaleDownThreshold: 1, idleTimeoutMs: 120_000, pollIntervalMs: 15_000 });
    expect(s.runner).toMatchObject({ image: 'my/runner:1', labels: ['self-hosted', 'linux', 'gpu'], network: 'host', namePrefix: 'ci-' });
    expect(controller).toMatchObject({ logLevel: 'debug', structuredLogging: true, dockerEndpoint: '/var/run/docker.sock' });
  });

  test.each([
    ['non-integer', { ORCHESTRATOR_MAX_RUNNERS: 'ten' }, 'environment: ORCHESTRATOR_MAX_RUNNERS: must be an integer'],
    ['min above max', { ORCHESTRATOR_MIN_RUNNERS: '5', ORCHESTRATOR_MAX_RUNNERS: '3' }, 'environment: ORCHESTRATOR_MAX_RUNNERS: must be >= ORCHESTRATOR_MIN_RUNNERS (5)'],
    ['negative min', { ORCHESTRATOR_MIN_RUNNERS: '-1' }, 'environment: ORCHESTRATOR_MIN_RUNNERS: must be >= 0'],
    ['bad boolean', { ORCHESTRATOR_STRUCTURED_LOGGING: 'maybe' }, 'environment: ORCHESTRATOR_STRUCTURED_LOGGING: must be true or false'],
    ['bad repo', { ORCHESTRATOR_GITHUB_REPO: 'noslash' }, 'environment: ORCHESTRATOR_GITHUB_REPO: has an invalid format'],
    ['missing token', { ORCHESTRATOR_GITHUB_TOKEN: undefined }, 'environment: ORCHESTRATOR_GITHUB_TOKEN: is required'],
    ['thresholds crossed', { ORCHESTRATOR_SCALE_DOWN_THRESHOLD: '2' }, 'environment: ORCHESTRATOR_SCALE_DOWN_THRESHOLD: must be < ORCHESTRATOR_SCALE_UP_THRESHOLD (2)'],
    ['bad log level', { ORCHESTRATOR_LOG_LEVEL: 'loud' }, 'environment: ORCHESTRATOR_LOG_LEVEL: must be one of: error, warn, info, http, verbose, debug, silly'],
  ])('%s names the variable', (_name, extra, expected) => {
    expect(messageOf(() => specFromEnv({ ...base, ...extra }))).toBe(expected);
  });

  test('neither repo nor org', () => {
    expect(messageOf(() => specFromEnv({ ORCHESTRATOR_GITHUB_TOKEN: 't' }))).toMatch(/ORCHESTRATOR_GITHUB_REPO: one of/);
  });
});

describe('dotenv', () => {
  test('parses comments, export, quotes and inline comments', () => {
    expect(
      parseDotEnv('# c\nexport A=1\nB = two # note\nC="x\\ny"\nD=\'$raw # kept\'\n\nE=\n'),
    ).toEqual({ A: '1', B: 'two', C: 'x\ny', D: '$raw # kept', E: '' });
  });

  test('a malformed line names its line', () => {
    expect(messageOf(() => parseDotEnv('A=1\nnot a pair\n', 'x.env'))).toBe('x.env:2:1: expected KEY=value');
  });

  test('loadDotEnv feeds specFromEnv', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shghar-env-'));
    writeFileSync(join(dir, '.env'), 'ORCHESTRATOR_GITHUB_TOKEN=t\nORCHESTRATOR_GITHUB_REPO=acme/app\nORCHESTRATOR_MAX_RUNNERS=4\n');
    expect(specFromEnv(loadDotEnv(join(dir, '.env'))).pools[0]!.spec.scaling.max).toBe(4);
  });
});

describe('resolveSecretRef', () => {
  test.each([
    ['env reference', 'env:TOK', { TOK: 's3cret' }, 's3cret'],
    ['file reference, trimmed', 'file:/k', {}, 'from-file'],
  ])('%s', (_name, ref, env, expected) => {
    expect(resolveSecretRef(ref, env, () => 'from-file\n')).toBe(expected);
  });

  test.each([
    ['unset variable', 'env:NOPE', 'secret: env:NOPE: environment variable NOPE is not set'],
    ['inline value is refused and not echoed', 'ghp_inline', 'secret: a secret reference must be env:NAME or file:/path (inline credentials are not accepted)'],
  ])('%s', (_name, ref, expected) => {
    expect(messageOf(() => resolveSecretRef(ref, {}))).toBe(expected);
  });

  test('unreadable file', () => {
    const err = Object.assign(new Error('x'), { code: 'ENOENT' });
    expect(messageOf(() => resolveSecretRef('file:/k', {}, () => { throw err; }))).toBe('secret: file:/k: cannot read the file (ENOENT)');
  });
});
