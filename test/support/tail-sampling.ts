/**
 * Spec variants and plans for the tail-sampling tests (issue 6). The example spec turns tail
 * sampling on only in staging and prod; the Docker variants here turn it on in `local` (Tempo)
 * and `local-jaeger` the way a user would, in the spec file's environment block.
 */
import type { StackPlan } from '../../src/components/plan';
import type { EnvironmentOverride, ObservabilitySpec, TailSamplingSpec } from '../../src/spec/types';
import { dockerPlan, examplePlan, exampleSpec } from './plans';

/** `spec` with `environments.<env>` changed by `change` (the rest of the environment kept). */
export function withEnvironment(spec: ObservabilitySpec, env: string, change: (o: EnvironmentOverride) => EnvironmentOverride): ObservabilitySpec {
  return { ...spec, environments: { ...spec.environments, [env]: change(spec.environments?.[env] ?? {}) } };
}

/** `spec` with `environments.<env>.tracing.tailSampling` set to `tail`. */
export function withTailSampling(spec: ObservabilitySpec, env: string, tail: TailSamplingSpec = {}): ObservabilitySpec {
  return withEnvironment(spec, env, (o) => ({ ...o, tracing: { ...o.tracing, tailSampling: tail } }));
}

/** `spec` without `environments.<env>.sampling`: the services' own head ratios (0.25, 0.5, 0.5, 1 in the example) apply. */
export function withBaseHeadSampling(spec: ObservabilitySpec, env: string): ObservabilitySpec {
  return withEnvironment(spec, env, ({ sampling: _dropped, ...rest }) => rest);
}

export type TailStack = 'staging' | 'prod' | 'local+tail' | 'local-jaeger+tail';
export const TAIL_STACKS: readonly TailStack[] = ['staging', 'prod', 'local+tail', 'local-jaeger+tail'];

/** A stack with tail sampling on: the example's staging and prod, and the two Docker stacks with `tailSampling: {}`. */
export function tailPlan(stack: TailStack, spec: ObservabilitySpec = exampleSpec()): StackPlan {
  switch (stack) {
    case 'staging':
    case 'prod':
      return examplePlan(stack, spec);
    case 'local+tail':
      return dockerPlan(withTailSampling(spec, 'local'), 'local', 'tempo');
    case 'local-jaeger+tail':
      return dockerPlan(withTailSampling(spec, 'local-jaeger'), 'local-jaeger', 'jaeger');
  }
}
