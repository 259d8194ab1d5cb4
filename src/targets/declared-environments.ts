import type { Construct } from 'constructs';
import { issue, Issue } from '../spec/issues';

/** What an o11y stack construct tells about itself for app-wide rules. */
export interface EnvironmentStack {
  /** The environment this stack resolves the spec for. */
  readonly environment: string;
  /** The environment names its spec declares under `environments`. */
  readonly specEnvironments: readonly string[];
}

/** A stack's environment (`props.environment`, else its id) and its spec's environments, from props of any shape. */
export function environmentStack(id: string, props: unknown): EnvironmentStack {
  const p = (props ?? {}) as { environment?: unknown; spec?: { environments?: unknown } };
  const envs = p.spec?.environments;
  return {
    environment: typeof p.environment === 'string' ? p.environment : id,
    specEnvironments: envs && typeof envs === 'object' && !Array.isArray(envs) ? Object.keys(envs) : [],
  };
}

function isEnvironmentStack(c: unknown): c is EnvironmentStack & Construct {
  const s = c as Partial<EnvironmentStack>;
  return typeof s.environment === 'string' && Array.isArray(s.specEnvironments);
}

/**
 * An `environments.<name>` block that no stack of the app resolves is silently ignored: a typo
 * (`prdo`) would cost prod its overrides (tail sampling, retention). Every declared environment
 * must be the environment of a stack.
 */
export function undeclaredEnvironments(app: Construct): Issue[] {
  const stacks: EnvironmentStack[] = app.node.children.filter(isEnvironmentStack);
  if (stacks.length === 0) return [];
  const have = [...new Set(stacks.map((s) => s.environment))];
  const named = [...new Set(stacks.flatMap((s) => s.specEnvironments))];
  return named
    .filter((e) => !have.includes(e))
    .map((e) => issue(`environments.${e}`, `names no stack of this app (stack environments: ${have.join(', ')}); fix the name or declare the stack`));
}
