import type { App } from 'cdktf';
import type { IConstruct } from 'constructs';
import { O11yValidationError } from '../spec/issues';

const CONTEXT_KEY = 'o11y:collect-issues';

/** The id of the stack each recorded error came from. */
const stackIds = new WeakMap<O11yValidationError, string>();

/**
 * Makes the o11y stacks of `app` record their problems instead of throwing at the first
 * failing stack, so `o11y validate` and synth report every problem of every stack at once.
 * Call before any stack is added; after defining the stacks, the returned list holds one
 * error per failing stack (which then has no resources: synthesize nothing when it is not empty).
 */
export function collectStackIssues(app: App): O11yValidationError[] {
  const sink: O11yValidationError[] = [];
  app.node.setContext(CONTEXT_KEY, sink);
  return sink;
}

/** In a stack constructor's catch: true when the error was recorded for the app to report. */
export function recordStackIssue(scope: IConstruct, e: unknown): boolean {
  const sink = scope.node.tryGetContext(CONTEXT_KEY) as O11yValidationError[] | undefined;
  if (!(e instanceof O11yValidationError) || !Array.isArray(sink)) return false;
  sink.push(e);
  stackIds.set(e, scope.node.id);
  return true;
}

/** The id of the stack that recorded `e`, if a stack did. */
export function stackIdOf(e: O11yValidationError): string | undefined {
  return stackIds.get(e);
}

/** One error listing every stack's problems, each under its stack's name. */
export function combinedError(errors: readonly O11yValidationError[]): O11yValidationError {
  if (errors.length === 1) return errors[0];
  return new O11yValidationError(
    errors.map((e) => e.subject).join(', '),
    errors.flatMap((e) => e.issues.map((i) => ({ ...i, path: `${e.subject}: ${i.path}` }))),
  );
}
