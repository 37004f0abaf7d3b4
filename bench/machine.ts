import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineDescription {
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  platform: string;
  kernel: string;
  node: string;
  docker: { client?: string; server?: string };
}

/** What the figures were measured on (no host names or paths). */
export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    docker: dockerVersion(),
  };
}

function dockerVersion(): { client?: string; server?: string } {
  try {
    const out = execFileSync('docker', ['version', '--format', '{{.Client.Version}} {{.Server.Version}}'], { encoding: 'utf8', timeout: 10_000 });
    const [client, server] = out.trim().split(/\s+/);
    return { client, server };
  } catch {
    return {};
  }
}
