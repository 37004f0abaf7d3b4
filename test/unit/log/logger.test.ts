import { PassThrough } from 'node:stream';
import { createLogger, createMemoryLogger, logOptionsFromEnv, newReconcileId, registerSecret } from '../../../pkg/log/index.js';

describe('createLogger', () => {
  it('writes JSON lines with timestamp, level, message and child fields', () => {
    const { logger, lines } = createMemoryLogger('info');
    const id = newReconcileId();
    const tick = logger.child({ pool: 'ci', reconcileId: id });
    tick.info('decision', { desired: 3, inputs: { busy: 1, queued: 2 } });
    tick.debug('dropped below level');
    logger.warn('no pool');
    const out = lines();
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ level: 'info', message: 'decision', pool: 'ci', reconcileId: id, desired: 3 });
    expect(new Date(out[0].timestamp as string).getTime()).not.toBeNaN();
    expect(out[1]).toMatchObject({ level: 'warn', message: 'no pool' });
    expect(out[1].pool).toBeUndefined();
  });

  it('never writes a registered token, in messages, nested meta, child fields or errors', () => {
    const token = 'ghp_' + 'Z'.repeat(8) + newReconcileId() + 'tokenAtTheEdge';
    const jit = 'eyJ' + newReconcileId() + 'jitConfigValue';
    registerSecret(token);
    registerSecret(jit);
    const { logger, raw, lines } = createMemoryLogger('debug');
    const child = logger.child({ pool: 'ci', note: `child ${token}` });
    child.info(`message with ${token}`);
    child.debug('nested', { deep: { list: [{ env: [`X=${jit}`], headers: { authorization: `token ${token}` } }] } });
    child.error('failed', { err: new Error(`request with ${token} failed`) });
    child.error(new Error(`thrown ${jit}`));
    child.warn('meta error', new Error(`as meta ${token}`));
    const text = raw();
    expect(lines()).toHaveLength(5);
    expect(text).not.toContain(token);
    expect(text).not.toContain(jit);
    expect(text).toContain('[REDACTED]');
    // The Error is kept as a readable object rather than `{}`.
    expect(lines()[2].err).toMatchObject({ name: 'Error', message: 'request with [REDACTED] failed' });
  });

  it('writes a readable console line when structured logging is off', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c) => chunks.push(String(c)));
    const logger = createLogger({ level: 'info', structured: false, stream });
    logger.child({ pool: 'ci', reconcileId: 'abc123' }).info('created runners', { count: 2 });
    const deadline = Date.now() + 2000;
    while (chunks.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(chunks.join('')).toMatch(/^\d{4}-\d\d-\d\dT\S+ info {2}\[ci\/abc123\] created runners count=2\n$/);
  });

  it('rejects an unknown level', () => {
    expect(() => createLogger({ level: 'loud', structured: true })).toThrow(/unknown log level "loud"/);
  });

  it('reads LOG_LEVEL and LOG_FORMAT from the environment it is given', () => {
    expect(logOptionsFromEnv({})).toEqual({ level: 'info', structured: true });
    expect(logOptionsFromEnv({ LOG_LEVEL: 'debug', LOG_FORMAT: 'console' })).toEqual({ level: 'debug', structured: false });
  });

  it('makes distinct reconcile ids', () => {
    const ids = new Set(Array.from({ length: 100 }, newReconcileId));
    expect(ids.size).toBe(100);
  });
});
