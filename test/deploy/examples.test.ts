import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecs } from '../../pkg/spec/index.js';
import { DEPLOY } from './helpers.js';

const EXAMPLES = join(DEPLOY, 'examples');
const files = readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)).sort();

describe('deploy/examples', () => {
  it('holds the five documented examples', () => {
    expect(files).toEqual(['browser-testing.yaml', 'large-team.yaml', 'medium-team.yaml', 'organization.yaml', 'small-team.yaml']);
  });

  it.each(files)('%s validates with the real loader', (file) => {
    const { pools } = loadSpecs(join(EXAMPLES, file));
    expect(pools).toHaveLength(1);
    expect(pools[0].spec.name).toBe(file.replace(/\.yaml$/, ''));
  });

  it('loads together as one folder (compose mounts it whole): unique names, disjoint prefixes', () => {
    const { pools } = loadSpecs(EXAMPLES);
    const byName = Object.fromEntries(pools.map((p) => [p.spec.name, p.spec]));
    expect(Object.keys(byName).sort()).toEqual(files.map((f) => f.replace(/\.yaml$/, '')));
    expect(byName['small-team'].scaling).toMatchObject({ policy: 'demand', min: 1, max: 4, idleTimeoutMs: 300_000 });
    expect(byName['large-team'].scaling).toMatchObject({ policy: 'threshold', min: 5, max: 40, scaleUpCooldownMs: 30_000 });
    expect(byName['organization'].scope).toMatchObject({ kind: 'org', org: 'acme' });
    expect(byName['browser-testing'].runner.labels).toContain('browser');
    expect(byName['browser-testing'].scaling.priority).toBeGreaterThan(byName['small-team'].scaling.priority);
  });
});
