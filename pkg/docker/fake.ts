import { randomBytes } from 'node:crypto';
import { ErrorKind, PortError } from '../errors.js';
import { Label, type ContainerInfo, type ContainerSpec, type RuntimePort } from './port.js';

export type RuntimeMethod = keyof RuntimePort;

export interface RuntimeCall {
  method: RuntimeMethod;
  args: unknown[];
}

interface FakeContainer {
  info: ContainerInfo;
  spec: ContainerSpec;
  logs: string[];
}

export interface FakeRuntimeOptions {
  /** Images that exist; undefined means every image exists. */
  images?: string[];
  /** The fake's clock (epoch ms), so tests can run on simulated time. */
  now?: () => number;
  /** Added to every call (real time), to exercise concurrency limits; 0 by default. */
  latencyMs?: number;
}

/**
 * An in-memory Docker engine: containers with states, every call recorded in order, failures injectable.
 * Semantics match the dockerode port (the contract suite runs against both).
 */
export class FakeRuntime implements RuntimePort {
  readonly calls: RuntimeCall[] = [];
  private readonly containers = new Map<string, FakeContainer>();
  private readonly images: Set<string> | undefined;
  private readonly failures: { method: RuntimeMethod | '*'; error: PortError; times: number }[] = [];
  private readonly now: () => number;
  private readonly latencyMs: number;
  private startHooks: ((c: ContainerInfo, spec: ContainerSpec) => void)[] = [];
  private exitHooks: ((c: ContainerInfo, spec: ContainerSpec) => void)[] = [];

  constructor(opts: FakeRuntimeOptions = {}) {
    this.images = opts.images ? new Set(opts.images.map(normalizeImage)) : undefined;
    this.now = opts.now ?? Date.now;
    this.latencyMs = opts.latencyMs ?? 0;
  }

  // --- failure injection and world helpers -------------------------------------------------------

  /**
   * The next `times` calls of `method` ('*' = any method) fail with `failure`: a PortError, or an HTTP status
   * mapped like the engine's (503 retryable, 404 not-found, 409 conflict), or 'unreachable'.
   */
  failNext(method: RuntimeMethod | '*', failure: PortError | number | 'unreachable', times = 1): this {
    this.failures.push({ method, error: toError(method, failure), times });
    return this;
  }

  /** Simulates the container's process exiting with `code`. */
  exit(id: string, code: number): void {
    this.finish(this.mustGet(id), code);
  }

  /** Appends lines to the container's log. */
  log(id: string, ...lines: string[]): void {
    this.mustGet(id).logs.push(...lines);
  }

  addImage(image: string): void {
    this.images?.add(normalizeImage(image));
  }

  /** Called after every successful start, e.g. to bring a fake runner online in a FakeGitHub. */
  onStart(hook: (c: ContainerInfo, spec: ContainerSpec) => void): void {
    this.startHooks.push(hook);
  }

  /** Called whenever a running container exits (exit() or stop()), e.g. to take a fake runner offline. */
  onExit(hook: (c: ContainerInfo, spec: ContainerSpec) => void): void {
    this.exitHooks.push(hook);
  }

  /** Adds a container directly (a foreign one, or one left by a previous controller), bypassing call recording. */
  seed(spec: ContainerSpec, state: ContainerInfo['state'] = 'running', createdAt = this.now()): string {
    const id = this.insert(spec, createdAt);
    const c = this.containers.get(id)!;
    c.info.state = state;
    if (state !== 'created') c.info.startedAt = createdAt;
    return id;
  }

  /** The spec a container was created with (env included: tests may check the JIT config went through). */
  specOf(id: string): ContainerSpec | undefined {
    return this.containers.get(id)?.spec;
  }

  get(id: string): ContainerInfo | undefined {
    const c = this.containers.get(id);
    return c ? copy(c.info) : undefined;
  }

  all(): ContainerInfo[] {
    return [...this.containers.values()].map((c) => copy(c.info));
  }

  callsOf(method: RuntimeMethod): RuntimeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // --- RuntimePort --------------------------------------------------------------------------------

  async ping(): Promise<{ version: string; apiVersion: string }> {
    await this.enter('ping', []);
    return { version: 'fake', apiVersion: '1.47' };
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    await this.enter('list', [{ ...labels }]);
    const want = Object.entries(labels);
    return [...this.containers.values()]
      .filter((c) => want.every(([k, v]) => c.info.labels[k] === v))
      .map((c) => copy(c.info));
  }

  async create(spec: ContainerSpec): Promise<string> {
    await this.enter('create', [spec]);
    for (const c of this.containers.values()) {
      if (c.info.name === spec.name) throw new PortError(ErrorKind.Conflict, `docker create: 409 name ${spec.name} in use`, 409);
    }
    if (this.images && !this.images.has(normalizeImage(spec.image))) {
      throw new PortError(ErrorKind.NotFound, `docker create: 404 no such image: ${spec.image}`, 404);
    }
    return this.insert(spec, this.now());
  }

  async start(id: string): Promise<void> {
    await this.enter('start', [id]);
    const c = this.mustGet(id);
    if (c.info.state === 'running') return;
    c.info.state = 'running';
    c.info.startedAt = this.now();
    delete c.info.exitCode;
    for (const h of this.startHooks) h(copy(c.info), c.spec);
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    await this.enter('stop', [id, graceSeconds]);
    const c = this.mustGet(id);
    if (c.info.state !== 'running' && c.info.state !== 'paused' && c.info.state !== 'restarting') return;
    this.finish(c, 143); // SIGTERM honoured within the grace
  }

  async remove(id: string): Promise<void> {
    await this.enter('remove', [id]);
    this.containers.delete(id);
  }

  async logs(id: string, tail: number): Promise<string> {
    await this.enter('logs', [id, tail]);
    const lines = this.mustGet(id).logs;
    const picked = tail > 0 ? lines.slice(-tail) : lines;
    return picked.map((l) => `${l}\n`).join('');
  }

  async imageExists(image: string): Promise<boolean> {
    await this.enter('imageExists', [image]);
    return this.images ? this.images.has(normalizeImage(image)) : true;
  }

  // --- internals ----------------------------------------------------------------------------------

  private finish(c: FakeContainer, code: number): void {
    const wasRunning = c.info.state === 'running';
    c.info.state = 'exited';
    c.info.exitCode = code;
    c.info.finishedAt = this.now();
    if (wasRunning) for (const h of this.exitHooks) h(copy(c.info), c.spec);
  }

  private async enter(method: RuntimeMethod, args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const i = this.failures.findIndex((f) => f.method === method || f.method === '*');
    if (i < 0) return;
    const f = this.failures[i]!;
    if (--f.times <= 0) this.failures.splice(i, 1);
    throw f.error;
  }

  private mustGet(id: string): FakeContainer {
    const c = this.containers.get(id) ?? [...this.containers.values()].find((x) => x.info.name === id);
    if (!c) throw new PortError(ErrorKind.NotFound, `docker: 404 no such container`, 404);
    return c;
  }

  private insert(spec: ContainerSpec, engineCreatedAt: number): string {
    const id = randomBytes(32).toString('hex');
    const fromLabel = Number(spec.labels[Label.CreatedAt]);
    this.containers.set(id, {
      spec: { ...spec, env: { ...spec.env }, labels: { ...spec.labels }, volumes: [...spec.volumes] },
      logs: [],
      info: {
        id,
        name: spec.name,
        image: spec.image,
        state: 'created',
        labels: { ...spec.labels },
        createdAt: Number.isFinite(fromLabel) && fromLabel > 0 ? fromLabel : engineCreatedAt,
      },
    });
    return id;
  }
}

function toError(method: string, f: PortError | number | 'unreachable'): PortError {
  if (f instanceof PortError) return f;
  if (f === 'unreachable') return new PortError(ErrorKind.Unreachable, `docker ${method}: ECONNREFUSED (injected)`);
  const kind =
    f === 404 ? ErrorKind.NotFound : f === 409 ? ErrorKind.Conflict : f >= 500 ? ErrorKind.Retryable : ErrorKind.Terminal;
  return new PortError(kind, `docker ${method}: ${f} injected failure`, f);
}

const normalizeImage = (i: string): string => (/:[^/]+$/.test(i) ? i : `${i}:latest`);
const copy = (i: ContainerInfo): ContainerInfo => ({ ...i, labels: { ...i.labels } });
