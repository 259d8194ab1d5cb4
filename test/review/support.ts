/**
 * Fixture pairs for the review tests, made by the project's own synth: the example app
 * (stacks/stacks.ts on stacks/o11y.yaml) written into a temp dir with `new App({ outdir })`
 * and `app.synth()`, as `npm run synth` writes cdktf.out. A head differs from the base by a
 * change to the spec, to the stack inputs, or (where no input can produce a flag) by a
 * documented edit of a copy of a real synth output.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { reviewDirs, Review } from '../../src/review/review';
import { loadSpec } from '../../src/spec/load';
import type { ObservabilitySpec } from '../../src/spec/types';
import { AwsObservabilityStack, AwsObservabilityStackProps } from '../../src/targets/aws/aws-stack';
import { DockerObservabilityStack, DockerObservabilityStackProps } from '../../src/targets/docker/docker-stack';
import { defineStacks, EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { EXAMPLE_SPEC, makeTempDir } from '../support/synth';

/** A spec that can be changed in place: the loaded spec is readonly by type only. */
export type MutableSpec = { -readonly [K in keyof ObservabilitySpec]: Mutable<ObservabilitySpec[K]> };
type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

export interface SynthOptions {
  /** Changes a copy of stacks/o11y.yaml before the stacks are built. */
  readonly spec?: (spec: MutableSpec) => void;
  /** The stack declarations; stacks/stacks.ts's `defineStacks` when not given. */
  readonly define?: (app: App, spec: ObservabilitySpec) => void;
}

/** Synthesizes the example app into a fresh temp dir and returns that dir (a `cdktf.out`). */
export function synthExample(opts: SynthOptions = {}): string {
  const outdir = makeTempDir('review-synth');
  const spec = structuredClone(loadSpec(EXAMPLE_SPEC)) as MutableSpec;
  opts.spec?.(spec);
  const app = new App({ outdir });
  (opts.define ?? defineStacks)(app, spec as ObservabilitySpec);
  app.synth();
  return outdir;
}

/**
 * A typical pull request to the spec: staging's checkout keeps half of its traces, a service
 * `inventory-api` is added, the tracing retention goes from 14 to 21 days.
 */
export function typicalChange(spec: MutableSpec): void {
  spec.environments!.staging.services = { checkout: { sampling: { ratio: 0.5 } } };
  spec.services.push({ name: 'inventory-api', namespace: 'storefront', metrics: { port: 9470 } });
  spec.tracing!.retention = '21d';
}

export interface StackChanges {
  /** The trace backend of the `local` stack. @default "tempo" */
  readonly localTraceBackend?: 'tempo' | 'jaeger';
  /** Inputs of the `local` stack besides its spec and trace backend. */
  readonly local?: Partial<Omit<DockerObservabilityStackProps, 'spec' | 'traceBackend'>>;
  /** Inputs of the `staging` stack replaced over EXAMPLE_AWS_INPUTS.staging. */
  readonly staging?: Partial<Omit<AwsObservabilityStackProps, 'spec'>>;
  /** Stacks left out. */
  readonly without?: readonly string[];
}

/**
 * The example's five stacks as stacks/stacks.ts declares them, with the changes a pull
 * request to that file could make. With no change it builds exactly what defineStacks builds
 * (a test in review.test.ts holds it to that).
 */
export function exampleStacksWith(changes: StackChanges): (app: App, spec: ObservabilitySpec) => void {
  return (app, spec) => {
    const keep = (id: string): boolean => !changes.without?.includes(id);
    if (keep('local')) new DockerObservabilityStack(app, 'local', { spec, traceBackend: changes.localTraceBackend ?? 'tempo', ...changes.local });
    if (keep('local-jaeger')) new DockerObservabilityStack(app, 'local-jaeger', { spec, traceBackend: 'jaeger' });
    if (keep('staging')) new AwsObservabilityStack(app, 'staging', { spec, ...EXAMPLE_AWS_INPUTS.staging, ...changes.staging });
    if (keep('prod')) new AwsObservabilityStack(app, 'prod', { spec, ...EXAMPLE_AWS_INPUTS.prod });
    if (keep('prod-peak')) new AwsObservabilityStack(app, 'prod-peak', { spec, ...EXAMPLE_AWS_INPUTS['prod-peak'] });
  };
}

/** A copy of a synth output, changed by `edit` (given the copy's dir). */
export function editedCopy(dir: string, edit: (copy: string) => void): string {
  const copy = makeTempDir('review-edit');
  cpSync(dir, copy, { recursive: true });
  edit(copy);
  return copy;
}

/** Rewrites one file of a synth output with `change` applied to its text. */
export function editFile(dir: string, path: string, change: (text: string) => string): void {
  const file = join(dir, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  // an edit that changes nothing would make its test pass for the wrong reason
  if (after === before) throw new Error(`the edit of ${path} changed nothing`);
  writeFileSync(file, after);
}

/** Rewrites a stack's cdk.tf.json through its parsed JSON. */
export function editTerraform(dir: string, stack: string, change: (tf: TerraformTree) => void): void {
  editFile(dir, `stacks/${stack}/cdk.tf.json`, (text) => {
    const tf = JSON.parse(text) as TerraformTree;
    change(tf);
    return JSON.stringify(tf, null, 2);
  });
}

export type TerraformTree = { resource: Record<string, Record<string, Record<string, unknown>>> } & Record<string, unknown>;

/** The one resource of a type whose name starts with `prefix` (names carry a hash suffix on AWS). */
export function resourceNamed(tf: TerraformTree, type: string, prefix: string): [string, Record<string, unknown>] {
  const found = Object.entries(tf.resource[type] ?? {}).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}…, found ${found.map(([n]) => n).join(', ') || 'none'}`);
  return found[0];
}

export function riskLines(r: Review): string[] {
  return r.risks.map((x) => x.line);
}

export { reviewDirs };
