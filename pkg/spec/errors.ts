/** One problem found in a spec: where it is and what is wrong. Never carries a secret value. */
export interface SpecIssue {
  file: string;
  /** 1-based; 0 when there is no line (environment variables, a missing file) */
  line: number;
  column: number;
  /** dotted path such as `spec.scaling.max`, or an environment variable name */
  path: string;
  message: string;
}

export const formatIssue = (i: SpecIssue): string => {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
};

/** A spec that cannot be used. `message` lists every issue, one per line; the stack is not meant for users. */
export class SpecError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'SpecError';
  }

  /** The user-facing text: one issue per line, no stack trace. */
  override toString(): string {
    return this.message;
  }
}
