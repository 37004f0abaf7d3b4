import { loadPools } from '../../cmd/load-pools.js';
import { parseSpecText } from '../../pkg/spec/index.js';
import { issuesOf, pool } from './spec-helpers.js';

// Node fires any timer above 2^31-1 ms after 1 ms: an over-long interval would turn the loop into a busy spin.
describe('durations a timer cannot hold are rejected with file, line, column and field', () => {
  test.each([
    ['pollInterval: 99999999999h', 'spec.scaling.pollInterval', 10],
    ['pollInterval: 30d', 'spec.scaling.pollInterval', 10],
    ['pollInterval: 1e12', 'spec.scaling.pollInterval', 10],
    ['pollInterval: 0.0001s', 'spec.scaling.pollInterval', 10],
    ['idleTimeout: 9999999h', 'spec.scaling.idleTimeout', 10],
    ['scaleUpCooldown: 9999999h', 'spec.scaling.scaleUpCooldown', 10],
  ])('%s', (field, path, line) => {
    const issues = issuesOf(() => parseSpecText(pool(`    ${field}\n`), 'f.yaml'));
    expect(issues).toEqual([expect.objectContaining({ file: 'f.yaml', path, line, column: expect.any(Number) })]);
    expect(issues[0]!.column).toBeGreaterThan(0);
  });

  test('graces and breaker back-off too', () => {
    const text = pool('    min: 0\n', '  guards:\n    breakerBackoff: 100000h\n  graces:\n    orphan: 100000h\n');
    const paths = issuesOf(() => parseSpecText(text, 'f.yaml')).map((i) => i.path);
    expect(paths.sort()).toEqual(['spec.graces.orphan', 'spec.guards.breakerBackoff']);
  });

  test('sane values still load', () => {
    const s = parseSpecText(pool('    pollInterval: 100ms\n    idleTimeout: 24h\n'), 'f.yaml').pools[0]!.spec;
    expect(s.scaling.pollIntervalMs).toBe(100);
    expect(s.scaling.idleTimeoutMs).toBe(86_400_000);
  });

  test('the classic environment is bounded the same way', () => {
    const env = { ORCHESTRATOR_GITHUB_TOKEN: 't', ORCHESTRATOR_GITHUB_REPO: 'o/r', ORCHESTRATOR_POLL_INTERVAL: '999999999' };
    const issues = issuesOf(() => loadPools([], [], env));
    expect(issues.map((i) => i.path)).toContain('ORCHESTRATOR_POLL_INTERVAL');
  });
});
