/**
 * The example's stacks synthesized as `npm run synth` does (synthApp over defineStacks), but into
 * a folder of the test's own and with the AWS inputs and spec the test gives: the ids of the
 * account seeded in moto, or a changed input for a review. The repository's cdktf.out is never
 * written, and never applied: each Terraform run works on a copy of one stack's folder.
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { synthApp } from '../../../src/app';
import { loadSpec } from '../../../src/spec/load';
import type { ObservabilitySpec } from '../../../src/spec/types';
import type { AwsEnvironmentInputs } from '../../../src/targets/aws/aws-environments';
import { defineStacks, EXAMPLE_AWS_INPUTS } from '../../../stacks/stacks';

export const EXAMPLE_SPEC_FILE = join(__dirname, '..', '..', '..', 'stacks', 'o11y.yaml');

export interface SynthOptions {
  /** @default - stacks/o11y.yaml */
  readonly spec?: ObservabilitySpec;
  /** Replaces the example's inputs of the environments named. @default - none */
  readonly awsInputs?: Readonly<Record<string, AwsEnvironmentInputs>>;
}

/** Synthesizes all five stacks into `outdir` (a review compares whole synth outputs); returns it. */
export function synthExample(outdir: string, opts: SynthOptions = {}): string {
  mkdirSync(outdir, { recursive: true });
  const spec = opts.spec ?? loadSpec(EXAMPLE_SPEC_FILE);
  synthApp((app) => defineStacks(app, spec, { ...EXAMPLE_AWS_INPUTS, ...opts.awsInputs }), outdir);
  if (!existsSync(join(outdir, 'manifest.json'))) throw new Error(`synth wrote no manifest.json into ${outdir}`);
  return outdir;
}

/** A copy of one synthesized stack's folder (cdk.tf.json and its rendered configs) at `dest`. */
export function copyStack(outdir: string, stack: string, dest: string): string {
  const from = join(outdir, 'stacks', stack);
  if (!existsSync(join(from, 'cdk.tf.json'))) throw new Error(`${from}/cdk.tf.json: not found; synthesize first`);
  cpSync(from, dest, { recursive: true });
  return dest;
}
