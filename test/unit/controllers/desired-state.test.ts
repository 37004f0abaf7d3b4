import { computeDesiredState } from '../../../controllers/desired-state.js';
import { emptyMemory, type Action, type PoolMemory, type Snapshot } from '../../../controllers/types.js';
import type { PoolSpec } from '../../../pkg/spec/types.js';
import { container, job, MIN, online, poolSpec, reg, SEC, snap, T0 } from './world.js';

const brief = (a: Action): string => (a.kind === 'create' ? `create ${a.count} (${a.purpose})` : `${a.kind} ${a.runnerName}`);
const idleFor = (names: string[], ms: number): PoolMemory => ({ ...emptyMemory(), idleSince: Object.fromEntries(names.map((n) => [n, T0 - ms])) });
const two = [online('ci-a'), online('ci-b')];
const world = (rs: ReturnType<typeof online>[], extra: Partial<Snapshot> = {}) =>
  snap({ containers: rs.map((x) => x.c), registrations: rs.map((x) => x.r), ...extra });

type Case = [string, PoolSpec, Snapshot, PoolMemory, number, string[]];

describe('computeDesiredState: demand', () => {
  test.each<Case>([
    ['empty pool at min 0: nothing', poolSpec('demand'), snap(), emptyMemory(), 0, []],
    ['below min: create to min', poolSpec('demand', { min: 2 }), snap(), emptyMemory(), 2, ['create 2 (minimum)']],
    ['queued jobs: one runner each', poolSpec('demand'), snap({ jobs: [job(1), job(2)] }), emptyMemory(), 2, ['create 2 (scale-up)']],
    ['waiting jobs are not demand', poolSpec('demand'), snap({ jobs: [job(1, 'waiting')] }), emptyMemory(), 0, []],
    ['non-matching labels are not demand', poolSpec('demand'), snap({ jobs: [job(1, 'queued', ['self-hosted', 'gpu'])] }), emptyMemory(), 0, []],
    ['labels match case-insensitively', poolSpec('demand'), snap({ jobs: [job(1, 'queued', ['Self-Hosted', 'LINUX'])] }), emptyMemory(), 1, ['create 1 (scale-up)']],
    ['starting runners count once as supply', poolSpec('demand'), snap({ containers: [container('ci-s', { age: 5 * SEC })], jobs: [job(1), job(2)] }), emptyMemory(), 2, ['create 1 (scale-up)']],
    ['in-flight creations count as supply', poolSpec('demand'), snap({ jobs: [job(1), job(2)], inFlight: { creating: 2, deleting: [] } }), emptyMemory(), 2, []],
    ['a queued job assigned to our runner is not counted twice', poolSpec('demand'), world([online('ci-a')], { jobs: [job(1, 'queued', undefined, 'ci-a')] }), emptyMemory(), 1, []],
    ['busy + queued + buffer, clamped to max', poolSpec('demand', { max: 3, idleBuffer: 1 }), world([online('ci-a', true)], { jobs: [job(1), job(2), job(3)] }), emptyMemory(), 3, ['create 2 (scale-up)']],
    ['a busy runner no known job explains took one of the queued jobs: no runner for it twice', poolSpec('demand'), world([online('ci-a', true)], { jobs: [job(1), job(2)], assignedRunners: [] }), emptyMemory(), 2, ['create 1 (scale-up)']],
    ['a busy runner whose job is known takes nothing off the queue', poolSpec('demand'), world([online('ci-a', true)], { jobs: [job(1), job(2)], assignedRunners: ['ci-a'] }), emptyMemory(), 3, ['create 2 (scale-up)']],
    ['unexplained busy runners never make demand negative', poolSpec('demand', { min: 0 }), world([online('ci-a', true), online('ci-b', true)], { jobs: [job(1)], assignedRunners: [] }), emptyMemory(), 2, []],
    ['idle buffer keeps idle runners', poolSpec('demand', { idleBuffer: 2 }), world(two), idleFor(['ci-a', 'ci-b'], 10 * MIN), 2, []],
    ['surplus idle past timeout on two snapshots: scale down oldest first', poolSpec('demand'), world(two), { ...emptyMemory(), idleSince: { 'ci-a': T0 - 6 * MIN, 'ci-b': T0 - 9 * MIN } }, 0, ['scale-down ci-b', 'scale-down ci-a']],
    ['idle only on this snapshot: kept', poolSpec('demand'), world(two), emptyMemory(), 0, []],
    ['idle less than the timeout: kept', poolSpec('demand'), world(two), idleFor(['ci-a', 'ci-b'], 4 * MIN), 0, []],
    ['idle exactly the timeout: removed', poolSpec('demand'), world([online('ci-a')]), idleFor(['ci-a'], 5 * MIN), 0, ['scale-down ci-a']],
    ['busy runners are never scale-down candidates', poolSpec('demand'), world([online('ci-a', true)]), idleFor(['ci-a'], 10 * MIN), 1, []],
    ['exited container: cleaned up, replaced to min', poolSpec('demand', { min: 2 }), snap({ containers: [online('ci-a').c, container('ci-b', { state: 'exited', exitCode: 1 })], registrations: [online('ci-a').r, reg('ci-b', 'offline')] }), emptyMemory(), 2, ['cleanup-exited ci-b', 'create 1 (minimum)']],
    ['stuck container: cleaned up', poolSpec('demand'), snap({ containers: [container('ci-a', { age: 3 * MIN })] }), emptyMemory(), 0, ['cleanup-stuck ci-a']],
    ['orphan within grace: kept', poolSpec('demand'), snap({ registrations: [reg('ci-o', 'offline', false, 9)] }), { ...emptyMemory(), orphanSeenAt: { '9': T0 - 9 * MIN } }, 0, []],
    ['orphan past grace: deleted', poolSpec('demand'), snap({ registrations: [reg('ci-o', 'offline', false, 9)] }), { ...emptyMemory(), orphanSeenAt: { '9': T0 - 10 * MIN } }, 0, ['delete-orphan ci-o']],
    ['foreign registration: never touched', poolSpec('demand'), snap({ registrations: [reg('other-1', 'offline')] }), emptyMemory(), 0, []],
    ['GitHub unreachable: keep min from Docker, no scale-down, exited still cleaned', poolSpec('demand', { min: 2 }), snap({ containers: [container('ci-a'), container('ci-x', { state: 'exited' })], registrations: undefined, jobs: undefined }), idleFor(['ci-a'], 60 * MIN), 2, ['cleanup-exited ci-x', 'create 1 (minimum)']],
    ['jobs unknown: no scale-down', poolSpec('demand'), world(two, { jobs: undefined }), idleFor(['ci-a', 'ci-b'], 60 * MIN), 0, []],
  ])('%s', (_name, spec, s, mem, desired, actions) => {
    const plan = computeDesiredState(spec, s, mem, T0);
    expect(plan.actions.map(brief)).toEqual(actions);
    expect(plan.desired).toBe(desired);
    for (const a of plan.actions) expect(a.reason).not.toBe('');
  });
});

describe('computeDesiredState: threshold', () => {
  const th = (s: Parameters<typeof poolSpec>[1] = {}) => poolSpec('threshold', { min: 1, ...s });
  test.each<Case>([
    ['below min (online only): create to min', th({ min: 2 }), snap(), emptyMemory(), 2, ['create 2 (minimum)']],
    ['stuck runners do not count toward min', th({ min: 1 }), snap({ containers: [container('ci-a', { age: 3 * MIN })] }), emptyMemory(), 1, ['cleanup-stuck ci-a', 'create 1 (minimum)']],
    ['queue length below up threshold, utilization 50%: nothing', th(), world([online('ci-a', true), online('ci-b')], { jobs: [job(1), job(2)] }), emptyMemory(), 2, []],
    ['queue length 2 at the up threshold: scale up by 2', th(), world([online('ci-a', true)], { jobs: [job(1), job(2)] }), emptyMemory(), 3, ['create 2 (scale-up)']],
    ['big queue: at most maxCreatePerAction', th(), world([online('ci-a', true)], { jobs: [1, 2, 3, 4, 5, 6].map((i) => job(i)) }), emptyMemory(), 3, ['create 2 (scale-up)']],
    ['in-progress jobs count toward queue length', th(), world([online('ci-a')], { jobs: [job(1, 'in_progress'), job(2, 'in_progress'), job(3, 'in_progress')] }), emptyMemory(), 3, ['create 2 (scale-up)']],
    ['near max: capped at max', th({ max: 2 }), world([online('ci-a', true)], { jobs: [job(1), job(2), job(3)] }), emptyMemory(), 2, ['create 1 (scale-up)']],
    ['utilization high with work queued: scale up', th({ scaleUpThreshold: 5 }), world([online('ci-a', true)], { jobs: [job(1)] }), emptyMemory(), 2, ['create 1 (scale-up)']],
    ['queue length at down threshold: remove one (cap 1), oldest idle first', th(), world([online('ci-a'), online('ci-b'), online('ci-c')]), { ...emptyMemory(), idleSince: { 'ci-a': T0 - 6 * MIN, 'ci-b': T0 - 8 * MIN, 'ci-c': T0 - 7 * MIN } }, 2, ['scale-down ci-b']],
    ['never below min', th({ min: 2 }), world(two), idleFor(['ci-a', 'ci-b'], 60 * MIN), 2, []],
    ['idle not yet past the timeout: kept', th(), world(two), idleFor(['ci-a', 'ci-b'], MIN), 2, []],
  ])('%s', (_name, spec, s, mem, desired, actions) => {
    const plan = computeDesiredState(spec, s, mem, T0);
    expect(plan.actions.map(brief)).toEqual(actions);
    expect(plan.desired).toBe(desired);
  });
});
