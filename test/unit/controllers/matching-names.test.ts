import { jobMatchesPool, routeJobs } from '../../../controllers/matching.js';
import { generateRunnerName } from '../../../controllers/names.js';
import { job, poolSpec } from './world.js';

describe('jobMatchesPool', () => {
  test.each([
    ['all job labels present, case-insensitive', ['self-hosted', 'linux', 'gpu'], ['Self-Hosted', 'Linux', 'GPU'], true],
    ['a missing label', ['self-hosted', 'linux', 'arm64'], ['self-hosted', 'Linux', 'GPU'], false],
    ['subset of pool labels', ['self-hosted'], ['self-hosted', 'linux'], true],
    ['whole labels only', ['linux-x'], ['linux'], false],
  ])('%s', (_n, jobLabels, poolLabels, expected) => {
    expect(jobMatchesPool(jobLabels, poolLabels)).toBe(expected);
  });
});

describe('routeJobs', () => {
  const base = poolSpec();
  const gpu = { ...base, name: 'gpu', runner: { ...base.runner, labels: ['self-hosted', 'linux', 'gpu'] } };
  const wide = { ...base, name: 'wide', runner: { ...base.runner, labels: ['self-hosted', 'linux', 'x64'] } };
  const hi = { ...wide, name: 'hi', scaling: { ...base.scaling, priority: 5 } };
  const other = { ...base, name: 'other', scope: { kind: 'repo' as const, owner: 'acme', repo: 'other' } };
  const ids = (r: ReturnType<typeof routeJobs>) => ({ ...Object.fromEntries([...r.byPool].map(([k, v]) => [k, v.map((j) => j.id)])), unmatched: r.unmatched.map((j) => j.id) });
  test.each([
    ['fewest labels wins', [base, gpu], [job(1)], { ci: [1], gpu: [], unmatched: [] }],
    ['only the pool that satisfies it', [base, gpu], [job(2, 'queued', ['self-hosted', 'gpu'])], { ci: [], gpu: [2], unmatched: [] }],
    ['equal specificity: higher priority', [wide, hi], [job(3)], { wide: [], hi: [3], unmatched: [] }],
    ['equal everything: name order', [wide, { ...wide, name: 'alpha' }], [job(4)], { wide: [], alpha: [4], unmatched: [] }],
    ['scope must cover the repository', [other], [job(5)], { other: [], unmatched: [5] }],
    ['no pool satisfies: unmatched', [base], [job(6, 'queued', ['self-hosted', 'arm64'])], { ci: [], unmatched: [6] }],
  ])('%s', (_n, pools, jobs, expected) => {
    expect(ids(routeJobs(jobs, pools))).toEqual(expected);
  });
});

describe('generateRunnerName', () => {
  test('prefix + sanitized random suffix', () => {
    expect(generateRunnerName('ci-', new Set(), () => 'AB-12')).toBe('ci-ab12');
  });
  test('never an existing registration or container name (case-insensitive)', () => {
    const seq = ['one', 'two', 'three'];
    expect(generateRunnerName('ci-', new Set(['ci-ONE', 'ci-two']), () => seq.shift()!)).toBe('ci-three');
  });
  test('a stuck random source still yields a free name', () => {
    expect(generateRunnerName('ci-', new Set(['ci-x', 'ci-x0']), () => 'x', 3)).toBe('ci-x1');
  });
});
