import type { Construct } from 'constructs';
import { issue, Issue } from '../spec/issues';
import { closest } from '../spec/schema-kit';

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

/** The app-wide environment rule's problems, and the stacks whose own problems are its knock-on. */
export interface EnvironmentBlockCheck {
  readonly issues: Issue[];
  /** Failed stacks whose environment block is most likely one of the misspelt ones: their problems follow from it. */
  readonly withheld: string[];
}

/**
 * An `environments.<name>` block that no stack of the app resolves is silently ignored: a typo
 * (`prdo`) would cost prod its overrides (tail sampling, retention). Every declared environment
 * must be the environment of a stack. A name near a stack environment that has no block is
 * taken for that one misspelt: the suggestion says so, and that stack's own problems (it was
 * resolved without its block: `alertingSecretArns` for a route the block would have changed)
 * are withheld until the name is fixed. `failedStackIds`: the stacks that reported problems.
 */
export function checkEnvironmentBlocks(app: Construct, failedStackIds: readonly string[] = []): EnvironmentBlockCheck {
  const stacks = app.node.children.filter(isEnvironmentStack);
  if (stacks.length === 0) return { issues: [], withheld: [] };
  const have = [...new Set(stacks.map((s) => s.environment))];
  const named = [...new Set(stacks.flatMap((s) => s.specEnvironments))];
  const withoutBlock = have.filter((e) => !named.includes(e));
  const withheld: string[] = [];
  const issues = named
    .filter((e) => !have.includes(e))
    .map((e) => {
      const meant = closest(e, withoutBlock);
      if (!meant) return issue(`environments.${e}`, `names no stack of this app (stack environments: ${have.join(', ')}); fix the name or declare the stack`);
      const held = stacks.filter((s) => s.environment === meant && failedStackIds.includes(s.node.id)).map((s) => s.node.id);
      withheld.push(...held);
      const note = held.length ? `; stack ${held.map((id) => `'${id}'`).join(', ')} ran without this block, its problems are listed once the name is fixed` : '';
      return issue(`environments.${e}`, `names no stack of this app, did you mean '${meant}'? (stack environments: ${have.join(', ')})${note}`);
    });
  return { issues, withheld };
}

/** The problems of {@link checkEnvironmentBlocks} alone. */
export function undeclaredEnvironments(app: Construct): Issue[] {
  return checkEnvironmentBlocks(app).issues;
}
