import { computeDesiredState } from '../../../controllers/desired-state.js';
import { applyGuards, recordOutcome, recordScaleUp } from '../../../controllers/guards.js';
import { generateRunnerName } from '../../../controllers/names.js';
import { nextMemory } from '../../../controllers/snapshot.js';
import { emptyMemory, type Action, type PoolMemory } from '../../../controllers/types.js';
import { Label, type ContainerInfo } from '../../../pkg/docker/port.js';
import type { Job, Registration } from '../../../pkg/github/port.js';
import type { PoolSpec } from '../../../pkg/spec/types.js';
import { MIN, poolSpec, SEC } from './world.js';

/**
 * A tiny world stepped through time with the pure functions: runners come online 20 s after creation, GitHub hands
 * queued jobs to idle online runners, ephemeral runners exit (code 0) and unregister after their job.
 */
class World {
  containers: ContainerInfo[] = [];
  regs: Registration[] = [];
  jobs: (Job & { duration: number; finishAt?: number })[] = [];
  memory: PoolMemory = emptyMemory();
  log: { at: number; action: Action }[] = [];
  private seq = 0;
  private regId = 100;

  constructor(readonly spec: PoolSpec, public now: number) {}

  addRunner(online: boolean, age = 30 * MIN): string {
    const name = generateRunnerName(this.spec.runner.namePrefix, new Set(this.names()), () => `r${++this.seq}`);
    const createdAt = this.now - age;
    this.containers.push({ id: `c-${name}`, name, image: 'img', state: 'running', labels: { [Label.RunnerName]: name }, createdAt });
    this.regs.push({ id: ++this.regId, name, status: online ? 'online' : 'offline', busy: false, labels: this.spec.runner.labels });
    return name;
  }

  names(): string[] {
    return [...this.containers.map((c) => c.name), ...this.regs.map((r) => r.name)];
  }

  queue(n: number, duration: number): void {
    for (let i = 0; i < n; i++)
      this.jobs.push({ id: this.jobs.length + 1, runId: 1, repository: 'acme/app', labels: ['self-hosted', 'linux'], status: 'queued', createdAt: this.now, duration });
  }

  private physics(): void {
    for (const j of this.jobs.filter((x) => x.status === 'in_progress' && x.finishAt! <= this.now)) {
      j.status = 'completed';
      const c = this.containers.find((x) => x.name === j.runnerName)!;
      c.state = 'exited';
      c.exitCode = 0;
      this.regs = this.regs.filter((r) => r.name !== j.runnerName);
    }
    for (const r of this.regs) {
      const c = this.containers.find((x) => x.name === r.name);
      if (r.status === 'offline' && c?.state === 'running' && this.now - c.createdAt >= 20 * SEC) r.status = 'online';
    }
    for (const j of this.jobs.filter((x) => x.status === 'queued')) {
      const r = this.regs.find((x) => x.status === 'online' && !x.busy && this.containers.some((c) => c.name === x.name && c.state === 'running'));
      if (!r) break;
      r.busy = true;
      Object.assign(j, { status: 'in_progress', runnerName: r.name, finishAt: this.now + j.duration });
    }
  }

  tick(): void {
    this.physics();
    const snapshot = {
      observedAt: this.now,
      registrations: this.regs.map((r) => ({ ...r })),
      containers: this.containers.map((c) => ({ ...c })),
      jobs: this.jobs.filter((j) => j.status !== 'completed').map(({ duration: _d, finishAt: _f, ...j }) => j),
      inFlight: { creating: 0, deleting: [] },
    };
    const plan = computeDesiredState(this.spec, snapshot, this.memory, this.now);
    const guarded = applyGuards(this.spec, plan, snapshot, this.memory, this.now);
    this.memory = nextMemory(this.spec, snapshot, plan.groups, this.memory, this.now);
    for (const a of guarded.allowed) {
      this.log.push({ at: this.now, action: a });
      if (a.kind === 'create') {
        for (let i = 0; i < a.count; i++) this.addRunner(false, 0);
        this.memory = recordScaleUp(this.memory, this.now);
      } else {
        const c = this.containers.find((x) => x.name === a.runnerName);
        if (c?.state === 'exited') this.memory = recordOutcome(this.memory, c.exitCode === 0 ? 'success' : 'failure', this.now);
        if ('registrationId' in a && a.registrationId !== undefined) this.regs = this.regs.filter((r) => r.id !== a.registrationId);
        this.containers = this.containers.filter((x) => x.name !== a.runnerName);
      }
    }
  }

  online(): number {
    return this.regs.filter((r) => r.status === 'online' && this.containers.some((c) => c.name === r.name && c.state === 'running')).length;
  }
}

const at = (h: number, m: number, s = 0) => Date.UTC(2024, 0, 8, h, m, s);

describe.each(['threshold', 'demand'] as const)('morning rush (%s policy)', (policy) => {
  test('grows within caps and cooldown, serves every job by 9:10, shrinks back to 2, oldest idle first', () => {
    const spec = poolSpec(policy, { min: 2, max: 10, idleTimeoutMs: 5 * MIN });
    const w = new World(spec, at(9, 0));
    const first = w.addRunner(true, 60 * MIN);
    const second = w.addRunner(true, 50 * MIN);
    const creates: { at: number; count: number }[] = [];
    let peak = 0;
    for (let t = at(9, 0); t <= at(9, 40); t += 30 * SEC) {
      w.now = t;
      if (t === at(9, 1)) w.queue(5, 4 * MIN);
      if (t === at(9, 3)) w.queue(3, 3 * MIN);
      const before = w.log.length;
      w.tick();
      for (const e of w.log.slice(before)) if (e.action.kind === 'create') creates.push({ at: t, count: e.action.count });
      peak = Math.max(peak, w.containers.filter((c) => c.state === 'running').length);
      if (t === at(9, 10)) expect(w.jobs.every((j) => j.status === 'completed')).toBe(true);
    }
    expect(peak).toBeGreaterThan(2);
    expect(peak).toBeLessThanOrEqual(10);
    for (const c of creates) expect(c.count).toBeLessThanOrEqual(spec.scaling.maxCreatePerAction);
    if (policy === 'threshold') {
      const ups = w.log.filter((e) => e.action.kind === 'create' && e.action.purpose === 'scale-up').map((e) => e.at);
      ups.slice(1).forEach((t, i) => expect(t - ups[i]!).toBeGreaterThanOrEqual(60 * SEC));
    }
    // Back to the minimum, and only idle runners were removed.
    expect(w.online()).toBe(2);
    expect(w.containers.filter((c) => c.state === 'running')).toHaveLength(2);
    const downs = w.log.filter((e) => e.action.kind === 'scale-down');
    // threshold overshoots and must shrink; demand creates exactly one runner per job (ephemeral ones leave by themselves).
    if (policy === 'threshold') expect(downs.length).toBeGreaterThan(0);
    for (const d of downs) expect(w.jobs.some((j) => j.runnerName === (d.action as { runnerName: string }).runnerName && j.status !== 'completed')).toBe(false);
    // The two original runners took the first jobs.
    expect(w.jobs.map((j) => j.runnerName)).toEqual(expect.arrayContaining([first, second]));
  });
});

describe('morning rush scale-down order', () => {
  test('oldest idle first, one per tick under the threshold cap', () => {
    const spec = poolSpec('threshold', { min: 2, max: 10, idleTimeoutMs: 5 * MIN });
    const w = new World(spec, at(9, 20));
    const names = [w.addRunner(true), w.addRunner(true), w.addRunner(true), w.addRunner(true)];
    // Idle streaks began at different times: names[2] longest, then names[0].
    w.memory = { ...emptyMemory(), idleSince: { [names[0]!]: at(9, 10), [names[1]!]: at(9, 14), [names[2]!]: at(9, 5), [names[3]!]: at(9, 12) } };
    const removed: string[] = [];
    for (let t = at(9, 20); t <= at(9, 22); t += 30 * SEC) {
      w.now = t;
      const before = w.log.length;
      w.tick();
      removed.push(...w.log.slice(before).filter((e) => e.action.kind === 'scale-down').map((e) => (e.action as { runnerName: string }).runnerName));
    }
    expect(removed).toEqual([names[2], names[0]]);
    expect(w.online()).toBe(2);
  });
});

describe.each(['threshold', 'demand'] as const)('runner failure (%s policy)', (policy) => {
  test('an exited container is cleaned up with its registration and replaced; back to 2 online', () => {
    const spec = poolSpec(policy, { min: 2, max: 10 });
    const w = new World(spec, at(2, 0));
    const a = w.addRunner(true);
    w.addRunner(true);
    for (let t = at(2, 0); t < at(2, 5); t += 30 * SEC) {
      w.now = t;
      w.tick();
    }
    expect(w.log).toEqual([]);
    // 2:05: one container dies; GitHub keeps its registration (offline).
    const c = w.containers.find((x) => x.name === a)!;
    c.state = 'exited';
    c.exitCode = 137;
    w.regs.find((r) => r.name === a)!.status = 'offline';
    const deadRegId = w.regs.find((r) => r.name === a)!.id;
    w.now = at(2, 5);
    w.tick();
    // The dead registration goes first; the replacement follows on the next tick (the loop runs it at once when the
    // removal finishes), so the pool never holds a dead registration beside its replacement.
    expect(w.log.map((e) => e.action.kind)).toEqual(['cleanup-exited']);
    expect(w.log[0]!.action).toMatchObject({ runnerName: a, registrationId: deadRegId });
    expect(w.regs.some((r) => r.id === deadRegId)).toBe(false);
    w.tick();
    expect(w.log.map((e) => e.action.kind)).toEqual(['cleanup-exited', 'create']);
    expect(w.log[1]!.action).toMatchObject({ count: 1, purpose: 'minimum' });
    expect(w.memory.consecutiveFailures).toBe(1);
    w.now = at(2, 5, 30);
    w.tick();
    expect(w.online()).toBe(2);
    expect(w.names()).not.toContain(a);
  });
});
