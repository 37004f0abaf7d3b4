/** Labels every container this controller creates carries; the world is the source of truth after a restart. */
export const Label = {
  ManagedBy: 'io.shghar.managed-by',
  ControllerId: 'io.shghar.controller-id',
  Pool: 'io.shghar.pool',
  RunnerName: 'io.shghar.runner-name',
  RunnerId: 'io.shghar.runner-id',
  SpecHash: 'io.shghar.spec-hash',
  CreatedAt: 'io.shghar.created-at',
} as const;
export const MANAGED_BY = 'shghar';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  exitCode?: number;
  labels: Record<string, string>;
  /** epoch ms, from the created-at label when present, else the engine's. */
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

export interface ContainerEvent {
  containerId: string;
  action: string;
  labels: Record<string, string>;
}

export interface ContainerSpec {
  name: string;
  image: string;
  /** Values may be secrets (JIT config): never logged. */
  env: Record<string, string>;
  labels: Record<string, string>;
  network?: string;
  cpus?: number;
  memoryBytes?: number;
  volumes: string[];
  privileged: boolean;
}

export interface RuntimePort {
  ping(): Promise<{ version: string; apiVersion: string }>;
  list(labels: Record<string, string>): Promise<ContainerInfo[]>;
  create(spec: ContainerSpec): Promise<string>;
  start(id: string): Promise<void>;
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Removes the container and its anonymous volumes; a missing container is not an error. */
  remove(id: string): Promise<void>;
  /** The last `tail` lines of stdout and stderr; 0 means the whole log. */
  logs(id: string, tail: number): Promise<string>;
  imageExists(image: string): Promise<boolean>;
  /**
   * Calls back on lifecycle events (start, die, destroy) of containers carrying these labels, so the loop wakes when
   * a runner exits instead of at its next timer. Best effort: the timer stays the safety net. Returns a stop function.
   */
  watch?(labels: Record<string, string>, onEvent: (e: ContainerEvent) => void): () => void;
  /** Whether a network of this name exists (built-ins such as host and bridge included). */
  networkExists?(name: string): Promise<boolean>;
}
