// The fake runner: redeems a JIT config (or registers with a token), long-polls the simulator for jobs, "runs" each
// for its duration, reports completion, and leaves. Also the main program of the fake-runner container image.
// Node built-ins only: the image carries no node_modules.

export interface FakeRunnerOptions {
  /** ACTIONS_RUNNER_INPUT_JITCONFIG (secret). */
  jitConfig?: string;
  /** Registration-token mode: runner URL (`<sim>/owner/repo` or `<sim>/org`), token (secret), name, labels. */
  url?: string;
  token?: string;
  name?: string;
  labels?: string[];
  ephemeral?: boolean;
  /** Exit with code 1 after this long, without deregistering (a crash). */
  crashAfterMs?: number;
  pollWaitMs?: number;
  log?: (msg: string) => void;
}

interface Hello { runnerId: number; name: string; ephemeral: boolean; session: string; heartbeatIntervalMs: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeRunner {
  runnerId?: number;
  name?: string;
  jobsDone = 0;
  private session?: string;
  private base = '';
  private stopping = false;
  private busy = false;
  private heartbeatMs = 10_000;
  private crashTimer?: NodeJS.Timeout;
  private wake?: () => void;
  /** Resolves with the exit code. */
  readonly done: Promise<number>;
  private resolveDone!: (code: number) => void;

  constructor(private readonly opts: FakeRunnerOptions) {
    this.done = new Promise((r) => { this.resolveDone = r; });
  }

  private log(msg: string) { this.opts.log?.(msg); }

  private async post(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.base}/_sim/runner/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.session ? { authorization: `Bearer ${this.session}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Connects and serves jobs in the background; `done` resolves with the exit code. */
  async start(): Promise<void> {
    let hello: { status: number; body: any };
    if (this.opts.jitConfig) {
      const outer = JSON.parse(Buffer.from(this.opts.jitConfig, 'base64').toString('utf8'));
      const runner = JSON.parse(Buffer.from(outer['.runner'], 'base64').toString('utf8'));
      const creds = JSON.parse(Buffer.from(outer['.credentials'], 'base64').toString('utf8'));
      this.base = String(runner.serverUrl).replace(/\/_sim\/runner\/?$/, '');
      hello = await this.post('jit', { secret: creds.data.token });
    } else {
      if (!this.opts.url || !this.opts.token || !this.opts.name) throw new Error('fake runner needs a JIT config, or a URL, token and name');
      this.base = new URL(this.opts.url).origin;
      hello = await this.post('register', { url: this.opts.url, token: this.opts.token, name: this.opts.name, labels: this.opts.labels ?? [], ephemeral: this.opts.ephemeral !== false });
    }
    if (hello.status !== 200) throw new Error(`runner could not connect: ${hello.status} ${hello.body?.message ?? ''}`);
    const h = hello.body as Hello;
    this.session = h.session; this.runnerId = h.runnerId; this.name = h.name; this.heartbeatMs = h.heartbeatIntervalMs;
    this.log(`runner ${h.name} (${h.runnerId}) online`);
    if (this.opts.crashAfterMs != null) {
      this.crashTimer = setTimeout(() => { this.stopping = true; this.log('crashing as asked'); this.finish(1); }, this.opts.crashAfterMs);
    }
    void this.loop(h.ephemeral).catch((e) => { this.log(`runner failed: ${e.message}`); this.finish(1); });
  }

  private finished = false;
  private finish(code: number) {
    if (this.finished) return;
    this.finished = true;
    if (this.crashTimer) clearTimeout(this.crashTimer);
    this.resolveDone(code);
  }

  private async loop(ephemeral: boolean): Promise<void> {
    while (!this.stopping) {
      const waitMs = Math.min(this.opts.pollWaitMs ?? 5_000, this.heartbeatMs);
      const r = await this.post('poll', { waitMs });
      if (this.stopping) return;
      if (r.status === 404) { this.log('registration removed'); return this.finish(0); }
      if (r.status === 204) continue;
      if (r.status !== 200) throw new Error(`poll answered ${r.status}`);
      const job = r.body.job;
      this.busy = true;
      this.log(`running job ${job.id} for ${job.duration_ms} ms`);
      const cancelled = await this.run(job.duration_ms);
      if (this.stopping) return;
      const c = cancelled ? { status: 409 } : await this.post('complete', { jobId: job.id, conclusion: 'success' });
      this.busy = false;
      this.jobsDone++;
      this.log(`job ${job.id} ${cancelled ? 'cancelled' : 'done'}`);
      if (ephemeral || c.status === 404) return this.finish(0);
    }
  }

  /** Sleeps for the job's duration, heartbeating; true when the job went away (cancelled). */
  private async run(durationMs: number): Promise<boolean> {
    const end = Date.now() + durationMs;
    while (Date.now() < end && !this.stopping) {
      await Promise.race([sleep(Math.min(this.heartbeatMs, end - Date.now())), new Promise<void>((r) => { this.wake = r; })]);
      if (Date.now() >= end || this.stopping) break;
      const hb = await this.post('heartbeat', {});
      if (hb.status !== 200 || hb.body?.cancelled) return true;
    }
    return false;
  }

  /** SIGTERM: an idle runner deregisters and exits 0; a busy one finishes its job first (as the real runner does). */
  async stop(): Promise<void> {
    if (this.busy) return;
    this.stopping = true;
    this.wake?.();
    if (this.session) await this.post('deregister', {}).catch(() => undefined);
    this.finish(0);
  }
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): FakeRunnerOptions {
  return {
    jitConfig: env.ACTIONS_RUNNER_INPUT_JITCONFIG || undefined,
    url: env.RUNNER_URL, token: env.RUNNER_TOKEN, name: env.RUNNER_NAME,
    labels: env.RUNNER_LABELS ? env.RUNNER_LABELS.split(',').map((l) => l.trim()).filter(Boolean) : undefined,
    ephemeral: env.RUNNER_EPHEMERAL !== 'false',
    crashAfterMs: env.FAKE_RUNNER_CRASH_AFTER_S ? Number(env.FAKE_RUNNER_CRASH_AFTER_S) * 1000 : undefined,
    log: (m) => console.log(`[fake-runner] ${m}`),
  };
}

async function main(): Promise<void> {
  const runner = new FakeRunner(optionsFromEnv());
  process.on('SIGTERM', () => void runner.stop());
  process.on('SIGINT', () => void runner.stop());
  try {
    await runner.start();
  } catch (e) {
    console.error(`[fake-runner] ${(e as Error).message}`);
    process.exit(1);
  }
  process.exit(await runner.done);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) void main();
