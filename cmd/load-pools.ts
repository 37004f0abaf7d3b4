import { existsSync } from 'node:fs';
import {
  SpecError,
  loadDotEnv,
  loadSpecs,
  hasClassicEnv,
  specFromEnv,
  type LoadedPool,
  type ParsedSpecs,
} from '../pkg/spec/index.js';

/**
 * Loads every pool the controller should run: spec files and folders given with -f, then the specs applied
 * through the API (state directory), which win over a file's pool of the same name. Without -f, the classic
 * ORCHESTRATOR_* environment describes one pool. Throws SpecError listing every problem.
 */
export function loadPools(paths: string[], storedFiles: string[], env: Record<string, string | undefined>): ParsedSpecs {
  const issues: SpecError['issues'] = [];
  const result: ParsedSpecs = { pools: [] };
  const add = (pools: LoadedPool[], override: boolean) => {
    for (const p of pools) {
      const i = result.pools.findIndex((q) => q.spec.name === p.spec.name);
      if (i < 0) result.pools.push(p);
      else if (override) result.pools[i] = p;
      else
        issues.push({
          file: p.source.file ?? '',
          line: p.at?.line ?? 0,
          column: p.at?.column ?? 0,
          path: 'metadata.name',
          message: `duplicate pool name "${p.spec.name}" (also in ${result.pools[i].source.file})`,
        });
    }
  };
  for (const path of paths) {
    try {
      const parsed = loadSpecs(path);
      add(parsed.pools, false);
      if (parsed.controller) result.controller = parsed.controller;
    } catch (e) {
      if (e instanceof SpecError) issues.push(...e.issues);
      else throw e;
    }
  }
  for (const file of storedFiles) {
    try {
      add(loadSpecs(file).pools, true);
    } catch (e) {
      if (e instanceof SpecError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (paths.length === 0 && hasClassicEnv(env)) {
    const classic = specFromEnv(env);
    add(classic.pools, false);
    result.controller ??= classic.controller;
  }
  if (issues.length) throw new SpecError(issues);
  return result;
}

/** The environment with a `.env` file's values under it (real variables win), as the older tool read it. */
export function environmentWithDotEnv(env: NodeJS.ProcessEnv, file = '.env'): Record<string, string | undefined> {
  if (!existsSync(file)) return { ...env };
  return { ...loadDotEnv(file), ...env };
}
