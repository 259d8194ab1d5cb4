import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import type { StackPlan } from './components/plan';
import { renderCompose } from './render/compose';
import { EnvFormat, formatEnv } from './render/otel-env';
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
import { ParsedArgs, parseCommandArgs, UsageError } from './cli/args';
import { commandHelp, CommandSpec, DEFAULT_SPEC, DEFAULT_STACKS, findCommand, overview, TOP_LEVEL } from './cli/commands';
import { packageVersion } from './cli/version';
import { initRepository } from './init/scaffold';
import { nextSteps } from './init/next-steps';
import { verifyEndpoints, VerifyInputError } from './verify/endpoints';
import { formatHop, verifyStack } from './verify/hops';

interface Io {
  out(s: string): void;
  err(s: string): void;
}

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

type Action = (args: ParsedArgs, io: Io) => number | Promise<number>;

const ACTIONS: Record<string, Action> = {
  validate(args, io) {
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
  },

  env(args, io) {
    const service = args.positionals[0];
    if (!service) throw new UsageError('which service? o11y env <service> --stack <stack>');
    const plan = planFor(buildPlans(loadSpec(args.value('spec') ?? DEFAULT_SPEC), args.value('stacks') ?? DEFAULT_STACKS), args.value('stack'));
    const env = plan.serviceEnvs.find((e) => e.service === service);
    if (!env) throw new UsageError(`no service '${service}' (services: ${plan.serviceEnvs.map((e) => e.service).join(', ')})`);
    io.out(formatEnv(env.env, args.value('format') as EnvFormat));
    return 0;
  },

  compose(args, io) {
    const stack = args.value('stack');
    const plan = planFor(buildPlans(loadSpec(args.value('spec') ?? DEFAULT_SPEC), args.value('stacks') ?? DEFAULT_STACKS), stack);
    if (plan.topology.target !== 'docker') throw new UsageError(`stack '${stack}' runs on ${plan.topology.target}; compose exports local (Docker) stacks only`);
    io.out(renderCompose(plan, `${plan.spec.name}-${stack}`));
    return 0;
  },

  review(args, io) {
    const [base, head] = args.positionals;
    if (!base || !head) throw new UsageError('which two synth outputs? o11y review <base-synth-dir> <head-synth-dir> [--format markdown|json]');
    // --plan <stack>=<terraform show -json output>, once per stack: Terraform's own deletes and replaces
    const plans = new Map<string, string>();
    for (const p of args.values('plan')) {
      const eq = p.indexOf('=');
      if (eq < 1) throw new UsageError(`--plan takes <stack>=<file> (terraform show -json of that stack's plan) (got ${JSON.stringify(p)})`);
      const stack = p.slice(0, eq);
      if (plans.has(stack)) throw new UsageError(`--plan names stack '${stack}' twice (${plans.get(stack)}, ${p.slice(eq + 1)}); give one plan per stack`);
      plans.set(stack, p.slice(eq + 1));
    }
    let found = reviewDirs(base, head);
    const unknown = [...plans.keys()].filter((stack) => !found.stacks.some((st) => st.id === stack));
    if (unknown.length) throw new UsageError(`--plan names stack ${unknown.map((u) => `'${u}'`).join(', ')}, which neither synth output has (stacks: ${found.stacks.map((st) => st.id).join(', ')})`);
    const fromPlans = [...plans].flatMap(([stack, file]) => planRisks(file, stack));
    if (plans.size) found = { ...found, changed: found.changed || fromPlans.length > 0, risks: sortRisks([...found.risks, ...fromPlans]) };
    io.out(args.value('format') === 'json' ? renderJson(found) : renderMarkdown(found));
    return 0;
  },

  async verify(args, io) {
    const stack = args.positionals[0];
    if (!stack) throw new UsageError('which stack? o11y verify <stack> [--synth-dir cdktf.out]');
    const timeout = Number(args.value('timeout'));
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) throw new UsageError(`--timeout takes whole seconds from 1 to 3600 (got ${JSON.stringify(args.value('timeout'))})`);
    const endpoints = verifyEndpoints(args.value('synth-dir') ?? 'cdktf.out', stack);
    io.out(`o11y verify ${stack} (${endpoints.target}, environment ${endpoints.environment}): sending through ${endpoints.otlpHttp.url}\n`);
    const outcomes = await verifyStack(endpoints, { timeoutSeconds: timeout, onHop: (o) => io.out(formatHop(o)) });
    const broken = outcomes.find((o) => !o.ok);
    if (broken) {
      io.err(`o11y verify: ${stack} is broken at hop '${broken.hop}': ${broken.detail}\n`);
      return 1;
    }
    io.out(`o11y verify: every hop of ${stack} carries data\n`);
    return 0;
  },

  init(args, io) {
    const result = initRepository({
      dir: args.positionals[0] ?? '.',
      name: args.value('name'),
      service: args.value('service'),
      environment: args.value('env'),
      force: args.flag('force'),
    });
    io.out(nextSteps(result));
    return 0;
  },

  help(args, io) {
    const name = args.positionals[0];
    io.out(name === undefined ? overview() : commandHelp(commandNamed(name)));
    return 0;
  },
};

function commandNamed(name: string): CommandSpec {
  const command = findCommand(name);
  if (!command) throw new UsageError(`unknown command '${name}'\n\n${overview().trimEnd()}`);
  return command;
}

/** `o11y`, `o11y --version`, `o11y --help [command]`: options before any command. */
function topLevel(argv: string[], io: Io): number {
  const args = parseCommandArgs(TOP_LEVEL, argv);
  if (args.flag('version')) {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  return ACTIONS.help(args, io) as number;
}

/**
 * Runs a command. Every command but `verify` finishes synchronously and returns its exit code;
 * `verify` waits on the network and returns a promise of it.
 */
export function run(argv: string[], io: Io): number | Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name.startsWith('-')) return topLevel(argv, io);
    const command = commandNamed(name);
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const code = ACTIONS[command.name](args, io);
    return typeof code === 'number' ? code : code.catch((e: unknown) => failed(e, io));
  } catch (e) {
    return failed(e, io);
  }
}

/** `run` for the commands that finish synchronously (every one but `verify`): their exit code. */
export function runSync(argv: string[], io: Io): number {
  const code = run(argv, io);
  if (typeof code !== 'number') throw new Error(`o11y ${argv[0]} waits on the network: call run() and await it`);
  return code;
}

/** A command's error as one line (or a list of problems) and its exit code; never a stack trace. */
function failed(e: unknown, io: Io): number {
  if (e instanceof O11yValidationError) {
    io.err(`${e.subject}: ${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}\n${e.issues.map((i) => `  - ${formatIssue(i)}\n`).join('')}`);
    return 1;
  }
  if (e instanceof ReviewInputError) {
    io.err(`o11y review: ${e.message}\n`);
    return 2;
  }
  if (e instanceof VerifyInputError) {
    io.err(`o11y verify: ${e.message}\n`);
    return 2;
  }
  if (e instanceof UsageError) {
    io.err(`o11y: ${e.message}\n`);
    return 1;
  }
  io.err(`o11y: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
  return 2;
}

/**
 * A reader that went away (`o11y compose … | head`) ends the command quietly; any other failure
 * to write the output (a full disk) is one line and exit 1, never a stack trace.
 */
function exitOnOutputErrors(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    try {
      process.stderr.write(`o11y: cannot write the output: ${e.code ?? e.message}\n`);
    } finally {
      process.exit(1);
    }
  });
  process.stderr.on('error', () => process.exit(1));
}

export function main(argv: string[]): void {
  exitOnOutputErrors();
  const code = run(argv, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
  if (typeof code === 'number') process.exitCode = code;
  else void code.then((c) => { process.exitCode = c; });
}
