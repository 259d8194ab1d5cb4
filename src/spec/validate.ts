import { Issue, throwIfAny } from './issues';
import { specSchema } from './spec-schema';
import type { ObservabilitySpec } from './types';

/** Every problem in `value` as a spec; empty when it is a valid ObservabilitySpec. */
export function specIssues(value: unknown): Issue[] {
  const issues: Issue[] = [];
  specSchema.check(value, '', issues);
  return issues;
}

/** Narrows `value` to an ObservabilitySpec or throws one error listing every problem. */
export function validateSpec(value: unknown, subject = 'spec'): asserts value is ObservabilitySpec {
  throwIfAny(subject, specIssues(value));
}
