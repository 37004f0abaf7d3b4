/**
 * The runner image's entrypoint.sh, run for real in containers of a locally built test image where run.sh and
 * config.sh are stand-ins that record their arguments, environment and signals.
 */
import { Records, runToExit, signal, startDetached, until, waitForExit } from './container.js';
import { RUNNER_UID, buildTestImage } from './test-image.js';

const JIT = 'jit-SECRET-eyJhbGciOiJub25lIn0';
const TOKEN = 'reg-SECRET-AABBCCDDEEFF';
const REMOVE = 'rm-SECRET-112233445566';
const URL = 'https://github.com/acme/widgets';

let image: string;
let records: Records;

beforeAll(() => {
  image = buildTestImage();
}, 120_000);

beforeEach(() => {
  records = new Records();
});
afterEach(() => records?.dispose());

/** Nothing the runner or config.sh can see in its environment carries a secret or a secret's variable. */
function expectNoSecretsIn(envRecord: string): void {
  const env = records.list(envRecord);
  expect(env.length).toBeGreaterThan(0);
  for (const entry of env) {
    for (const secret of [JIT, TOKEN, REMOVE]) expect(entry).not.toContain(secret);
    expect(entry).not.toMatch(/^(ACTIONS_RUNNER_INPUT_\w+|RUNNER_TOKEN|RUNNER_REMOVE_TOKEN)=/);
  }
}

function expectNoSecretsInOutput(result: { stdout: string; stderr: string }): void {
  for (const secret of [JIT, TOKEN, REMOVE]) expect(result.stdout + result.stderr).not.toContain(secret);
}

describe('JIT mode', () => {
  it('starts run.sh --jitconfig as the runner user with the secret gone from every environment it can read', async () => {
    const result = await runToExit(image, records, { env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT } });

    expect(result.exitCode).toBe(0);
    expect(records.list('run.argv')).toEqual(['--jitconfig', JIT]);
    expect(records.text('run.uid').trim()).toBe(String(RUNNER_UID));
    expectNoSecretsIn('run.env');
    // The container's initial environment (tini, the entrypoint) stays out of a job's reach.
    const [tini, entrypoint] = records.text('run.proc').trim().split('\n');
    expect(tini).toBe('1 unreadable');
    expect(entrypoint).toMatch(/^\d+ unreadable$/);
    expect(records.has('config.argv')).toBe(false);
    expect(result.stderr).toContain('mode: jit');
    expectNoSecretsInOutput(result);
  });

  it('drops other ACTIONS_RUNNER_INPUT_* variables, naming them without their values', async () => {
    const result = await runToExit(image, records, {
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, ACTIONS_RUNNER_INPUT_TOKEN: TOKEN },
    });

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('ignoring ACTIONS_RUNNER_INPUT_TOKEN');
    expectNoSecretsIn('run.env');
    expectNoSecretsInOutput(result);
  });
});

describe('registration-token mode', () => {
  it('configures an unattended ephemeral runner, then starts run.sh without arguments', async () => {
    const result = await runToExit(image, records, {
      env: { RUNNER_TOKEN: TOKEN, RUNNER_URL: URL, RUNNER_NAME: 'ci-7f3a', RUNNER_LABELS: 'self-hosted,linux,gpu', RUNNER_REMOVE_TOKEN: REMOVE },
    });

    expect(result.exitCode).toBe(0);
    expect(records.list('config.argv')).toEqual([
      '--unattended', '--ephemeral', '--disableupdate',
      '--name', 'ci-7f3a', '--url', URL, '--token', TOKEN, '--work', '_work',
      '--labels', 'self-hosted,linux,gpu',
    ]);
    expect(records.list('run.argv')).toEqual([]);
    expectNoSecretsIn('config.env');
    expectNoSecretsIn('run.env');
    expect(records.has('config-remove.argv')).toBe(false);
    expectNoSecretsInOutput(result);
  });

  it.each([
    ['TRUE', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('RUNNER_NO_DEFAULT_LABELS=%s adds --no-default-labels: %s', async (value, expected) => {
    const result = await runToExit(image, records, {
      env: { RUNNER_TOKEN: TOKEN, RUNNER_URL: URL, RUNNER_GROUP: 'builders', RUNNER_NO_DEFAULT_LABELS: value },
    });

    expect(result.exitCode).toBe(0);
    const argv = records.list('config.argv');
    expect(argv).toEqual(expect.arrayContaining(['--runnergroup', 'builders']));
    expect(argv.includes('--no-default-labels')).toBe(expected);
  });

  it('keeps config.sh exit code and never starts the runner when configuration fails', async () => {
    const result = await runToExit(image, records, {
      env: { RUNNER_TOKEN: TOKEN, RUNNER_URL: URL, STANDIN_CONFIG_EXIT: '5' },
    });

    expect(result.exitCode).toBe(5);
    expect(records.has('run.argv')).toBe(false);
  });

  it('refuses a token without RUNNER_URL', async () => {
    const result = await runToExit(image, records, { env: { RUNNER_TOKEN: TOKEN } });

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('RUNNER_URL is required');
    expect(records.has('config.argv')).toBe(false);
  });
});

describe('mode selection and settings', () => {
  it('refuses to start with neither a JIT config nor a token', async () => {
    const result = await runToExit(image, records);

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toMatch(/neither ACTIONS_RUNNER_INPUT_JITCONFIG nor RUNNER_TOKEN is set/);
    expect(records.has('run.argv')).toBe(false);
  });

  it('refuses to start with both a JIT config and a token', async () => {
    const result = await runToExit(image, records, {
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, RUNNER_TOKEN: TOKEN, RUNNER_URL: URL },
    });

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toMatch(/both ACTIONS_RUNNER_INPUT_JITCONFIG and RUNNER_TOKEN are set/);
    expect(records.has('run.argv')).toBe(false);
    expect(records.has('config.argv')).toBe(false);
    expectNoSecretsInOutput(result);
  });

  it.each([
    ['DOCKER_IN_DOCKER', 'yes'],
    ['DOCKER_IN_DOCKER', 'on'],
    ['RUNNER_NO_DEFAULT_LABELS', '2'],
  ])('refuses %s=%s (only true/false/1/0)', async (name, value) => {
    const result = await runToExit(image, records, { env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, [name]: value } });

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain(`${name} must be one of true, false, 1, 0`);
    expect(records.has('run.argv')).toBe(false);
  });

  it.each(['0', 'false', 'FALSE'])('DOCKER_IN_DOCKER=%s starts no Docker engine', async (value) => {
    const result = await runToExit(image, records, { env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, DOCKER_IN_DOCKER: value } });

    expect(result.exitCode).toBe(0);
    expect(records.has('dockerd.started')).toBe(false);
    expect(records.has('run.argv')).toBe(true);
  });

  it('refuses Docker-in-Docker in a container that is not privileged', async () => {
    const result = await runToExit(image, records, { env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, DOCKER_IN_DOCKER: 'true' } });

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('needs a privileged container');
    expect(records.has('dockerd.started')).toBe(false);
    expect(records.has('run.argv')).toBe(false);
  });

  it('starts the Docker engine in a privileged container and waits until it answers', async () => {
    const result = await runToExit(image, records, {
      privileged: true,
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, DOCKER_IN_DOCKER: '1' },
    });

    expect(result.exitCode).toBe(0);
    expect(records.has('dockerd.started')).toBe(true);
    expect(result.stderr).toContain('Docker engine ready');
    expect(records.has('run.argv')).toBe(true);
  });

  it('gives up when the Docker engine does not answer within DOCKERD_TIMEOUT', async () => {
    const result = await runToExit(image, records, {
      privileged: true,
      env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, DOCKER_IN_DOCKER: 'true', DOCKERD_TIMEOUT: '1', STANDIN_DOCKERD_HANG: 'true' },
    });

    expect(result.exitCode).toBe(70);
    expect(result.stderr).toContain('did not answer within 1s');
    expect(records.has('run.argv')).toBe(false);
  });
});

describe('exit codes and signals', () => {
  it("exits with the runner's exit code", async () => {
    const result = await runToExit(image, records, { env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, STANDIN_EXIT: '3' } });

    expect(result.exitCode).toBe(3);
  });

  it('forwards SIGTERM to the runner and keeps its exit code (JIT)', async () => {
    const id = await startDetached(image, records, { env: { ACTIONS_RUNNER_INPUT_JITCONFIG: JIT, STANDIN_WAIT: 'true' } });
    await until(() => records.has('run.started'), 'the runner to start');

    await signal(id, 'TERM');
    const result = await waitForExit(id);

    expect(records.text('run.term')).toBe('term\n');
    expect(result.exitCode).toBe(3);
  });

  it('removes the registration of an idle runner after SIGTERM (token mode)', async () => {
    const id = await startDetached(image, records, {
      env: { RUNNER_TOKEN: TOKEN, RUNNER_URL: URL, RUNNER_REMOVE_TOKEN: REMOVE, STANDIN_WAIT: 'true' },
    });
    await until(() => records.has('run.started'), 'the runner to start');

    await signal(id, 'TERM');
    const result = await waitForExit(id);

    expect(records.text('run.term')).toBe('term\n');
    expect(records.list('config-remove.argv')).toEqual(['remove', '--token', REMOVE]);
    expectNoSecretsIn('config-remove.env');
    expect(result.exitCode).toBe(3);
    expectNoSecretsInOutput(result);
  });

  it('leaves the registration of a busy runner alone after SIGTERM (token mode)', async () => {
    const id = await startDetached(image, records, {
      env: { RUNNER_TOKEN: TOKEN, RUNNER_URL: URL, RUNNER_REMOVE_TOKEN: REMOVE, STANDIN_WAIT: 'true', STANDIN_BUSY: 'true' },
    });
    await until(() => records.has('run.started'), 'the runner to start');

    await signal(id, 'TERM');
    const result = await waitForExit(id);

    expect(records.text('run.term')).toBe('term\n');
    expect(records.has('config-remove.argv')).toBe(false);
    expect(result.stderr).toContain('job running: true');
    expect(result.exitCode).toBe(3);
  });
});
