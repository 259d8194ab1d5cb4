import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import type { StackPlan } from './components/plan';
import { renderCompose } from './render/compose';
import { ENV_FORMATS, EnvFormat, formatEnv } from './render/otel-env';
import { renderJson } from './review/json';
import { renderMarkdown } from './review/markdown';
import { reviewDirs } from './review/review';
import { sortRisks } from './review/risk';
import { planRisks } from './review/terraform-plan';
import { ReviewInputError } from './review/synth-output';
import { formatIssue, O11yValidationError } from './spec/issues';
import { loadSpec } from './spec/load';
import type { ObservabilitySpec } from './spec/types';
import { throwIfAppProblems } from './app';
import { collectStackIssues } from './targets/collect-issues';
import { warningsOf } from './targets/warnings';

const USAGE = `o11y: one spec for your tracing and metrics stack

Usage:
  o11y validate [spec] [--stacks file]                   check a spec file against the app's stacks; lists every problem
  o11y env <service> --stack <stack> [--format dotenv|json|shell] [--spec file]
                                                         the OTEL_* environment of a service in a stack
  o11y compose --stack <local|local-jaeger> [--spec file] a docker-compose.yml of a local stack
  o11y review <base-synth-dir> <head-synth-dir> [--format markdown|json] [--plan <stack>=<plan.json>]
                                                         what a change does to every stack: risks first,
                                                         then resources, configs and topology; exit 0
                                                         whatever it finds, 2 if an input is unusable
  o11y help

Defaults: spec stacks/o11y.yaml, stacks declared by stacks/stacks.ts (defineStacks).`;

const DEFAULT_SPEC = 'stacks/o11y.yaml';
const DEFAULT_STACKS = 'stacks/stacks.ts';
const REVIEW_FORMATS = ['markdown', 'json'];

/** A user error: printed as one line, exit 1, no stack trace. */
class UsageError extends Error {}

interface Io {
  out(s: string): void;
  err(s: string): void;
}

function parseArgs(argv: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2);
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${k} needs a value`);
      flags[k] = v;
    } else positional.push(a);
  }
  return { positional, flags };
}

function only(flags: Record<string, string>, allowed: string[]): void {
  for (const k of Object.keys(flags)) if (!allowed.includes(k)) throw new UsageError(`unknown option --${k} (known: ${allowed.map((a) => `--${a}`).join(', ') || 'none'})`);
}

/** Runs the stacks module's defineStacks on a throwaway app (nothing is written). */
function withApp<T>(spec: ObservabilitySpec, stacksModule: string, use: (app: App, failed: readonly O11yValidationError[]) => T): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(resolve(stacksModule)) as { defineStacks?: (app: App, spec: ObservabilitySpec) => void };
  if (typeof mod.defineStacks !== 'function') throw new UsageError(`${stacksModule} does not export defineStacks(app, spec)`);
  const outdir = mkdtempSync(join(tmpdir(), 'o11y-cli-'));
  try {
    const app = new App({ outdir });
    const failed = collectStackIssues(app);
    mod.defineStacks(app, spec);
    return use(app, failed);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Builds the declared stacks in memory (nothing is synthesized) and returns their plans. */
function buildPlans(spec: ObservabilitySpec, stacksModule: string): Map<string, StackPlan> {
  return withApp(spec, stacksModule, (app, failed) => {
    throwIfAppProblems(app, failed);
    const plans = new Map<string, StackPlan>();
    for (const child of app.node.children) {
      const plan = (child as unknown as { plan?: StackPlan }).plan;
      if (plan) plans.set(child.node.id, plan);
    }
    return plans;
  });
}

function planFor(plans: Map<string, StackPlan>, stack: string | undefined): StackPlan {
  if (!stack) throw new UsageError(`--stack is required (stacks: ${[...plans.keys()].join(', ')})`);
  const plan = plans.get(stack);
  if (!plan) throw new UsageError(`no stack '${stack}' (stacks: ${[...plans.keys()].join(', ')})`);
  return plan;
}

export function run(argv: string[], io: Io): number {
  try {
    const [cmd, ...rest] = argv;
    const { positional, flags } = parseArgs(rest);
    switch (cmd) {
      case 'validate': {
        only(flags, ['stacks']);
        const file = positional[0] ?? DEFAULT_SPEC;
        const spec = loadSpec(file);
        const envs = Object.keys(spec.environments ?? {});
        // then every stack is built in memory: validate says what synth would say, for every stack
        const warnings = withApp(spec, flags.stacks ?? DEFAULT_STACKS, (app, failed) => {
          throwIfAppProblems(app, failed);
          return warningsOf(app);
        });
        for (const [path, message] of warnings) io.err(`o11y: warning: ${path}: ${message}\n`);
        io.out(`${file}: valid (${spec.services.length} services${envs.length ? `; environments: ${envs.join(', ')}` : ''})\n`);
        return 0;
      }
      case 'env': {
        only(flags, ['stack', 'format', 'spec', 'stacks']);
        const service = positional[0];
        if (!service) throw new UsageError('which service? o11y env <service> --stack <stack>');
        const format = (flags.format ?? 'dotenv') as EnvFormat;
        if (!ENV_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${ENV_FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
        const plan = planFor(buildPlans(loadSpec(flags.spec ?? DEFAULT_SPEC), flags.stacks ?? DEFAULT_STACKS), flags.stack);
        const env = plan.serviceEnvs.find((e) => e.service === service);
        if (!env) throw new UsageError(`no service '${service}' (services: ${plan.serviceEnvs.map((e) => e.service).join(', ')})`);
        io.out(formatEnv(env.env, format));
        return 0;
      }
      case 'compose': {
        only(flags, ['stack', 'spec', 'stacks']);
        const plan = planFor(buildPlans(loadSpec(flags.spec ?? DEFAULT_SPEC), flags.stacks ?? DEFAULT_STACKS), flags.stack);
        if (plan.topology.target !== 'docker') throw new UsageError(`stack '${flags.stack}' runs on ${plan.topology.target}; compose exports local (Docker) stacks only`);
        io.out(renderCompose(plan, `${plan.spec.name}-${flags.stack}`));
        return 0;
      }
      case 'review': {
        only(flags, ['format', 'plan']);
        const [base, head, extra] = positional;
        if (!base || !head || extra !== undefined) throw new UsageError('which two synth outputs? o11y review <base-synth-dir> <head-synth-dir> [--format markdown|json]');
        const format = flags.format ?? 'markdown';
        if (!REVIEW_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REVIEW_FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
        // --plan <stack>=<terraform show -json output>: Terraform's own deletes and replaces
        const eq = flags.plan?.indexOf('=') ?? -1;
        if (flags.plan !== undefined && eq < 1) throw new UsageError(`--plan takes <stack>=<file> (terraform show -json of that stack's plan) (got ${JSON.stringify(flags.plan)})`);
        let found = reviewDirs(base, head);
        if (flags.plan !== undefined) {
          const fromPlan = planRisks(flags.plan.slice(eq + 1), flags.plan.slice(0, eq));
          found = { ...found, changed: found.changed || fromPlan.length > 0, risks: sortRisks([...found.risks, ...fromPlan]) };
        }
        io.out(format === 'json' ? renderJson(found) : renderMarkdown(found));
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(`${USAGE}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command '${cmd}'\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof O11yValidationError) {
      io.err(`${e.subject}: ${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}\n${e.issues.map((i) => `  - ${formatIssue(i)}\n`).join('')}`);
      return 1;
    }
    if (e instanceof ReviewInputError) {
      io.err(`o11y review: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`o11y: ${e.message}\n`);
      return 1;
    }
    io.err(`o11y: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

export function main(argv: string[]): void {
  process.exitCode = run(argv, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
}
