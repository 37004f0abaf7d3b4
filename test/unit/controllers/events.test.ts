import { EventType, createEventRecorder } from '../../../controllers/events.js';
import { registerSecret } from '../../../pkg/log/index.js';

describe('event recorder', () => {
  it('records events per pool with first and last seen', () => {
    const r = createEventRecorder();
    r.record('a', EventType.Normal, 'RunnerCreated', 'created a-1', 1000);
    r.record('b', EventType.Warning, 'BreakerOpened', '5 failures in a row', 2000);
    expect(r.list('a')).toEqual([
      { type: 'Normal', reason: 'RunnerCreated', message: 'created a-1', count: 1, firstSeen: 1000, lastSeen: 1000 },
    ]);
    expect(r.list('b').map((e) => e.reason)).toEqual(['BreakerOpened']);
    expect(r.list('none')).toEqual([]);
    expect(r.pools().sort()).toEqual(['a', 'b']);
  });

  it('bumps the count of a repeated (type, reason, message) and moves it to the end', () => {
    const r = createEventRecorder();
    r.record('a', EventType.Warning, 'CreateFailed', 'docker 503', 1000);
    r.record('a', EventType.Normal, 'RunnerCreated', 'created a-1', 1500);
    const bumped = r.record('a', EventType.Warning, 'CreateFailed', 'docker 503', 3000);
    expect(bumped).toMatchObject({ count: 2, firstSeen: 1000, lastSeen: 3000 });
    expect(r.list('a').map((e) => [e.reason, e.count])).toEqual([
      ['RunnerCreated', 1],
      ['CreateFailed', 2],
    ]);
  });

  it.each([
    ['type', EventType.Normal, 'CreateFailed', 'docker 503'],
    ['reason', EventType.Warning, 'StartFailed', 'docker 503'],
    ['message', EventType.Warning, 'CreateFailed', 'docker 500'],
  ])('treats a different %s as a different event', (_what, type, reason, message) => {
    const r = createEventRecorder();
    r.record('a', EventType.Warning, 'CreateFailed', 'docker 503', 1);
    r.record('a', type, reason, message, 2);
    expect(r.list('a')).toHaveLength(2);
  });

  it('keeps at most `capacity` events per pool, evicting the least recently seen', () => {
    const r = createEventRecorder(3);
    for (let i = 0; i < 5; i++) r.record('a', EventType.Normal, 'RunnerCreated', `created a-${i}`, i);
    r.record('b', EventType.Normal, 'RunnerCreated', 'created b-0', 0);
    expect(r.list('a').map((e) => e.message)).toEqual(['created a-2', 'created a-3', 'created a-4']);
    // A repeat refreshes an old event so it survives the next eviction.
    r.record('a', EventType.Normal, 'RunnerCreated', 'created a-2', 10);
    r.record('a', EventType.Normal, 'RunnerCreated', 'created a-5', 11);
    expect(r.list('a').map((e) => e.message)).toEqual(['created a-4', 'created a-2', 'created a-5']);
    expect(r.list('b')).toHaveLength(1);
  });

  it('stays bounded under a long crash loop', () => {
    const r = createEventRecorder(100);
    for (let i = 0; i < 10_000; i++) r.record('a', EventType.Warning, 'RunnerExited', `runner a-${i} exited with code 1`, i);
    expect(r.list('a')).toHaveLength(100);
    expect(r.list('a')[99].message).toBe('runner a-9999 exited with code 1');
  });

  it('hands out copies and forgets removed pools', () => {
    const r = createEventRecorder();
    r.record('a', EventType.Normal, 'RunnerCreated', 'x', 1);
    r.list('a')[0].count = 99;
    expect(r.list('a')[0].count).toBe(1);
    r.forget('a');
    expect(r.list('a')).toEqual([]);
  });

  it('scrubs registered secrets from messages', () => {
    const secret = 'jit-config-value-0123456789';
    registerSecret(secret);
    const r = createEventRecorder();
    r.record('a', EventType.Warning, 'CreateFailed', `create with ${secret} failed`, 1);
    expect(r.list('a')[0].message).toBe('create with [REDACTED] failed');
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => createEventRecorder(0)).toThrow(/positive integer/);
  });
});
