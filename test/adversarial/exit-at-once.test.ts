import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitOutcome } from '../../controllers/exit-outcome.js';
import { record } from '../helpers/recording.js';
import { always } from '../helpers/scenario.js';
import { FAKE_RUNNER_IMAGE, poolDoc, startWorld, until, type World } from '../helpers/world.js';

/**
 * A runner image that exits 0 at once (a wrong entrypoint, a runner that prints its help): no job is ever run, yet
 * every exit looks "clean". Each replacement costs a JIT config and a delete on GitHub; the breaker must open
 * after its threshold instead of churning registrations forever.
 */
const IMAGE = 'shghar-adv-exit0:test';
let w: World;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'shghar-adv-img-'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${FAKE_RUNNER_IMAGE}\nENTRYPOINT ["/usr/local/bin/node", "-e", "process.exit(0)"]\n`);
  execFileSync('docker', ['build', '-q', '-t', IMAGE, dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}, 60_000);
afterEach(async () => {
  await w?.close();
});

test('an image that exits 0 without running a job opens the breaker; registrations do not pile up', async () => {
  w = await startWorld();
  const rec = record(w.github, w.runtime);
  const yaml = poolDoc({ name: 'ex', min: 1, max: 2, image: IMAGE, prefix: `ex${w.controllerId.slice(2)}-`, poll: '200ms', guards: { breakerThreshold: 3, breakerBackoff: '1h' } });
  w.start(yaml, { github: rec.github, runtime: rec.runtime });
  const pool = w.pool('ex');
  await until('breaker open', () => pool.lastTick?.guarded.breaker === 'open', 30_000).catch((e) => {
    throw new Error(`${(e as Error).message}; JIT configs issued so far: ${rec.of('jit').length}`);
  });
  await until('in-flight work settled', () => pool.lastTick?.snapshot.inFlight.creating === 0);
  const jits = rec.of('jit').length;
  await always('no create while the breaker is open', () => rec.of('jit').length === jits, 1_500);
  expect(jits).toBeLessThanOrEqual(4);
  await until('no registration left', async () => (await w.sim.control.state()).runners.length === 0, 10_000);
}, 60_000);

describe('exitOutcome: a clean exit is a success only when the runner did something', () => {
  const reg = (status: 'online' | 'offline') => ({ id: 1, name: 'r', status, busy: false, labels: [] });
  test.each([
    ['exit 1', { exitCode: 1 }, { registrations: [] }, {}, 'failure'],
    ['exit 0, registration gone (ephemeral job done)', { exitCode: 0 }, { registrations: [] }, {}, 'success'],
    ['exit 0, GitHub unreachable', { exitCode: 0 }, { registrations: undefined }, {}, 'success'],
    ['exit 0, offline, seen online before', { exitCode: 0 }, { registrations: [reg('offline')] }, { seenOnline: { r: true as const } }, 'success'],
    ['exit 0, offline, a job known on it', { exitCode: 0 }, { registrations: [reg('offline')], jobs: [{ runnerName: 'r' }] }, {}, 'success'],
    ['exit 0, offline, never online, no job', { exitCode: 0 }, { registrations: [reg('offline')] }, {}, 'failure'],
    ['no exit code yet', {}, { registrations: [] }, {}, undefined],
  ])('%s', (_name, container, snapshot, memory, expected) => {
    expect(exitOutcome('r', container as { exitCode?: number }, snapshot as never, memory)).toBe(expected);
  });
});
