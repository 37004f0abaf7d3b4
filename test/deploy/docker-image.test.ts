import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runAsync, runSync, waitFor } from './helpers.js';

/**
 * CI builds the Dockerfile from a locally assembled base (no registry here) and the container serves /health.
 * The first build installs dependencies from the npm registry (a few minutes); later builds hit the layer cache.
 */
const BASE = 'shghar-node-base:local';
const IMAGE = 'shghar:deploy-test';
const BUILD_TIMEOUT_MS = 12 * 60_000;

describe('Dockerfile', () => {
  const container = `shghar-deploy-test-${process.pid}`;
  let specDir: string;

  beforeAll(async () => {
    const base = await runAsync('sh', ['scripts/build-node-base-image.sh', BASE], { timeoutMs: 120_000 });
    if (base.status !== 0) throw new Error(`base image build failed:\n${base.out}`);
    const build = await runAsync(
      'docker',
      ['build', '--network', 'host', '--build-arg', `NODE_IMAGE=${BASE}`, '-t', IMAGE, '.'],
      { timeoutMs: BUILD_TIMEOUT_MS },
    );
    if (build.status !== 0) throw new Error(`docker build failed:\n${build.out.slice(-4000)}`);
  }, BUILD_TIMEOUT_MS + 150_000);

  afterAll(() => {
    runSync('docker', ['rm', '-f', container]);
    if (specDir) rmSync(specDir, { recursive: true, force: true });
  });

  it('runs as a non-root user with a node health check and the documented entrypoint', () => {
    const r = runSync('docker', ['image', 'inspect', IMAGE, '--format', '{{json .Config}}']);
    expect(r.status).toBe(0);
    const config = JSON.parse(r.out) as {
      User: string;
      Entrypoint: string[];
      Cmd: string[];
      Healthcheck?: { Test: string[] };
      Env: string[];
    };
    expect(config.User).toBe('10001:10001');
    expect(config.Entrypoint).toEqual(['node', '/app/bin/shghar.js']);
    expect(config.Cmd).toEqual(['run', '-f', '/etc/shghar']);
    expect(config.Healthcheck?.Test.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(config.Healthcheck?.Test.join(' ')).toContain('/health');
    expect(config.Env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'SHGHAR_LISTEN=0.0.0.0:8080']));
  });

  it('ships production dependencies only, the compiled code and its assets', () => {
    const r = runSync('docker', [
      'run', '--rm', '--network', 'none', '--entrypoint', 'sh', IMAGE, '-c',
      'test -d /app/node_modules/express && test -d /app/node_modules/winston && test ! -e /app/node_modules/jest && test ! -e /app/node_modules/typescript && test -f /app/dist/cmd/shghar.js && test -f /app/dist/pkg/api/openapi.yaml && echo ok',
    ]);
    expect(r).toEqual({ status: 0, out: 'ok\n' });
  });

  it('serves /health from `shghar run` and Docker marks the container healthy', async () => {
    specDir = mkdtempSync(join(tmpdir(), 'shghar-image-spec-'));
    // The image runs as uid 10001: the mounted specs must be readable by others, as on a real host.
    chmodSync(specDir, 0o755);
    // min 0: nothing to create; GitHub points at a closed loopback port, so no traffic leaves the machine.
    writeFileSync(
      join(specDir, 'pool.yaml'),
      'apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata: { name: health }\nspec:\n  repository: example/health\n' +
        '  runner: { image: shghar-runner:latest, labels: [self-hosted, linux] }\n  scaling: { min: 0, max: 1 }\n',
    );
    const port = await freePort();
    const closed = await freePort();
    const socketGid = String(statSync('/var/run/docker.sock').gid);
    const run = runSync('docker', [
      'run', '-d', '--name', container, '--network', 'host', '--group-add', socketGid,
      '-v', '/var/run/docker.sock:/var/run/docker.sock',
      '-v', `${specDir}:/etc/shghar:ro`,
      '-e', `SHGHAR_LISTEN=127.0.0.1:${port}`,
      '-e', `SHGHAR_HEALTH_URL=http://127.0.0.1:${port}/health`,
      '-e', `ORCHESTRATOR_GITHUB_API_URL=http://127.0.0.1:${closed}`,
      '-e', 'GITHUB_TOKEN=deploy-test-token-not-real',
      // The image's HEALTHCHECK command, run every second instead of every 30 s; failures while the process starts
      // do not count during the start period, and the first success marks the container healthy.
      '--health-interval', '1s', '--health-start-period', '60s',
      IMAGE,
    ]);
    expect(run.status).toBe(0);
    const logs = () => runSync('docker', ['logs', '--tail', '40', container]).out;

    // Stops early when the container exits, so a crash shows its logs at once instead of after the deadline.
    const outcome = await waitFor(
      'GET /health to answer 200',
      async () => {
        const state = runSync('docker', ['inspect', container, '--format', '{{.State.Status}}']).out.trim();
        if (state === 'exited' || state === 'dead') return { exited: `container ${state}:\n${logs()}` };
        const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        return res?.status === 200 ? { body: (await res.json()) as Record<string, unknown> } : undefined;
      },
      60_000,
      250,
    ).catch((e: Error) => ({ exited: `${e.message}\n${logs()}` }));
    expect(outcome).not.toHaveProperty('exited');
    const body = (outcome as { body: Record<string, unknown> }).body;
    expect(body.status).toBe('healthy');

    const health = await waitFor(
      'docker to report the image HEALTHCHECK healthy',
      async () => {
        const s = runSync('docker', ['inspect', container, '--format', '{{.State.Health.Status}}']).out.trim();
        return s === 'healthy' ? s : undefined;
      },
      30_000,
      250,
    ).catch((e: Error) => {
      const probe = runSync('docker', ['inspect', container, '--format', '{{json .State.Health}}']).out;
      throw new Error(`${e.message}\n${probe}`);
    });
    expect(health).toBe('healthy');
    // A real scrape of the running controller passes promtool and carries the pool's series.
    const metricsText = await waitFor(
      'the pool to appear on /metrics',
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return text.includes('pool="health"') ? text : undefined;
      },
      30_000,
      250,
    );
    expect(runSync('promtool', ['check', 'metrics'], { input: metricsText })).toEqual({ status: 0, out: '' });
    expect(metricsText).not.toContain('deploy-test-token-not-real');
    for (const path of ['/status', '/api/v1/status', '/api/v1/pools', '/api/v1/pools/health']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(await res.text()).not.toContain('deploy-test-token-not-real');
    }
    // The token given to the container never shows in its output.
    expect(runSync('docker', ['logs', container]).out).not.toContain('deploy-test-token-not-real');
  }, 120_000);
});
