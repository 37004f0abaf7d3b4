import { Label, type ContainerInfo, type ContainerSpec } from '../docker/port.js';
import type { FakeRuntime } from '../docker/fake.js';
import type { Job } from './port.js';
import type { FakeGitHub } from './fake.js';

export interface FakeWorldOptions {
  now?: () => number;
  /** How long a job runs once assigned; a function for per-job durations. Default 0 (done on the next step). */
  jobDurationMs?: number | ((job: Job) => number);
}

export interface FakeWorld {
  /** Completes jobs whose time is up (their containers exit 0), then hands queued jobs to idle online runners. */
  step(): void;
}

/**
 * Plays the runners' side between a FakeRuntime and a FakeGitHub, so a loop can be tested end to end in memory:
 * a started container brings its registration online (found through its JIT config, else its runner-id label);
 * an idle online runner takes a matching queued job (labels: case-insensitive subset); a finished job makes the
 * container exit 0 and GitHub drop the ephemeral registration; a container that exits without a job leaves its
 * registration offline, as a crashed runner does.
 */
export function linkFakes(gh: FakeGitHub, rt: FakeRuntime, opts: FakeWorldOptions = {}): FakeWorld {
  const now = opts.now ?? Date.now;
  const duration = (j: Job): number =>
    typeof opts.jobDurationMs === 'function' ? opts.jobDurationMs(j) : (opts.jobDurationMs ?? 0);
  const containerOf = new Map<number, string>();
  const ranJob = new Set<number>();

  rt.onStart((c, spec) => {
    const id = runnerIdOf(c, spec);
    if (id === undefined || gh.scopeOf(id) === undefined) return;
    containerOf.set(id, c.id);
    gh.bringOnline(id);
  });
  rt.onExit((c, spec) => {
    const id = runnerIdOf(c, spec);
    if (id === undefined || gh.scopeOf(id) === undefined) return;
    if (ranJob.has(id)) gh.removeRegistration(id);
    else gh.setRunner(id, { status: 'offline', busy: false });
  });

  return {
    step() {
      const t = now();
      const jobs = gh.jobsInWorld();
      for (const j of jobs) {
        if (j.status !== 'in_progress' || j.runnerId == null || (j.startedAt ?? t) + duration(j) > t) continue;
        gh.setJob(j.id, 'completed');
        ranJob.add(j.runnerId);
        const cid = containerOf.get(j.runnerId);
        if (cid && rt.get(cid)?.state === 'running') rt.exit(cid, 0);
      }
      const taken = new Set<number>();
      const queued = jobs.filter((j) => j.status === 'queued').sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
      const idle = gh.registrations().filter((x) => x.status === 'online' && !x.busy && !ranJob.has(x.id));
      for (const j of queued) {
        const r = idle.find((x) => !taken.has(x.id) && serves(gh.scopeOf(x.id)!, j.repository) && labelsMatch(x.labels, j.labels));
        if (!r) continue;
        taken.add(r.id);
        gh.setJob(j.id, 'in_progress', r.id);
      }
    },
  };
}

function runnerIdOf(c: ContainerInfo, spec: ContainerSpec): number | undefined {
  const jit = spec.env.ACTIONS_RUNNER_INPUT_JITCONFIG;
  if (jit) {
    try {
      const id = Number(JSON.parse(Buffer.from(jit, 'base64').toString('utf8')).runnerId);
      if (Number.isInteger(id)) return id;
    } catch {
      // not a FakeGitHub JIT config: fall back to the label
    }
  }
  const fromLabel = Number(c.labels[Label.RunnerId]);
  return Number.isInteger(fromLabel) && fromLabel > 0 ? fromLabel : undefined;
}

const serves = (scopeKey: string, repository: string): boolean => {
  const repo = repository.toLowerCase();
  return scopeKey === `repo:${repo}` || scopeKey === `org:${repo.split('/')[0]}`;
};

const labelsMatch = (runner: string[], job: string[]): boolean => {
  const have = new Set(runner.map((l) => l.toLowerCase()));
  return job.every((l) => have.has(l.toLowerCase()));
};
