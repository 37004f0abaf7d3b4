import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/**
 * Specs applied through the API, kept as one YAML file per pool in the state directory. Writes go to a temporary
 * file that is renamed into place, so a crash leaves either the old or the new spec, never half of one.
 */
export class SpecStore {
  constructor(private readonly dir: string) {}

  private file(name: string): string {
    return join(this.dir, `${name}.yaml`);
  }

  async save(name: string, yamlText: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // Unique per write: two saves of one pool at once shared one temporary file, and the second rename failed.
    const tmp = join(this.dir, `.${name}.yaml.${process.pid}.${randomUUID()}.tmp`);
    await writeFile(tmp, yamlText, { mode: 0o600 });
    await rename(tmp, this.file(name));
  }

  async remove(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }

  /** File paths of stored specs (the loader reads and validates them like any spec file). */
  async files(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => f.endsWith('.yaml') && !f.startsWith('.')).map((f) => join(this.dir, f));
    } catch {
      return [];
    }
  }

  read(name: string): Promise<string> {
    return readFile(this.file(name), 'utf8');
  }

  get directory(): string {
    return this.dir;
  }
}
