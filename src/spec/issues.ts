/**
 * A problem found in a spec or in the rendered stack, addressed by the path of the
 * value that causes it (`services[2].sampling.ratio`).
 */
export interface Issue {
  readonly path: string;
  readonly message: string;
  /** The offending value, when there is one. */
  readonly got?: unknown;
  readonly hasGot: boolean;
}

export function issue(path: string, message: string, ...got: [unknown?]): Issue {
  return { path, message, got: got[0], hasGot: got.length > 0 };
}

/** `services[2].sampling.ratio: must be between 0 and 1 (got 1.5)` */
export function formatIssue(i: Issue): string {
  const where = i.path === '' ? '(spec)' : i.path;
  return i.hasGot ? `${where}: ${i.message} (got ${describeValue(i.got)})` : `${where}: ${i.message}`;
}

/** A short, single-line rendering of a user value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Thrown once, with every problem found. Callers (CLI, stacks/main.ts) print
 * `message` and exit 1; nothing has been written by then.
 */
export class O11yValidationError extends Error {
  readonly issues: readonly Issue[];
  constructor(readonly subject: string, issues: readonly Issue[]) {
    super(`${subject}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n` + issues.map((i) => `  - ${formatIssue(i)}`).join('\n'));
    this.name = 'O11yValidationError';
    this.issues = issues;
  }

  /** The formatted lines, one per issue. */
  get lines(): string[] {
    return this.issues.map(formatIssue);
  }
}

/** Throws an {@link O11yValidationError} when `issues` is not empty. */
export function throwIfAny(subject: string, issues: readonly Issue[]): void {
  if (issues.length > 0) throw new O11yValidationError(subject, issues);
}
