import { issue, Issue } from '../spec/issues';

/**
 * What `o11y init` writes where only the user knows the value (a VPC id, a certificate ARN).
 * Every placeholder contains it, so synth refuses each one until it is replaced.
 */
export const PLACEHOLDER = 'REPLACE-ME';

function* placeholderPaths(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') {
    if (value.includes(PLACEHOLDER)) yield [path, value];
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* placeholderPaths(value[i], `${path}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* placeholderPaths(v, path ? `${path}.${k}` : k);
  }
}

/**
 * A stack input that still holds a placeholder of `o11y init`. Most placeholders already fail
 * their input's own check (`vpc-REPLACE-ME` is no VPC id), which names the expected form; this
 * covers the inputs that have no format of their own (a domain name, a hosted zone id, a
 * DynamoDB table), and adds nothing where another problem already names the input.
 */
export function placeholderIssues(props: object, known: readonly Issue[]): Issue[] {
  const named = new Set(known.map((i) => i.path));
  const out: Issue[] = [];
  for (const [path, value] of placeholderPaths({ ...props, spec: undefined }, '')) {
    if (!named.has(path)) out.push(issue(path, `is a placeholder (${PLACEHOLDER}) written by o11y init: replace it with your value`, value));
  }
  return out;
}
