import type { SpecIssue } from './errors.js';

/**
 * A runner name belongs to a pool when it is the pool's prefix followed by letters and digits only (the random
 * suffix). So pool `ci-` never claims `ci-gpu-x1y2` of pool `ci-gpu-`.
 */
export const nameHasPrefix = (prefix: string, name: string): boolean =>
  name.length > prefix.length && name.startsWith(prefix) && /^[A-Za-z0-9]+$/.test(name.slice(prefix.length));

/** Two pools whose prefixes could claim the same runner name would delete each other's runners as orphans. */
export const overlappingPrefixes = (pools: { name: string; prefix: string; file: string }[]): SpecIssue[] => {
  const issues: SpecIssue[] = [];
  pools.forEach((a, i) =>
    pools.slice(i + 1).forEach((b) => {
      const [short, long] = a.prefix.length <= b.prefix.length ? [a, b] : [b, a];
      if (long.prefix === short.prefix || nameHasPrefix(short.prefix, long.prefix))
        issues.push({
          file: long.file,
          line: 0,
          column: 0,
          path: 'spec.runner.namePrefix',
          message: `pool "${long.name}" name prefix "${long.prefix}" overlaps pool "${short.name}" prefix "${short.prefix}"`,
        });
    }),
  );
  return issues;
};
