import { PortError, ErrorKind } from '../../../pkg/errors.js';
import { REDACTED, isSecretKey, redact, redactString, registerSecret } from '../../../pkg/log/index.js';

describe('redact', () => {
  const token = 'ghs_registeredAtTheEdge0123456789abcdef';
  beforeAll(() => registerSecret(token));

  it('scrubs a registered secret from plain strings, URLs and JSON text', () => {
    expect(redactString(`auth with ${token} failed`)).toBe(`auth with ${REDACTED} failed`);
    expect(redactString(`https://x/?t=${encodeURIComponent(token)}`)).not.toContain(token);
    expect(redactString(JSON.stringify({ note: token }))).not.toContain(token);
  });

  it('blanks secret-named keys at any depth but keeps references and ordinary fields', () => {
    const out = redact({
      pool: 'ci',
      a: { b: [{ encoded_jit_config: 'eyJhbGciOi', Authorization: 'token abc', password: 'pw' }] },
      githubTokenRef: 'env:GITHUB_TOKEN',
      webhookSecret: 'whsec',
      tokenExpiresAt: 12,
    });
    expect(out).toEqual({
      pool: 'ci',
      a: { b: [{ encoded_jit_config: REDACTED, Authorization: REDACTED, password: REDACTED }] },
      githubTokenRef: 'env:GITHUB_TOKEN',
      webhookSecret: REDACTED,
      tokenExpiresAt: 12,
    });
  });

  it.each([
    ['ACTIONS_RUNNER_INPUT_JITCONFIG', true],
    ['encodedJitConfig', true],
    ['private_key', true],
    ['x-hub-signature', false],
    ['jitConfigRef', false],
    ['name', false],
  ])('isSecretKey(%s) = %s', (key, expected) => {
    expect(isSecretKey(key)).toBe(expected);
  });

  it('turns Errors into plain objects with scrubbed message, stack, cause and fields', () => {
    const cause = new Error(`inner ${token}`);
    const err = Object.assign(new PortError(ErrorKind.Terminal, `POST failed: ${token}`, 401), {
      request: { headers: { authorization: `token ${token}` } },
      cause,
    });
    const out = redact({ err }) as unknown as { err: Record<string, unknown> };
    const text = JSON.stringify(out);
    expect(text).not.toContain(token);
    expect(out.err.name).toBe('PortError');
    expect(out.err.message).toBe(`POST failed: ${REDACTED}`);
    expect(out.err.kind).toBe('terminal');
    expect(out.err.status).toBe(401);
    expect((out.err.cause as Record<string, unknown>).message).toBe(`inner ${REDACTED}`);
  });

  it('scrubs unregistered credentials by shape: env strings, PEM keys, GitHub tokens, bearer headers', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';
    const s = redactString(
      `Env ACTIONS_RUNNER_INPUT_JITCONFIG=eyJzZWNyZXQi ${pem} ghp_abcdefghijklmnopqrstuvwxyz012345 Bearer abcdefghijklmnopqrstuvwxyz`,
    );
    expect(s).toBe(
      `Env ACTIONS_RUNNER_INPUT_JITCONFIG=${REDACTED} ${REDACTED} ${REDACTED} Bearer ${REDACTED}`,
    );
    expect(redactString('{"encoded_jit_config":"abc\\"def","ok":1}')).toBe(`{"encoded_jit_config":"${REDACTED}","ok":1}`);
  });

  it('keeps ordinary messages intact and survives cycles', () => {
    expect(redactString('bad token: HTTP 401')).toBe('bad token: HTTP 401');
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(redact(a)).toEqual({ x: 1, self: '[Circular]' });
  });

  it('ignores values too short to be credentials', () => {
    registerSecret('ci');
    expect(redactString('ci pool')).toBe('ci pool');
  });
});
