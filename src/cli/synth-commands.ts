/**
 * The commands that build the user's stacks (`validate`, `env`, `compose`): the only ones that
 * load cdktf, the providers and the renderers, so src/cli.ts requires this file only for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import type { StackPlan } from '../components/plan';
import { renderCompose } from '../render/compose';
import { EnvFormat, formatEnv } from '../render/otel-env';
import type { O11yValidationError } from '../spec/issues';
import { loadSpec } from '../spec/load';
import type { ObservabilitySpec } from '../spec/types';
import { throwIfAppProblems } from '../app';
import { collectStackIssues } from '../targets/collect-issues';
import { warningsOf } from '../targets/warnings';
import type { Action } from './action';
import { UsageError } from './args';
import { DEFAULT_SPEC, DEFAULT_STACKS } from './commands';

/** Runs the stacks module's defineStacks on a throwaway app (nothing is written). */
function withApp<T>(spec: ObservabilitySpec, stacksModule: string, use: (app: App, failed: readonly O11yValidationError[]) => T): T {
  const mod = loadStacksModule(stacksModule);
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

/**
 * The user's stacks module. What a new project hits is answered with what to do: a TypeScript
 * file without @swc/core (bin/register.js, O11Y_NO_TS_LOADER) and a module that is not there;
 * anything else its code throws stays an unexpected error.
 */
function loadStacksModule(stacksModule: string): { defineStacks?: (app: App, spec: ObservabilitySpec) => void } {
  const path = resolve(stacksModule);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path) as { defineStacks?: (app: App, spec: ObservabilitySpec) => void };
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException;
    if (code === 'O11Y_NO_TS_LOADER') throw new UsageError(`${message}, or compile it and pass the .js file (--stacks <file>.js)`);
    if (code === 'MODULE_NOT_FOUND' && message.includes(`'${path}'`)) {
      throw new UsageError(`cannot find the stacks module ${stacksModule}: give --stacks <module> exporting defineStacks(app, spec); the default is ${DEFAULT_STACKS}, from the project folder`);
    }
    throw e;
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

export const validate: Action = (args, io) => {
  const file = args.positionals[0] ?? DEFAULT_SPEC;
  const spec = loadSpec(file);
  const envs = Object.keys(spec.environments ?? {});
  // then every stack is built in memory: validate says what synth would say, for every stack
  const warnings = withApp(spec, args.value('stacks') ?? DEFAULT_STACKS, (app, failed) => {
    throwIfAppProblems(app, failed);
    return warningsOf(app);
  });
  for (const [path, message] of warnings) io.err(`o11y: warning: ${path}: ${message}\n`);
  io.out(`${file}: valid (${spec.services.length} service${spec.services.length === 1 ? '' : 's'}${envs.length ? `; environments: ${envs.join(', ')}` : ''})\n`);
  return 0;
};

export const env: Action = (args, io) => {
  const service = args.positionals[0];
  if (!service) throw new UsageError('which service? o11y env <service> --stack <stack>');
  const plan = planFor(buildPlans(loadSpec(args.value('spec') ?? DEFAULT_SPEC), args.value('stacks') ?? DEFAULT_STACKS), args.value('stack'));
  const found = plan.serviceEnvs.find((e) => e.service === service);
  if (!found) throw new UsageError(`no service '${service}' (services: ${plan.serviceEnvs.map((e) => e.service).join(', ')})`);
  io.out(formatEnv(found.env, args.value('format') as EnvFormat));
  return 0;
};

export const compose: Action = (args, io) => {
  const stack = args.value('stack');
  const plan = planFor(buildPlans(loadSpec(args.value('spec') ?? DEFAULT_SPEC), args.value('stacks') ?? DEFAULT_STACKS), stack);
  if (plan.topology.target !== 'docker') throw new UsageError(`stack '${stack}' runs on ${plan.topology.target}; compose exports local (Docker) stacks only`);
  io.out(renderCompose(plan, `${plan.spec.name}-${stack}`));
  return 0;
};
