/**
 * The StackPlan of each example stack, built from `stacks/o11y.yaml` the way the targets
 * build it (src/targets/docker/docker-stack.ts, src/targets/aws/aws-stack.ts) with the props
 * `stacks/stacks.ts` passes (its EXAMPLE_AWS_INPUTS for the AWS stacks). Real-tool tests read
 * rendered files from these plans without a cdktf synth; test/render/promtool.test.ts checks
 * that they equal the synthesized stacks' plans.
 */
import { join } from 'node:path';
import { planStack, StackPlan } from '../../src/components/plan';
import { dockerTopology, TraceBackend } from '../../src/components/topology';
import { loadSpec } from '../../src/spec/load';
import { resolveSpec } from '../../src/spec/resolve';
import type { ObservabilitySpec } from '../../src/spec/types';
import { awsStackTopology, type AwsObservabilityStackProps } from '../../src/targets/aws/aws-stack';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';

export const SPEC_FILE = join(__dirname, '..', '..', 'stacks', 'o11y.yaml');

export type ExampleStack = 'local' | 'local-jaeger' | 'staging' | 'prod' | 'prod-peak';
export const EXAMPLE_STACKS: readonly ExampleStack[] = ['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'];

/** The trace backend stacks/stacks.ts gives each Docker stack. */
const DOCKER_STACKS: Record<'local' | 'local-jaeger', TraceBackend> = { local: 'tempo', 'local-jaeger': 'jaeger' };

export function exampleSpec(): ObservabilitySpec {
  return loadSpec(SPEC_FILE);
}

/** The plan a DockerObservabilityStack builds (environment = stack id). */
export function dockerPlan(spec: ObservabilitySpec, environment: string, traceBackend: TraceBackend): StackPlan {
  return planStack(resolveSpec(spec, environment), dockerTopology(traceBackend));
}

/** The AwsObservabilityStack props that shape its plan. */
export type AwsPlanProps = Pick<AwsObservabilityStackProps, 'region' | 'environment' | 'discoveryDomain' | 'tracesBucket' | 'kmsKeyArn'>;

/** The plan an AwsObservabilityStack with id `id` builds (its own topology function and defaults). */
export function awsPlan(spec: ObservabilitySpec, id: string, props: AwsPlanProps): StackPlan {
  const environment = props.environment ?? id;
  const resolved = resolveSpec(spec, environment);
  return planStack(resolved, awsStackTopology(resolved.name, environment, props));
}

/** One example stack's plan, as `npm run synth` builds it. */
export function examplePlan(stack: ExampleStack, spec: ObservabilitySpec = exampleSpec()): StackPlan {
  if (stack === 'local' || stack === 'local-jaeger') return dockerPlan(spec, stack, DOCKER_STACKS[stack]);
  return awsPlan(spec, stack, EXAMPLE_AWS_INPUTS[stack]);
}

/** A rendered file of a plan; throws (naming what exists) when the plan has no such file. */
export function renderedFile(plan: StackPlan, output: string): string {
  const file = plan.files.find((f) => f.output === output);
  if (!file) {
    throw new Error(`the ${plan.spec.environment} plan renders no ${output} (it has: ${plan.files.map((f) => f.output).join(', ')})`);
  }
  return file.content;
}

/**
 * The example spec with the laptop stack scaled out: `local` tail-samples in `samplers` collectors
 * behind the load-balancing one (the shape the live scale-out test runs, and whose configs the
 * live collector build must cover).
 */
export function scaledLocalSpec(samplers = 3): ObservabilitySpec {
  const spec = exampleSpec() as unknown as { environments: Record<string, { tracing?: Record<string, unknown> }> };
  spec.environments.local.tracing = { ...spec.environments.local.tracing, tailSampling: { samplers, ratio: 0.25 } };
  return spec as unknown as ObservabilitySpec;
}
