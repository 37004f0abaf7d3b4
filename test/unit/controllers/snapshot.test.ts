import { groupRunners, nextMemory } from '../../../controllers/snapshot.js';
import { emptyMemory, type Groups } from '../../../controllers/types.js';
import { container, job, MIN, poolSpec, reg, SEC, snap, T0 } from './world.js';

const names = (g: Groups) =>
  Object.fromEntries(
    Object.entries(g)
      .map(([k, v]) => [k, (v as Array<{ name: string }>).map((x) => x.name)])
      .filter(([, v]) => (v as string[]).length > 0),
  );

describe('groupRunners', () => {
  const spec = poolSpec();
  test.each([
    ['running + online + busy is busy', snap({ containers: [container('ci-a')], registrations: [reg('ci-a', 'online', true)] }), { busy: ['ci-a'] }],
    ['online, not busy, but a job names it: busy', snap({ containers: [container('ci-a')], registrations: [reg('ci-a')], jobs: [job(1, 'in_progress', undefined, 'ci-a')] }), { busy: ['ci-a'] }],
    ['online, not busy: idle', snap({ containers: [container('ci-a')], registrations: [reg('ci-a')] }), { idle: ['ci-a'] }],
    ['young, no registration: starting', snap({ containers: [container('ci-a', { age: 30 * SEC })] }), { starting: ['ci-a'] }],
    ['young, offline registration (JIT before connect): starting', snap({ containers: [container('ci-a', { age: 30 * SEC })], registrations: [reg('ci-a', 'offline')] }), { starting: ['ci-a'] }],
    ['just at the grace: stuck', snap({ containers: [container('ci-a', { age: 2 * MIN })] }), { stuck: ['ci-a'] }],
    ['past the grace, offline registration: stuck', snap({ containers: [container('ci-a', { age: 3 * MIN })], registrations: [reg('ci-a', 'offline')] }), { stuck: ['ci-a'] }],
    ['registration vanished: stuck', snap({ containers: [container('ci-a', { age: 30 * MIN })] }), { stuck: ['ci-a'] }],
    ['exited: exited', snap({ containers: [container('ci-a', { state: 'exited', exitCode: 1 })], registrations: [reg('ci-a', 'offline')] }), { exited: ['ci-a'] }],
    ['dead: exited', snap({ containers: [container('ci-a', { state: 'dead' })] }), { exited: ['ci-a'] }],
    ['created, within start grace: starting', snap({ containers: [container('ci-a', { state: 'created', age: 59 * SEC })] }), { starting: ['ci-a'] }],
    ['created, past start grace: exited', snap({ containers: [container('ci-a', { state: 'created', age: 61 * SEC })] }), { exited: ['ci-a'] }],
    ['our prefix + labels, no container: orphan', snap({ registrations: [reg('ci-x1', 'offline')] }), { orphanRegistrations: ['ci-x1'] }],
    ['another name: foreign', snap({ registrations: [reg('build-7', 'offline')] }), { foreign: ['build-7'] }],
    ['nested prefix of another pool: foreign', snap({ registrations: [reg('ci-gpu-x1')] }), { foreign: ['ci-gpu-x1'] }],
    ['our prefix without our labels: foreign', snap({ registrations: [{ ...reg('ci-x2'), labels: ['self-hosted'] }] }), { foreign: ['ci-x2'] }],
    ['GitHub unreachable, old: assumed busy', snap({ containers: [container('ci-a')], registrations: undefined }), { busy: ['ci-a'] }],
    ['GitHub unreachable, young: starting', snap({ containers: [container('ci-a', { age: SEC })], registrations: undefined }), { starting: ['ci-a'] }],
    ['being deleted: kept apart', snap({ containers: [container('ci-a')], registrations: [reg('ci-a')], inFlight: { creating: 0, deleting: ['ci-a'] } }), { deleting: ['ci-a'] }],
  ])('%s', (_name, s, expected) => {
    expect(names(groupRunners(spec, s, emptyMemory(), T0))).toEqual(expected);
  });

  test('a container of another controller is ignored', () => {
    const c = container('ci-a');
    c.labels['io.shghar.controller-id'] = 'other';
    expect(names(groupRunners(spec, snap({ containers: [c] }), emptyMemory(), T0, 'default'))).toEqual({});
  });

  test('idle runners are ordered longest idle first and carry their streak', () => {
    const s = snap({ containers: [container('ci-a'), container('ci-b')], registrations: [reg('ci-a'), reg('ci-b')] });
    const mem = { ...emptyMemory(), idleSince: { 'ci-b': T0 - 5 * MIN } };
    const g = groupRunners(spec, s, mem, T0);
    expect(g.idle.map((r) => [r.name, r.idleSince, r.idleOnPreviousSnapshot])).toEqual([
      ['ci-b', T0 - 5 * MIN, true],
      ['ci-a', T0, false],
    ]);
  });
});

describe('nextMemory', () => {
  const spec = poolSpec();
  test('idle streaks continue, end when busy, orphans keep their first-seen time', () => {
    const s = snap({ containers: [container('ci-a'), container('ci-b')], registrations: [reg('ci-a'), reg('ci-b', 'online', true), reg('ci-o', 'offline', false, 77)] });
    const prev = { ...emptyMemory(), idleSince: { 'ci-a': T0 - MIN, 'ci-b': T0 - MIN }, orphanSeenAt: { '77': T0 - 3 * MIN, '5': T0 } };
    const next = nextMemory(spec, s, groupRunners(spec, s, prev, T0), prev, T0);
    expect(next.idleSince).toEqual({ 'ci-a': T0 - MIN });
    expect(next.orphanSeenAt).toEqual({ '77': T0 - 3 * MIN });
  });

  test('GitHub unreachable keeps what was known', () => {
    const prev = { ...emptyMemory(), idleSince: { 'ci-a': T0 - MIN }, orphanSeenAt: { '1': T0 } };
    const s = snap({ containers: [container('ci-a')], registrations: undefined });
    expect(nextMemory(spec, s, groupRunners(spec, s, prev, T0), prev, T0)).toEqual(prev);
  });
});
