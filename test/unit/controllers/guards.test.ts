import { applyGuards, breakerState, recordOutcome } from '../../../controllers/guards.js';
import { ActionKind, emptyMemory, type Action, type GuardedPlan, type PoolMemory, type Plan, type Snapshot } from '../../../controllers/types.js';
import type { PoolSpec } from '../../../pkg/spec/types.js';
import { container, MIN, poolSpec, snap, T0 } from './world.js';

const create = (count: number, purpose: 'minimum' | 'scale-up' = 'scale-up'): Action => ({ kind: ActionKind.Create, count, purpose, reason: 'r' });
const down = (n: string): Action => ({ kind: ActionKind.ScaleDown, runnerName: n, containerId: n, registrationId: 1, reason: 'r' });
const orphan: Action = { kind: ActionKind.DeleteOrphan, runnerName: 'ci-o', registrationId: 9, reason: 'r' };
const exited: Action = { kind: ActionKind.CleanupExited, runnerName: 'ci-x', containerId: 'x', reason: 'r' };
const plan = (actions: Action[]): Plan => ({ desired: 0, reasons: [], actions, queued: 0, groups: { idle: [], busy: [], starting: [], stuck: [], exited: [], orphanRegistrations: [], foreign: [] } });
const brief = (g: GuardedPlan) => ({
  allowed: g.allowed.map((a) => (a.kind === 'create' ? `create ${a.count}` : `${a.kind} ${a.runnerName}`)),
  held: g.held.map((h) => `${h.guard}${h.action.kind === 'create' ? ` ${h.action.count}` : ` ${h.action.runnerName}`}`),
  breaker: g.breaker,
});
const running = (n: number) => Array.from({ length: n }, (_, i) => container(`ci-${i}`));
const failures = (n: number, at: number): PoolMemory => ({ ...emptyMemory(), consecutiveFailures: n, lastFailureAt: at });

type Case = [string, PoolSpec, Action[], Snapshot, PoolMemory, ReturnType<typeof brief>];
const demand = poolSpec('demand', { max: 5, maxCreatePerAction: 3, maxDeletePerAction: 2 });
const thresh = poolSpec('threshold', { max: 10 });

describe('applyGuards', () => {
  test.each<Case>([
    ['nothing to hold', demand, [create(2)], snap(), emptyMemory(), { allowed: ['create 2'], held: [], breaker: 'closed' }],
    ['hard max counts running containers', demand, [create(3)], snap({ containers: running(4) }), emptyMemory(), { allowed: ['create 1'], held: ['max 2'], breaker: 'closed' }],
    ['hard max counts in-flight creations', demand, [create(2)], snap({ containers: running(3), inFlight: { creating: 2, deleting: [] } }), emptyMemory(), { allowed: [], held: ['max 2'], breaker: 'closed' }],
    ['exited containers do not count toward max', demand, [create(1)], snap({ containers: [...running(4), container('ci-x', { state: 'exited' })] }), emptyMemory(), { allowed: ['create 1'], held: [], breaker: 'closed' }],
    ['create cap', demand, [create(5)], snap(), emptyMemory(), { allowed: ['create 3'], held: ['create-cap 2'], breaker: 'closed' }],
    ['delete cap; cleanups are not capped', demand, [down('a'), down('b'), down('c'), exited], snap(), emptyMemory(), { allowed: ['scale-down a', 'scale-down b', 'cleanup-exited ci-x'], held: ['delete-cap c'], breaker: 'closed' }],
    ['cooldown holds scale-up (threshold)', thresh, [create(2)], snap(), { ...emptyMemory(), lastScaleUpAt: T0 - 59_000 }, { allowed: [], held: ['cooldown 2'], breaker: 'closed' }],
    ['cooldown over at exactly 60 s', thresh, [create(2)], snap(), { ...emptyMemory(), lastScaleUpAt: T0 - 60_000 }, { allowed: ['create 2'], held: [], breaker: 'closed' }],
    ['cooldown never holds the minimum', thresh, [create(1, 'minimum')], snap(), { ...emptyMemory(), lastScaleUpAt: T0 - 1000 }, { allowed: ['create 1'], held: [], breaker: 'closed' }],
    ['demand policy: no cooldown by default', demand, [create(1)], snap(), { ...emptyMemory(), lastScaleUpAt: T0 - 1000 }, { allowed: ['create 1'], held: [], breaker: 'closed' }],
    ['demand policy honours a cooldown when set', poolSpec('demand', { scaleUpCooldownMs: 10_000 }), [create(1)], snap(), { ...emptyMemory(), lastScaleUpAt: T0 - 1000 }, { allowed: [], held: ['cooldown 1'], breaker: 'closed' }],
    ['4 failures: breaker closed', demand, [create(1)], snap(), failures(4, T0), { allowed: ['create 1'], held: [], breaker: 'closed' }],
    ['5 failures: breaker open, even the minimum is held', demand, [create(1, 'minimum')], snap(), failures(5, T0 - MIN), { allowed: [], held: ['breaker 1'], breaker: 'open' }],
    ['after the back-off: half-open, one probe', demand, [create(3)], snap(), failures(5, T0 - 5 * MIN), { allowed: ['create 1'], held: ['breaker 2'], breaker: 'half-open' }],
    ['half-open with a probe in flight: nothing', demand, [create(1)], snap({ inFlight: { creating: 1, deleting: [] } }), failures(6, T0 - 5 * MIN), { allowed: [], held: ['breaker 1'], breaker: 'half-open' }],
    ['GitHub unreachable: only the minimum, no removals needing GitHub', demand, [create(1, 'minimum'), create(2), down('a'), orphan, exited], snap({ registrations: undefined }), emptyMemory(), { allowed: ['cleanup-exited ci-x', 'create 1'], held: ['github-unreachable a', 'github-unreachable ci-o', 'github-unreachable 2'], breaker: 'closed' }],
    ['rate limit low: creates held until reset', demand, [create(2)], snap({ rateLimit: { limit: 5000, remaining: 50, used: 4950, resetAt: T0 + 20 * MIN } }), emptyMemory(), { allowed: [], held: ['rate-limit 2'], breaker: 'closed' }],
    ['rate limit: budget for some creates', demand, [create(3)], snap({ rateLimit: { limit: 5000, remaining: 104, used: 0, resetAt: T0 + MIN } }), emptyMemory(), { allowed: ['create 2'], held: ['rate-limit 1'], breaker: 'closed' }],
    ['an exited runner with a registration is cleaned up before its replacement', demand, [{ ...exited, registrationId: 7 } as Action, create(1, 'minimum')], snap(), emptyMemory(), { allowed: ['cleanup-exited ci-x'], held: ['cleanup-first 1'], breaker: 'closed' }],
    ['a stuck runner with a registration too', demand, [{ kind: ActionKind.CleanupStuck, runnerName: 'ci-s', containerId: 's', registrationId: 8, reason: 'r' }, create(2)], snap(), emptyMemory(), { allowed: ['cleanup-stuck ci-s'], held: ['cleanup-first 2'], breaker: 'closed' }],
    ['an exited container that never registered does not hold creates', demand, [exited, create(1)], snap(), emptyMemory(), { allowed: ['cleanup-exited ci-x', 'create 1'], held: [], breaker: 'closed' }],
    ['rate limit past its reset: no hold', demand, [create(2)], snap({ rateLimit: { limit: 5000, remaining: 0, used: 5000, resetAt: T0 } }), emptyMemory(), { allowed: ['create 2'], held: [], breaker: 'closed' }],
  ])('%s', (_name, spec, actions, s, mem, expected) => {
    const g = applyGuards(spec, plan(actions), s, mem, T0);
    expect(brief(g)).toEqual(expected);
    for (const h of g.held) expect(h.reason).not.toBe('');
  });
});

test('applyGuards: creates wait while a dead runner with a registration is being removed', () => {
  const dead = container('ci-x', { state: 'exited' });
  const deleting = [{ name: 'ci-x', group: 'busy' as const, container: dead, registration: { id: 7, name: 'ci-x', status: 'offline' as const, busy: false, labels: [] }, createdAt: T0, idleOnPreviousSnapshot: false, why: 'being removed' }];
  const p = plan([create(1, 'minimum')]);
  const g = applyGuards(demand, { ...p, groups: { ...p.groups, deleting } }, snap({ containers: [dead], inFlight: { creating: 0, deleting: ['ci-x'] } }), emptyMemory(), T0);
  expect(brief(g)).toEqual({ allowed: [], held: ['cleanup-first 1'], breaker: 'closed' });
  // A live runner being scaled down does not hold creates.
  const live = [{ ...deleting[0], container: container('ci-x') }];
  expect(brief(applyGuards(demand, { ...p, groups: { ...p.groups, deleting: live } }, snap(), emptyMemory(), T0)).held).toEqual([]);
});

describe('breaker bookkeeping', () => {
  const spec = poolSpec('demand');
  test('opens at the threshold, re-opens on a failed probe, closes on success', () => {
    let m = emptyMemory();
    for (let i = 0; i < 5; i++) m = recordOutcome(m, 'failure', T0 + i);
    expect([m.consecutiveFailures, m.breakerOpenedAt, breakerState(spec, m, T0 + 10)]).toEqual([5, T0 + 4, 'open']);
    expect(breakerState(spec, m, T0 + 4 + 5 * MIN)).toBe('half-open');
    m = recordOutcome(m, 'failure', T0 + 6 * MIN);
    expect(breakerState(spec, m, T0 + 7 * MIN)).toBe('open');
    m = recordOutcome(m, 'success', T0 + 12 * MIN);
    expect([m.consecutiveFailures, m.breakerOpenedAt, breakerState(spec, m, T0 + 12 * MIN)]).toEqual([0, undefined, 'closed']);
  });
});
