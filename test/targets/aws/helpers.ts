import { AwsObservabilityStack, AwsObservabilityStackProps } from '../../../src/targets/aws/aws-stack';
import type { ObservabilitySpec } from '../../../src/spec/types';
import { EXAMPLE_AWS_INPUTS } from '../../../stacks/stacks';
import { exampleSpec } from '../../support/plans';
import { resourcesOf, synthJson, testApp, TerraformJson } from '../../support/synth';

export type Inputs = Omit<AwsObservabilityStackProps, 'spec'>;

/** The example prod inputs (stacks/stacks.ts) with changes. */
export function prodInputs(change: Partial<Inputs> = {}): Inputs {
  return { ...EXAMPLE_AWS_INPUTS.prod, ...change };
}

export interface BuiltAws {
  readonly stack: AwsObservabilityStack;
  readonly json: TerraformJson;
}

export function buildAws(id: 'staging' | 'prod', inputs: Inputs = id === 'prod' ? prodInputs() : EXAMPLE_AWS_INPUTS.staging, spec: ObservabilitySpec = exampleSpec()): BuiltAws {
  const stack = new AwsObservabilityStack(testApp(), id, { spec, ...inputs });
  return { stack, json: synthJson(stack) };
}

/** The key of the one resource of a type at construct path `<stack>/<path>` (cdktf's unique id: path joined by `_`, plus a hash). */
export function resourceKey(json: TerraformJson, type: string, path: string): string {
  const pattern = new RegExp(`^${path.replace(/\//g, '_').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_[0-9A-F]{8}$`);
  const hits = Object.keys(resourcesOf(json, type)).filter((k) => pattern.test(k));
  if (hits.length !== 1) throw new Error(`${hits.length} ${type} at ${path} (have: ${Object.keys(resourcesOf(json, type)).join(', ')})`);
  return hits[0];
}

export function resourceAt(json: TerraformJson, type: string, path: string): Record<string, unknown> {
  return resourcesOf(json, type)[resourceKey(json, type, path)];
}

/** `${<type>.<key>.<attr>}`: how the synthesized JSON refers to another resource's attribute. */
export function ref(json: TerraformJson, type: string, path: string, attr: string): string {
  return '${' + `${type}.${resourceKey(json, type, path)}.${attr}` + '}';
}

export interface ContainerDef {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly command?: string[];
  readonly entryPoint?: string[];
  readonly user?: string;
  readonly environment?: { name: string; value: string }[];
  readonly secrets?: { name: string; valueFrom: string }[];
  readonly portMappings?: { containerPort: number }[];
  readonly mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  readonly healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  readonly dependsOn?: { containerName: string; condition: string }[];
  readonly readonlyRootFilesystem?: boolean;
}

export function containers(json: TerraformJson, component: string): ContainerDef[] {
  return JSON.parse(resourceAt(json, 'aws_ecs_task_definition', `${component}/task`).container_definitions as string) as ContainerDef[];
}

export interface PolicyDoc {
  readonly Statement: { Sid: string; Effect: string; Action: string[]; Resource: string[]; Condition?: unknown }[];
}

export function rolePolicy(json: TerraformJson, suffix: string): PolicyDoc {
  return JSON.parse(resourceAt(json, 'aws_iam_role_policy', `${suffix}/policy`).policy as string) as PolicyDoc;
}
