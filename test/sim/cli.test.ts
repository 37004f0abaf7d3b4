import { parseSimArgs } from '../../pkg/sim/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('sim flags: tokens, webhooks with secret files, orgs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  writeFileSync(join(dir, 's'), 'shh\n');
  expect(parseSimArgs(['--port', '0', '--token', 'a', '--webhook', 'http://127.0.0.1:1/h', '--webhook-secret-file', join(dir, 's'), '--org', 'acme=app,lib']))
    .toEqual({ port: 0, tokens: ['a'], webhooks: [{ url: 'http://127.0.0.1:1/h', secret: 'shh' }], orgs: { acme: ['app', 'lib'] } });
  expect(parseSimArgs([]).tokens).toEqual(['sim-token']);
  expect(() => parseSimArgs(['--webhook', 'http://x'])).toThrow(/secret/);
  expect(() => parseSimArgs(['--bogus'])).toThrow(/unknown flag/);
});
