import Docker from 'dockerode';
import { ErrorKind, PortError } from '../errors.js';
import { Label, type ContainerInfo, type ContainerSpec, type ContainerState, type RuntimePort } from './port.js';
import { demuxLogs } from './demux.js';
import { isStatus, toRuntimeError } from './errors.js';

export interface RuntimePortOptions {
  socketPath?: string;
  host?: string;
  port?: number;
  /** Called once per engine operation, for metrics. */
  onOperation?: (op: string, result: 'ok' | 'error', durationMs: number) => void;
  /** Listing containers and ping give up after this long: every tick awaits them. Default 30 s. */
  listTimeoutMs?: number;
}

/** Rejects as unreachable after `ms`: a wedged engine accepts the connection and never answers. */
const withDeadline = <T>(name: string, ms: number, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PortError(ErrorKind.Unreachable, `docker ${name}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
};

/**
 * A Docker endpoint as operators write it (`unix:///var/run/docker.sock`, a bare socket path, `tcp://host:2375`,
 * `http://host:2375`) as options for createRuntimePort.
 */
export function parseDockerEndpoint(endpoint: string | undefined): Pick<RuntimePortOptions, 'socketPath' | 'host' | 'port'> {
  if (!endpoint) return {};
  if (endpoint.startsWith('unix://')) return { socketPath: endpoint.slice('unix://'.length) };
  if (endpoint.startsWith('/')) return { socketPath: endpoint };
  const u = new URL(endpoint.replace(/^tcp:/, 'http:'));
  return { host: u.hostname, port: u.port ? Number(u.port) : 2375 };
}

/** Whether an engine object exists: its inspect answers, or fails with 404. */
async function exists(inspect: () => Promise<unknown>): Promise<boolean> {
  try {
    await inspect();
    return true;
  } catch (err) {
    if (isStatus(err, 404)) return false;
    throw err;
  }
}

/** Pulls an image, resolving when the engine has finished (or failing with the engine's reason). */
async function pullImage(docker: Docker, image: string): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(image);
  } catch (err) {
    throw new PortError(ErrorKind.NotFound, `image ${image} is not on this engine and could not be pulled: ${(err as Error).message}`, 404);
  }
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) => {
      const failed = err?.message ?? events?.find((e) => e.error)?.error;
      if (failed) reject(new PortError(ErrorKind.NotFound, `image ${image} is not on this engine and could not be pulled: ${failed}`, 404));
      else resolve();
    }),
  );
}

/** The RuntimePort on a real Docker engine (dockerode). Every engine error surfaces as a PortError. */
export function createRuntimePort(opts: RuntimePortOptions = {}): RuntimePort {
  const docker =
    opts.host !== undefined
      ? new Docker({ host: opts.host, port: opts.port ?? 2375 })
      : new Docker({ socketPath: opts.socketPath ?? '/var/run/docker.sock' });

  const listTimeout = opts.listTimeoutMs ?? 30_000;

  async function op<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      const out = await fn();
      opts.onOperation?.(name, 'ok', performance.now() - t0);
      return out;
    } catch (err) {
      opts.onOperation?.(name, 'error', performance.now() - t0);
      throw toRuntimeError(name, err);
    }
  }

  return {
    ping: () =>
      op('ping', async () => {
        const v = await withDeadline('ping', listTimeout, docker.version());
        return { version: v.Version, apiVersion: v.ApiVersion };
      }),

    list: (labels) =>
      op('list', async () => {
        const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
        return withDeadline(
          'list',
          listTimeout,
          docker.listContainers({ all: true, filters }).then((rows) => Promise.all(rows.map((r) => toInfo(docker, r)))),
        );
      }),

    create: (spec) =>
      op('create', async () => {
        try {
          return (await docker.createContainer(toCreateOptions(spec))).id;
        } catch (err) {
          // A runner image that is not on this engine yet is pulled once, then the create is tried again.
          if (!isStatus(err, 404) || !/no such image/i.test(String((err as Error).message))) throw err;
          await op('pull', () => pullImage(docker, spec.image));
          return (await docker.createContainer(toCreateOptions(spec))).id;
        }
      }),

    start: (id) =>
      op('start', async () => {
        try {
          await docker.getContainer(id).start();
        } catch (err) {
          if (!isStatus(err, 304)) throw err; // already running
        }
      }),

    stop: (id, graceSeconds) =>
      op('stop', async () => {
        try {
          await docker.getContainer(id).stop({ t: Math.max(0, Math.round(graceSeconds)) });
        } catch (err) {
          if (!isStatus(err, 304)) throw err; // already stopped
        }
      }),

    remove: (id) =>
      op('remove', async () => {
        try {
          await docker.getContainer(id).remove({ v: true, force: true });
        } catch (err) {
          if (isStatus(err, 404)) return;
          // Another remover got there first: the container is going away, which is what we want.
          if (isStatus(err, 409) && /already in progress/i.test(String((err as Error).message))) return;
          throw err;
        }
      }),

    logs: (id, tail) =>
      op('logs', async () => {
        // The engine reads tail 0 as "no lines"; the port's 0 means the whole log.
        const buf = await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: tail > 0 ? tail : 'all', follow: false } as Docker.ContainerLogsOptions & { follow: false });
        return demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
      }),

    watch: (labels, onEvent) => {
      let stopped = false;
      let stream: NodeJS.ReadableStream | undefined;
      let retry: NodeJS.Timeout | undefined;
      const connect = (delayMs: number) => {
        if (stopped) return;
        const filters = {
          type: ['container'],
          event: ['start', 'die', 'destroy'],
          label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
        };
        docker.getEvents({ filters: filters as Docker.GetEventsOptions['filters'] }).then(
          (s) => {
            stream = s;
            if (stopped) return (s as unknown as { destroy?: () => void }).destroy?.();
            let buf = '';
            s.on('data', (chunk: Buffer) => {
              buf += chunk.toString('utf8');
              let nl: number;
              while ((nl = buf.indexOf('\n')) >= 0) {
                const line = buf.slice(0, nl).trim();
                buf = buf.slice(nl + 1);
                if (!line) continue;
                try {
                  const e = JSON.parse(line) as { id?: string; Action?: string; Actor?: { Attributes?: Record<string, string> } };
                  onEvent({ containerId: e.id ?? '', action: e.Action ?? '', labels: e.Actor?.Attributes ?? {} });
                } catch {
                  // a partial or foreign line: the timer covers whatever it was
                }
              }
            });
            const again = () => {
              if (!stopped) retry = setTimeout(() => connect(Math.min(delayMs * 2, 30_000)), delayMs);
            };
            s.on('end', again);
            s.on('error', again);
          },
          () => {
            if (!stopped) retry = setTimeout(() => connect(Math.min(delayMs * 2, 30_000)), delayMs);
          },
        );
      };
      connect(1000);
      return () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
      };
    },

    networkExists: (name) => op('networkExists', () => exists(() => docker.getNetwork(name).inspect())),

    imageExists: (image) => op('imageExists', () => exists(() => docker.getImage(image).inspect())),
  };
}

function toCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  // `name:/path` and `/host:/path[:ro]` are binds; a bare `/path` is an anonymous volume (removed with v=true).
  const binds = spec.volumes.filter((v) => v.includes(':'));
  const anon = spec.volumes.filter((v) => !v.includes(':'));
  return {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: spec.labels,
    Volumes: anon.length ? Object.fromEntries(anon.map((p) => [p, {}])) : undefined,
    HostConfig: {
      NetworkMode: spec.network,
      NanoCpus: spec.cpus !== undefined ? Math.round(spec.cpus * 1e9) : undefined,
      Memory: spec.memoryBytes,
      Binds: binds.length ? binds : undefined,
      Privileged: spec.privileged,
      RestartPolicy: { Name: 'no' },
      AutoRemove: false,
    },
  };
}

const STATES = new Set<ContainerState>(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

async function toInfo(docker: Docker, r: Docker.ContainerInfo): Promise<ContainerInfo> {
  const state = (STATES.has(r.State as ContainerState) ? r.State : 'dead') as ContainerState;
  const info: ContainerInfo = {
    id: r.Id,
    name: (r.Names?.[0] ?? '').replace(/^\//, ''),
    image: r.Image,
    state,
    labels: r.Labels ?? {},
    createdAt: parseCreatedAt(r.Labels?.[Label.CreatedAt]) ?? r.Created * 1000,
  };
  if (state === 'running') return info;
  // Exit code and times are only in inspect; list stays one call for running containers (the common case).
  try {
    const d = await docker.getContainer(r.Id).inspect();
    const started = Date.parse(d.State.StartedAt);
    const finished = Date.parse(d.State.FinishedAt);
    if (started > 0) info.startedAt = started;
    if (finished > 0) info.finishedAt = finished;
    if (state === 'exited' || state === 'dead') info.exitCode = d.State.ExitCode;
  } catch (err) {
    if (!isStatus(err, 404)) throw err; // removed between list and inspect: keep what list said
  }
  return info;
}

/** The label holds epoch ms or an ISO date; anything else falls back to the engine's time. */
function parseCreatedAt(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
