import type { ContainerInfo } from '../pkg/docker/port.js';
import type { PoolMemory, Snapshot } from './types.js';

/**
 * What an exited runner container tells the breaker. A non-zero exit is a failure. A zero exit is a success only
 * if the runner did something: it was seen online, a job is known on it, or its registration is gone (an ephemeral
 * runner's is removed by GitHub after its job). A zero exit with its registration still listed and never online is
 * an image that quits at once (wrong entrypoint, a runner printing its help): counting that as success would churn
 * credentials forever.
 */
export const exitOutcome = (
  runnerName: string,
  container: Pick<ContainerInfo, 'exitCode'>,
  snapshot: Pick<Snapshot, 'registrations' | 'jobs'>,
  memory: Pick<PoolMemory, 'seenOnline'>,
): 'success' | 'failure' | undefined => {
  if (container.exitCode === undefined) return undefined;
  if (container.exitCode !== 0) return 'failure';
  const reg = snapshot.registrations?.find((r) => r.name === runnerName);
  if (!reg || reg.status === 'online' || memory.seenOnline?.[runnerName]) return 'success';
  if (snapshot.jobs?.some((j) => j.runnerName === runnerName)) return 'success';
  return 'failure';
};
