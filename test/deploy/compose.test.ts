import { load } from 'js-yaml';
import { composeCommand, runSync } from './helpers.js';

interface Service {
  image?: string;
  volumes?: Array<string | { source?: string; target: string }>;
  ports?: Array<string | { target: number; published?: string | number }>;
  profiles?: string[];
  group_add?: Array<string | number>;
  environment?: Record<string, string> | string[];
}

describe('docker-compose.yml', () => {
  const [cmd, ...pre] = composeCommand();
  // An empty environment for the ${...} values: the file must validate without a .env.
  const config = (...args: string[]) => runSync(cmd, [...pre, '--project-directory', '.', '-f', 'docker-compose.yml', ...args]);

  it('validates with the installed Compose', () => {
    const r = config('config', '-q');
    expect(r).toEqual({ status: 0, out: '' });
  });

  it('runs the controller with the Docker socket, the specs and port 8080; monitoring is opt-in', () => {
    const all = config('--profile', 'monitoring', 'config');
    expect(all.status).toBe(0);
    const doc = load(all.out) as { services: Record<string, Service> };
    expect(Object.keys(doc.services).sort()).toEqual(['grafana', 'prometheus', 'shghar']);
    const shghar = doc.services.shghar;
    const targets = (shghar.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target));
    expect(targets).toEqual(expect.arrayContaining(['/var/run/docker.sock', '/etc/shghar']));
    const published = (shghar.ports ?? []).map((p) => (typeof p === 'string' ? p : `${p.published}:${p.target}`));
    expect(published.some((p) => /8080:8080$/.test(String(p)))).toBe(true);
    expect(shghar.group_add?.length).toBe(1);
    // No profile: `up` starts the controller alone.
    expect(shghar.profiles ?? []).toEqual([]);
    expect(doc.services.prometheus.profiles).toEqual(['monitoring']);
    expect(doc.services.grafana.profiles).toEqual(['monitoring']);
  });
});
