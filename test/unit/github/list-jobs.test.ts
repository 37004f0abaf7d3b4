import { createJobLister, type Pager } from '../../../pkg/github/list-jobs.js';
import { PortError } from '../../../pkg/errors.js';

/** A pager over a world of repositories, each with one queued run holding one job; records what was read. */
function world(repos: string[], opts: { gone?: string[] } = {}) {
  const reads: string[] = [];
  let jobId = 0;
  const jobIds = new Map(repos.map((r) => [r, ++jobId]));
  const pager: Pager = {
    async pages<T>(route: string, p: Record<string, unknown>): Promise<T[]> {
      const repo = `${p.owner}/${p.repo}`;
      if (route === 'GET /orgs/{org}/repos') {
        reads.push('repos');
        return [...repos.map((full_name) => ({ full_name })), { full_name: 'o/archived', archived: true }] as T[];
      }
      if (opts.gone?.includes(repo)) throw new PortError('not-found', 'gone', 404);
      if (route.endsWith('/runs')) {
        if (p.status === 'queued') reads.push(repo);
        return (p.status === 'queued' ? [{ id: 10 * jobIds.get(repo)! }] : []) as T[];
      }
      const id = jobIds.get(repo)!;
      return [
        { id, run_id: p.run_id, status: 'queued', labels: ['self-hosted'], created_at: '2024-01-01T00:00:00Z' },
        { id: id + 1000, run_id: p.run_id, status: 'completed', labels: [], created_at: '2024-01-01T00:00:00Z' },
      ] as T[];
    },
  };
  return { pager, reads };
}

const ORG = { kind: 'org' as const, org: 'o' };

test('repository scope: active jobs only, with the repository and parsed times', async () => {
  const { pager } = world(['o/a']);
  const jobs = await createJobLister(pager, { maxRunPages: 1, orgRepoBudget: 5, concurrency: 2 })({ kind: 'repo', owner: 'o', repo: 'a' });
  expect(jobs).toEqual([
    { id: 1, runId: 10, repository: 'o/a', labels: ['self-hosted'], status: 'queued', runnerId: null, runnerName: null, createdAt: Date.parse('2024-01-01T00:00:00Z'), startedAt: null },
  ]);
});

test('organization scope: a rotating budget polls every repository in turn and keeps the last jobs of the rest', async () => {
  const { pager, reads } = world(['o/a', 'o/b', 'o/c', 'o/d', 'o/e']);
  const list = createJobLister(pager, { maxRunPages: 1, orgRepoBudget: 2, concurrency: 1 });
  const polled: string[][] = [];
  const seen: number[][] = [];
  for (let i = 0; i < 3; i++) {
    reads.length = 0;
    seen.push((await list(ORG)).map((j) => j.id));
    polled.push(reads.filter((r) => r !== 'repos'));
  }
  expect(polled).toEqual([['o/a', 'o/b'], ['o/c', 'o/d'], ['o/e', 'o/a']]);
  expect(seen).toEqual([[1, 2], [1, 2, 3, 4], [1, 2, 3, 4, 5]]);
});

test('organization scope: archived repositories are skipped; a configured list is used as given', async () => {
  const { pager, reads } = world(['o/a', 'o/b']);
  const list = createJobLister(pager, { maxRunPages: 1, orgRepoBudget: 10, concurrency: 2 });
  await list(ORG);
  expect(reads).not.toContain('o/archived');
  reads.length = 0;
  await list({ ...ORG, repositories: ['b'] });
  expect(reads).toEqual(['o/b']);
});

test('organization scope: a repository that vanished has no jobs; others are still listed', async () => {
  const { pager } = world(['o/a', 'o/b'], { gone: ['o/a'] });
  const jobs = await createJobLister(pager, { maxRunPages: 1, orgRepoBudget: 10, concurrency: 2 })(ORG);
  expect(jobs.map((j) => j.repository)).toEqual(['o/b']);
});
