import { SpecError, type SpecIssue } from '../../pkg/spec/index.js';

/** A RunnerPool document with the given `scaling:` body (already indented) and anything after it. */
export const pool = (scaling: string, extra = ''): string =>
  `apiVersion: shghar.io/v1\nkind: RunnerPool\nmetadata:\n  name: p\nspec:\n  repository: o/r\n  runner:\n    image: img\n  scaling:\n${scaling}${extra}`;

/** The issues of the SpecError `f` throws; fails the test if it throws anything else, or nothing, or a stack. */
export const issuesOf = (f: () => unknown): SpecIssue[] => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    expect((e as Error).message).not.toMatch(/\n\s+at /);
    return (e as SpecError).issues;
  }
  throw new Error('expected a SpecError');
};
