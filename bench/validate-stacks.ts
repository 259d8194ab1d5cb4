/**
 * The stacks module `npm run bench:validate` passes to `o11y validate --stacks`: the example's
 * stacks (stacks/stacks.ts) with the AWS stacks' security-group rule quota raised to what a
 * generated spec's metrics ports need, as bench/child-generated.ts does for synth.
 */
import type { App } from 'cdktf';
import type { ObservabilitySpec } from '../src/spec/types';
import { defineStacks as defineExampleStacks } from '../stacks/stacks';
import { benchAwsInputs } from './generate-spec';

export function defineStacks(app: App, spec: ObservabilitySpec): void {
  defineExampleStacks(app, spec, benchAwsInputs(spec.services.length));
}
