import { ErrorKind, PortError } from '../../pkg/errors.js';
import type { ContainerSpec, RuntimePort } from '../../pkg/docker/port.js';
import type { GitHubPort } from '../../pkg/github/port.js';

/**
 * Thin decorators around the real ports: they record every effect in order (never secrets: only names, ids and
 * results) and can inject Docker-side faults. The controller under test stays the real one.
 */
export interface Effect {
  /** epoch ms the call finished */
  at: number;
  /** epoch ms the call began */
  began: number;
  op: string;
  /** runner name, container id or registration id the call was about */
  subject: string;
  result: string;
}

export interface Recorder {
  effects: Effect[];
  github: GitHubPort;
  runtime: RuntimePort;
  /** Container ids created through the decorated port, and their names. */
  created: Map<string, string>;
  /** The next `count` calls of `op` fail with a retryable Docker 503. */
  failNext(op: keyof RuntimePort, count: number): void;
  of(op: string): Effect[];
}

const errText = (e: unknown): string => `error: ${e instanceof Error ? e.message.slice(0, 80) : String(e)}`;

export function record(github: GitHubPort, runtime: RuntimePort): Recorder {
  const effects: Effect[] = [];
  const created = new Map<string, string>();
  const faults = new Map<string, number>();
  const note = async <T>(op: string, subject: string, fn: () => Promise<T>, show: (v: T) => string = () => 'ok'): Promise<T> => {
    const began = Date.now();
    try {
      const v = await fn();
      effects.push({ at: Date.now(), began, op, subject, result: show(v) });
      return v;
    } catch (e) {
      effects.push({ at: Date.now(), began, op, subject, result: errText(e) });
      throw e;
    }
  };
  const inject = (op: string): void => {
    const n = faults.get(op) ?? 0;
    if (n <= 0) return;
    faults.set(op, n - 1);
    throw new PortError(ErrorKind.Retryable, `docker ${op}: 503 injected by the test`, 503);
  };
  const gh: GitHubPort = {
    listRegistrations: (s) => github.listRegistrations(s),
    listJobs: (s) => github.listJobs(s),
    rateLimit: () => github.rateLimit(),
    createJitConfig: (s, req) => note('jit', req.name, () => github.createJitConfig(s, req), (j) => `id ${j.runner.id}`),
    createRegistrationToken: (s) => note('token', '-', () => github.createRegistrationToken(s)),
    deleteRegistration: (s, id) => note('delete-registration', String(id), () => github.deleteRegistration(s, id), (r) => r),
  };
  const rt: RuntimePort = {
    ping: () => runtime.ping(),
    list: async (l) => {
      inject('list');
      return runtime.list(l);
    },
    create: (spec: ContainerSpec) =>
      note('create', spec.name, async () => {
        inject('create');
        const id = await runtime.create(spec);
        created.set(id, spec.name);
        return id;
      }, (id) => id),
    start: (id) => note('start', id, async () => (inject('start'), runtime.start(id))),
    stop: (id, g) => note('stop', id, async () => (inject('stop'), runtime.stop(id, g))),
    remove: (id) => note('remove', id, async () => (inject('remove'), runtime.remove(id))),
    logs: (id, t) => runtime.logs(id, t),
    imageExists: (i) => runtime.imageExists(i),
  };
  return {
    effects,
    github: gh,
    runtime: rt,
    created,
    failNext: (op, count) => faults.set(op, (faults.get(op) ?? 0) + count),
    of: (op) => effects.filter((e) => e.op === op),
  };
}
