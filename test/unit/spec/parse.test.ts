import { join } from 'node:path';
import { loadSpecs, parseSpecText, SpecError, specHash } from '../../../pkg/spec/index.js';

const fixtures = join(process.cwd(), 'test/fixtures/specs');

const pool = (spec: string): string =>
  `apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata:\n  name: p\nspec:\n  repository: o/r\n  runner:\n    image: img\n${spec}`;

const errorsOf = (text: string): string[] => {
  try {
    parseSpecText(text, 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    expect((e as Error).message).not.toMatch(/\n\s+at /); // no stack trace in the message
    return (e as Error).message.split('\n');
  }
  throw new Error('expected a SpecError');
};

describe('parseSpecText', () => {
  test('fills the documented defaults for a minimal pool (demand policy)', () => {
    const { pools } = parseSpecText(pool(''), 'f.yaml');
    expect(pools[0]!.spec).toEqual({
      name: 'p',
      scope: { kind: 'repo', owner: 'o', repo: 'r' },
      runner: {
        image: 'img',
        labels: ['self-hosted', 'linux', 'x64'],
        namePrefix: 'p-',
        env: {},
        volumes: [],
        privileged: false,
        mode: 'jit',
      },
      scaling: {
        policy: 'demand',
        min: 1,
        max: 10,
        scaleUpThreshold: 2,
        scaleDownThreshold: 0,
        utilizationHigh: 0.8,
        utilizationLow: 0.2,
        idleTimeoutMs: 300_000,
        idleBuffer: 0,
        maxCreatePerAction: 10,
        maxDeletePerAction: 5,
        scaleUpCooldownMs: 0,
        pollIntervalMs: 30_000,
        priority: 0,
      },
      guards: { breakerThreshold: 5, breakerBackoffMs: 300_000, maxConcurrentActions: 4 },
      graces: { registrationMs: 120_000, orphanMs: 600_000, startMs: 60_000 },
    });
  });

  test('threshold policy takes the classic caps and cooldown', () => {
    const s = parseSpecText(pool('  scaling:\n    policy: threshold\n'), 'f.yaml').pools[0]!.spec.scaling;
    expect([s.maxCreatePerAction, s.maxDeletePerAction, s.scaleUpCooldownMs]).toEqual([2, 1, 60_000]);
  });

  test('an explicit max below the default min lowers the min', () => {
    const s = parseSpecText(pool('  scaling:\n    max: 1\n    min: 0\n'), 'f.yaml').pools[0]!.spec.scaling;
    expect([s.min, s.max]).toEqual([0, 1]);
  });

  test.each([
    ['min above max', '  scaling:\n    min: 3\n    max: 2\n', 'f.yaml:11:10: spec.scaling.max: must be >= spec.scaling.min (3)'],
    ['negative min', '  scaling:\n    min: -1\n', 'f.yaml:10:10: spec.scaling.min: must be >= 0'],
    ['wrong type', '  scaling:\n    max: many\n', 'f.yaml:10:10: spec.scaling.max: must be integer'],
    ['unknown field reported at its key', '  scaling:\n    maxx: 3\n', 'f.yaml:10:5: spec.scaling.maxx: unknown field'],
    ['bad enum', '  scaling:\n    policy: eager\n', 'f.yaml:10:13: spec.scaling.policy: must be one of: demand, threshold'],
    ['bad duration', '  scaling:\n    idleTimeout: 5 minutes\n', 'f.yaml:10:18: spec.scaling.idleTimeout: must be a duration such as 30s, 5m or 1h30m (a bare number is seconds)'],
    ['down threshold not below up', '  scaling:\n    scaleUpThreshold: 1\n    scaleDownThreshold: 1\n', 'f.yaml:11:25: spec.scaling.scaleDownThreshold: must be < spec.scaling.scaleUpThreshold (1)'],
    ['utilization bounds crossed', '  scaling:\n    utilizationLow: 0.9\n', 'f.yaml:10:21: spec.scaling.utilizationLow: must be < spec.scaling.utilizationHigh (0.8)'],
    ['bad memory', '    memory: lots\n', 'f.yaml:9:13: spec.runner.memory: must be a size such as 512m or 2g (a bare number is bytes)'],
    ['bad mode', '    mode: pat\n', 'f.yaml:9:11: spec.runner.mode: must be one of: jit, registration-token'],
  ])('%s', (_name, extra, expected) => {
    expect(errorsOf(pool(extra))).toEqual([expected]);
  });

  test('scope: repository and organization together', () => {
    const text = 'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata: {name: p}\nspec:\n  repository: o/r\n  organization: o\n  runner: {image: i}\n';
    expect(errorsOf(text)).toEqual(['f.yaml:6:17: spec.organization: give repository or organization, not both']);
  });

  test('scope: neither repository nor organization', () => {
    const text = 'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata: {name: p}\nspec:\n  runner: {image: i}\n';
    expect(errorsOf(text)).toEqual(['f.yaml:5:3: spec: one of repository (owner/name) or organization is required']);
  });

  test('missing required field is reported at its parent', () => {
    const text = 'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata: {name: p}\nspec:\n  repository: o/r\n  runner:\n    labels: [a]\n';
    expect(errorsOf(text)).toEqual(['f.yaml:7:5: spec.runner.image: is required']);
  });

  test('YAML syntax errors carry line and column', () => {
    expect(errorsOf('a: [1,\nb: 2\n')[0]).toMatch(/^f\.yaml:2:1: YAML syntax: /);
  });

  test('unknown kind', () => {
    expect(errorsOf('apiVersion: shghar.io/v1\nkind: Pool\n')).toEqual(['f.yaml:2:7: kind: must be RunnerPool or Controller']);
  });

  test('duplicate names in one file', () => {
    const one = pool('');
    expect(errorsOf(`${one}---\n${one}`)).toEqual(['f.yaml:13:9: metadata.name: duplicate pool name "p" (document 0)']);
  });

  test('every problem of a file is reported, one per line', () => {
    expect(errorsOf(pool('  scaling:\n    min: -1\n    max: 0\n'))).toHaveLength(2);
  });

  test.each([
    ['an inline token', 'ghp_abcdefghijklmnop'],
    ['a path without file:', '/etc/tok'],
  ])('Controller rejects %s without echoing it', (_name, value) => {
    const lines = errorsOf(`apiVersion: shghar.io/v1\nkind: Controller\nspec:\n  githubToken: ${value}\n`);
    expect(lines).toEqual([
      'f.yaml:4:16: spec.githubToken: must be a reference such as env:GITHUB_TOKEN or file:/run/secrets/token; inline credentials are not accepted',
    ]);
    expect(lines.join('')).not.toContain(value);
  });

  test('Controller settings with defaults', () => {
    const { controller } = parseSpecText('apiVersion: shghar.io/v1\nkind: Controller\nspec:\n  githubApp: {appId: 1, installationId: 2, privateKey: "file:/k.pem"}\n  webhook: {secret: "env:WH"}\n', 'c.yaml');
    expect(controller).toEqual({
      githubApiUrl: 'https://api.github.com',
      githubApp: { appId: 1, installationId: 2, privateKeyRef: 'file:/k.pem' },
      listen: { host: '127.0.0.1', port: 8080 },
      controllerId: 'default',
      webhook: { path: '/webhooks/github', secretRef: 'env:WH' },
      logLevel: 'info',
      structuredLogging: false,
    });
  });
});

describe('loadSpecs', () => {
  test('a file with a Controller and two pools', () => {
    const r = loadSpecs(join(fixtures, 'pools.yaml'));
    expect(r.controller).toMatchObject({ githubApiUrl: 'http://127.0.0.1:3000/api/v3', githubTokenRef: 'env:GITHUB_TOKEN', listen: { host: '127.0.0.1', port: 9090 }, controllerId: 'ci-east' });
    expect(r.pools.map((p) => p.spec.name)).toEqual(['linux', 'gpu']);
    expect(r.pools[0]!.spec.runner.memoryBytes).toBe(2 * 1024 ** 3);
    expect(r.pools[0]!.spec.scaling.idleTimeoutMs).toBe(90 * 60_000);
    expect(r.pools[1]!.spec.scope).toEqual({ kind: 'org', org: 'acme', runnerGroupId: 3, repositories: ['app', 'ml'] });
    expect(r.pools[1]!.source).toEqual({ file: join(fixtures, 'pools.yaml'), documentIndex: 2 });
    expect(r.pools[0]!.hash).toMatch(/^[0-9a-f]{12}$/);
  });

  test('a folder reads *.yaml and *.yml in name order', () => {
    expect(loadSpecs(join(fixtures, 'folder')).pools.map((p) => p.spec.name)).toEqual(['one', 'two']);
  });

  test('duplicate pool names across files', () => {
    expect(() => loadSpecs(join(fixtures, 'dup'))).toThrow(
      `${join(fixtures, 'dup', 'b.yaml')}:4:9: metadata.name: duplicate pool name "one" (also in ${join(fixtures, 'dup', 'a.yaml')})`,
    );
  });

  test('a missing path', () => {
    expect(() => loadSpecs(join(fixtures, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read \(ENOENT\)/);
  });
});

describe('specHash', () => {
  test('ignores key order and changes with content', () => {
    const a = parseSpecText(pool(''), 'f.yaml').pools[0]!.spec;
    const { graces, ...rest } = a;
    const reordered = JSON.parse(JSON.stringify({ graces, ...rest }));
    expect(specHash(reordered)).toBe(specHash(a));
    expect(specHash({ ...a, scaling: { ...a.scaling, max: 11 } })).not.toBe(specHash(a));
  });
});
