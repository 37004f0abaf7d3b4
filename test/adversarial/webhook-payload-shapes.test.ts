import { jobFromWorkflowJob } from '../../pkg/webhooks/job-from-payload.js';

/**
 * A correctly signed delivery whose fields have the wrong types must be refused (400), never stored: one job with a
 * numeric label in the job cache would make label routing throw on every later tick, for every pool.
 */
const base = () => ({
  action: 'queued',
  workflow_job: { id: 7, run_id: 1, status: 'queued', labels: ['self-hosted', 'linux'], created_at: '2026-01-01T00:00:00Z' },
  repository: { full_name: 'acme/app' },
});

test('a well-formed delivery is read', () => {
  expect(jobFromWorkflowJob(base())).toMatchObject({ id: 7, labels: ['self-hosted', 'linux'], repository: 'acme/app' });
});

test.each([
  ['a numeric label', (p: ReturnType<typeof base>) => ((p.workflow_job.labels as unknown[]) = ['self-hosted', 3])],
  ['a null label', (p: ReturnType<typeof base>) => ((p.workflow_job.labels as unknown[]) = [null])],
  ['a non-string repository', (p: ReturnType<typeof base>) => ((p.repository.full_name as unknown) = 42)],
  ['a non-string runner name', (p: ReturnType<typeof base>) => ((p.workflow_job as Record<string, unknown>).runner_name = { x: 1 })],
  ['a non-integer id', (p: ReturnType<typeof base>) => ((p.workflow_job.id as unknown) = 1.5)],
  ['an unreadable created_at', (p: ReturnType<typeof base>) => (p.workflow_job.created_at = 'yesterday')],
])('%s is refused', (_what, mutate) => {
  const p = base();
  mutate(p);
  expect(jobFromWorkflowJob(p)).toBeUndefined();
});
