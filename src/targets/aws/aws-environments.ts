import type { Construct } from 'constructs';
import { issue, Issue, throwIfAny } from '../../spec/issues';
import { NAME_HINT, NAME_PATTERN } from '../../spec/spec-schema';
import type { ObservabilitySpec } from '../../spec/types';
import { AwsObservabilityStack, AwsObservabilityStackProps } from './aws-stack';

/**
 * What one AWS environment needs beyond the spec: its region, state bucket, VPC and subnets,
 * who may send OTLP and who may open Grafana, and any optional input of
 * {@link AwsObservabilityStackProps}. The spec is shared by every environment and given once.
 */
export type AwsEnvironmentInputs = Omit<AwsObservabilityStackProps, 'spec'>;

/** The longest environment name the spec accepts under `environments`. */
const MAX_ENVIRONMENT_NAME = 32;

function inputsIssues(inputs: unknown): Issue[] {
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    return [issue('inputs', 'must be an object with one entry per AWS environment, keyed by its name (prod: { region, state, vpcId, … })', inputs)];
  }
  const issues: Issue[] = [];
  for (const [name, value] of Object.entries(inputs)) {
    // the key is the stack's id and the environment `environments.<name>` of the spec overrides
    if (!NAME_PATTERN.test(name) || name.length > MAX_ENVIRONMENT_NAME) {
      issues.push(issue(`inputs.${name}`, `must be named like a spec environment: ${NAME_HINT}, at most ${MAX_ENVIRONMENT_NAME} characters`, name));
    }
    if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'spec')) {
      issues.push(issue(`inputs.${name}.spec`, 'is given once, as the second argument of awsEnvironments, for every environment'));
    }
  }
  return issues;
}

/**
 * One {@link AwsObservabilityStack} per entry of `inputs`, in their order: the key is the
 * stack's id and its environment (the spec's `environments.<key>` applies to it). Adding an
 * environment is one more entry:
 *
 * ```ts
 * awsEnvironments(app, spec, { staging: { region: 'eu-west-1', … }, qa: { region: 'eu-west-1', … } });
 * ```
 *
 * Each stack checks its own inputs as `new AwsObservabilityStack` does; a key that is not a
 * valid environment name, or an entry that carries its own `spec`, is refused here.
 */
export function awsEnvironments<K extends string>(scope: Construct, spec: ObservabilitySpec, inputs: Readonly<Record<K, AwsEnvironmentInputs>>): Record<K, AwsObservabilityStack> {
  throwIfAny('awsEnvironments', inputsIssues(inputs));
  const stacks = {} as Record<K, AwsObservabilityStack>;
  for (const name of Object.keys(inputs) as K[]) stacks[name] = new AwsObservabilityStack(scope, name, { spec, ...inputs[name] });
  return stacks;
}
