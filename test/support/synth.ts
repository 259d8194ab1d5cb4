/**
 * Shared helpers for the construct-level tests (test/targets): the example app exactly as
 * `npm run synth` builds it, synthesized JSON, Terraform's template escaping, and the real
 * `terraform` binary for the few facts only Terraform itself can settle.
 */
// declares cdktf's jest matchers (toHaveResourceWithProperties …) for the type checker;
// test/setup.ts installs them at run time
import type {} from 'cdktf/lib/testing/adapters/jest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { defineStacks } from '../../stacks/stacks';
import type { StackPlan } from '../../src/components/plan';
import { loadSpec } from '../../src/spec/load';
import type { ObservabilitySpec } from '../../src/spec/types';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const EXAMPLE_MAIN = join(REPO_ROOT, 'stacks', 'main.ts');
export const EXAMPLE_SPEC = join(REPO_ROOT, 'stacks', 'o11y.yaml');
export const REGISTER = join(REPO_ROOT, 'bin', 'register.js');

export type ExampleStackId = 'local' | 'local-jaeger' | 'staging' | 'prod' | 'prod-peak';
export const EXAMPLE_STACK_IDS: readonly ExampleStackId[] = ['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'];

/** The parts of a `cdk.tf.json` the tests read. */
export interface TerraformJson {
  readonly terraform?: {
    readonly backend?: Record<string, Record<string, unknown>>;
    readonly required_providers?: Record<string, unknown>;
  };
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { readonly value: unknown; readonly sensitive?: boolean; readonly description?: string }>;
  readonly variable?: Record<string, unknown>;
  readonly locals?: Record<string, unknown>;
  readonly module?: Record<string, unknown>;
}

/** A stack the example app defines: a TerraformStack that kept its StackPlan. */
export type PlannedStack = TerraformStack & { readonly plan: StackPlan };

// ---------------------------------------------------------------------------------------------
// temporary directories

const tempDirs: string[] = [];

/** A fresh directory under the OS temp dir; {@link removeTempDirs} deletes every one made. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `o11y-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Call from `afterAll`. */
export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A cdktf test App writing (if asked to synth) into a temp dir of its own. */
export function testApp(): App {
  return Testing.app({ outdir: makeTempDir('cdktf-out') });
}

// ---------------------------------------------------------------------------------------------
// the example app

type SpecTransform = (spec: ObservabilitySpec) => ObservabilitySpec;

export interface ExampleApp {
  readonly app: App;
  readonly outdir: string;
  readonly stacks: ReadonlyMap<ExampleStackId, PlannedStack>;
}

/**
 * The example app on a fresh test App: the stacks `npm run synth` builds (stacks/stacks.ts, the
 * same declarations stacks/main.ts synthesizes) from stacks/o11y.yaml, or, with `spec`, from a
 * changed copy of it.
 */
export function exampleApp(opts: { readonly spec?: SpecTransform } = {}): ExampleApp {
  const outdir = makeTempDir('example');
  const app = Testing.app({ outdir });
  const spec = loadSpec(EXAMPLE_SPEC);
  defineStacks(app, opts.spec ? opts.spec(spec) : spec);
  const stacks = new Map<ExampleStackId, PlannedStack>();
  for (const c of app.node.children) {
    if (c instanceof TerraformStack) stacks.set(c.node.id as ExampleStackId, c as PlannedStack);
  }
  const ids = [...stacks.keys()].sort();
  if (ids.join() !== [...EXAMPLE_STACK_IDS].sort().join()) throw new Error(`stacks/stacks.ts defines ${ids.join(', ')}; these tests know ${EXAMPLE_STACK_IDS.join(', ')}`);
  return { app, outdir, stacks };
}

/** The stack's synthesized Terraform JSON (cdktf's `Testing.synth`: metadata removed, keys sorted). */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** What a real `app.synth()` wrote for one stack: `cdk.tf.json` and the `config/` folder. */
export interface StackOutput {
  readonly id: string;
  readonly dir: string;
  readonly text: string;
  readonly json: TerraformJson;
  /** `config/<path>` → content, every file the stack rendered for review. */
  readonly config: ReadonlyMap<string, string>;
}

/** Runs `app.synth()` and reads back every stack's output. */
export function synthToDisk(example: ExampleApp): Map<ExampleStackId, StackOutput> {
  example.app.synth();
  const out = new Map<ExampleStackId, StackOutput>();
  for (const id of example.stacks.keys()) {
    const dir = join(example.outdir, 'stacks', id);
    const text = readFileSync(join(dir, 'cdk.tf.json'), 'utf8');
    const configDir = join(dir, 'config');
    const config = new Map(listFiles(configDir).map((f) => [f, readFileSync(join(configDir, f), 'utf8')] as const));
    out.set(id, { id, dir, text, json: JSON.parse(text) as TerraformJson, config });
  }
  return out;
}

/** Every file under `dir`, as sorted `/`-separated relative paths. */
export function listFiles(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [relative(dir, join(d, e.name)).split('\\').join('/')]));
  return walk(dir).sort();
}

/** Runs the real entry point (`npm run synth`'s command) in `cwd`; throws with its stderr on failure. */
export function runExampleSynth(cwd: string, env: NodeJS.ProcessEnv = {}): void {
  const r = spawnSync(process.execPath, ['-r', REGISTER, EXAMPLE_MAIN], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`synth in ${cwd} exited ${r.status}:\n${r.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// JSON walking

/** Every string in a JSON value, with a readable path (`resource.docker_container.grafana.env[8]`). */
export function* stringsIn(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* stringsIn(v, path ? `${path}.${k}` : k);
}

/** The resources of one type (`{}` when there are none). */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

// ---------------------------------------------------------------------------------------------
// Terraform's template escaping

/**
 * Terraform reads every JSON string as a template: `${` opens an interpolation, `%{` a
 * directive, and `$${` / `%%{` are their escapes. Backslash sequences are *not* escapes in
 * this template mode (hashicorp/hcl `ParseStringLiteralToken` with quoted=false), so
 * `\n` stays a backslash and an `n`. A `$` or `%` directly before the opener is literal, so
 * `$$${` is `$` followed by an escaped `${`.
 */
const INTERPOLATION = /(?<!\$)\$\{|(?<!%)%\{/;

/**
 * The literal string Terraform makes of a JSON string that holds no interpolation or
 * directive; throws (naming the position) if it holds one, since then it is not a literal.
 * test/targets/docker-stack.test.ts checks this function against the real `terraform`.
 */
export function terraformLiteral(s: string): string {
  const m = INTERPOLATION.exec(s);
  if (m) throw new Error(`not a literal: Terraform would evaluate '${s.slice(m.index, m.index + 40)}' at offset ${m.index}`);
  return s.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}

/** True when the string holds a `${…}` interpolation or `%{…}` directive Terraform would evaluate. */
export function hasTemplateSequence(s: string): boolean {
  return INTERPOLATION.test(s);
}

// ---------------------------------------------------------------------------------------------
// the real terraform binary

let terraformPath: string | null | undefined;

/** The `terraform` on PATH, or null. */
export function terraformBinary(): string | null {
  if (terraformPath === undefined) {
    const r = spawnSync('terraform', ['version'], { encoding: 'utf8', env: terraformEnv() });
    terraformPath = r.status === 0 ? 'terraform' : null;
  }
  return terraformPath;
}

function terraformEnv(): NodeJS.ProcessEnv {
  // no user CLI config, no network check-in, no prompts
  return { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: '/dev/null' };
}

/**
 * What Terraform makes of JSON string values: each becomes an output of a provider-less
 * configuration, applied to a throw-away local state. Needs no network.
 */
export function terraformEvaluate(values: Readonly<Record<string, string>>): Record<string, string> {
  const tf = terraformBinary();
  if (!tf) throw new Error('terraform is not on PATH');
  const dir = makeTempDir('tf-eval');
  const outputs = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ output: outputs }));
  const run = (...args: string[]): string => execFileSync(tf, args, { cwd: dir, env: terraformEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run('init', '-input=false', '-no-color');
  run('apply', '-auto-approve', '-input=false', '-no-color');
  const got = JSON.parse(run('output', '-json')) as Record<string, { value: string }>;
  return Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.value]));
}
