import { PortError } from '../../../pkg/errors.js';
import { toRuntimeError } from '../../../pkg/docker/errors.js';

describe('toRuntimeError', () => {
  test.each([
    [{ statusCode: 500, json: { message: 'boom' } }, 'retryable', 500],
    [{ statusCode: 503, reason: 'unavailable' }, 'retryable', 503],
    [{ statusCode: 404, json: { message: 'No such container' } }, 'not-found', 404],
    [{ statusCode: 409, json: { message: 'name in use' } }, 'conflict', 409],
    [{ statusCode: 400, json: { message: 'bad' } }, 'terminal', 400],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'unreachable', undefined],
    [{ code: 'ENOENT', message: 'connect ENOENT /var/run/docker.sock' }, 'unreachable', undefined],
    [new Error('socket hang up'), 'retryable', undefined],
  ])('%j -> %s', (input, kind, status) => {
    const e = toRuntimeError('create', input);
    expect(e).toBeInstanceOf(PortError);
    expect(e.kind).toBe(kind);
    expect(e.status).toBe(status);
    expect(e.message).toMatch(/^docker create: /);
  });

  test('a PortError passes through unchanged', () => {
    const e = new PortError('busy', 'x');
    expect(toRuntimeError('stop', e)).toBe(e);
  });
});
