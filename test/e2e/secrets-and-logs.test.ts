import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { startController, type RunningController } from '../../cmd/app.js';
import { createRuntimePort } from '../../pkg/docker/dockerode-port.js';
import { Label } from '../../pkg/docker/port.js';
import { createLogger } from '../../pkg/log/index.js';
import { startSimulator, type Simulator } from '../../pkg/sim/index.js';
import { defaultControllerSettings, parseSpecText } from '../../pkg/spec/index.js';
import { poolDoc, until } from '../helpers/world.js';

/**
 * The whole controller (ports, loop, API, metrics, logs) on real Docker: one tick's log lines share a reconcile id,
 * and no secret given to it (GitHub token, API token, webhook secret, the JIT configs it hands to runners) shows up
 * in its logs, its status and runner views, or its metrics.
 */
const GITHUB_TOKEN = 'ghp_Zx9SecretTokenValue0123456789abcdef';
const API_TOKEN = 'api-token-very-secret-0987654321';
const WEBHOOK_SECRET = 'webhook-secret-value-1357924680';

describe('logs and secrets', () => {
  let sim: Simulator;
  let c: RunningController;
  let logText = '';
  const controllerId = `logs-${process.pid}`;

  beforeAll(async () => {
    sim = await startSimulator({ tokens: [GITHUB_TOKEN], heartbeatTimeoutMs: 3000 });
    const stream = new PassThrough();
    stream.on('data', (d) => (logText += d));
    const logger = createLogger({ level: 'debug', structured: true, stream });
    const settings = {
      ...defaultControllerSettings(),
      githubApiUrl: sim.url,
      listen: { host: '127.0.0.1', port: 0 },
      controllerId,
      webhook: { path: '/webhooks/github', secretRef: 'env:X' },
    };
    c = await startController({
      settings,
      pools: parseSpecText(poolDoc({ name: 'sec', min: 2, max: 3 }), 'sec.yaml').pools,
      secrets: { githubToken: GITHUB_TOKEN, apiToken: API_TOKEN, webhookSecret: WEBHOOK_SECRET },
      logger,
      webBaseUrl: sim.url,
    });
  });
  afterAll(async () => {
    await c.stop();
    const rt = createRuntimePort();
    for (const ct of await rt.list({ [Label.ControllerId]: controllerId })) await rt.remove(ct.id);
    await sim.close();
  });

  test("one tick's lines share a reconcile id", async () => {
    await until('2 runners online', async () => (await sim.control.state()).runners.filter((r) => r.status === 'online').length === 2, 30_000);
    const lines = logText.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const created = lines.find((l) => l.event === 'runner-created')!;
    expect(created).toBeDefined();
    const decision = lines.find((l) => l.event === 'decision' && l.reconcileId === created.reconcileId)!;
    expect(decision).toEqual(expect.objectContaining({ pool: 'sec', level: 'info', timestamp: expect.any(String) }));
    expect(decision.allowed).toEqual([expect.stringMatching(/^create 2/)]);
    expect(decision.inputs).toEqual(expect.objectContaining({ containers: 0, queued: 0 }));
    // Exactly one decision per tick.
    expect(lines.filter((l) => l.event === 'decision' && l.reconcileId === created.reconcileId)).toHaveLength(1);
    expect(lines.filter((l) => l.reconcileId === created.reconcileId).length).toBeGreaterThanOrEqual(3);
  });

  test('no secret appears in logs, status, runner views or metrics', async () => {
    const docker = new Docker();
    const jitConfigs: string[] = [];
    for (const ct of await createRuntimePort().list({ [Label.ControllerId]: controllerId })) {
      const env = (await docker.getContainer(ct.id).inspect()).Config.Env ?? [];
      const jit = env.find((e) => e.startsWith('ACTIONS_RUNNER_INPUT_JITCONFIG='));
      if (jit) jitConfigs.push(jit.split('=').slice(1).join('='));
    }
    expect(jitConfigs).toHaveLength(2);
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const pages = await Promise.all(
      ['/status', '/api/v1/status', '/api/v1/pools', '/api/v1/pools/sec', '/api/v1/runners', '/metrics', '/api/v1/metrics', '/health', '/readyz'].map(
        async (p) => `${p}\n${await (await fetch(c.url + p, { headers: auth })).text()}`,
      ),
    );
    const everything = [logText, ...pages].join('\n');
    for (const secret of [GITHUB_TOKEN, API_TOKEN, WEBHOOK_SECRET, ...jitConfigs]) {
      expect(everything.includes(secret)).toBe(false);
      // Nor a long enough piece of it to be useful.
      expect(everything.includes(secret.slice(0, 16))).toBe(false);
    }
    expect(pages.join('').length).toBeGreaterThan(1000);
  });
});
