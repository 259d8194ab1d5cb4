import { ParsedArgs, parseCommandArgs, UsageError } from './cli/args';
import type { Action, Io } from './cli/action';
import { commandHelp, CommandSpec, findCommand, overview, TOP_LEVEL } from './cli/commands';
import { packageVersion } from './cli/version';
import { ReviewInputError } from './review/synth-output';
import { formatIssue, O11yValidationError } from './spec/issues';
import { VerifyInputError } from './verify/input-error';

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Each command's code, required only when that command runs: `o11y --help` and every
 * `--help` load none of it, `o11y review` no cdktf (test/cli/lazy-load.test.ts), and only
 * the commands that build stacks (src/cli/synth-commands.ts) load cdktf and the providers.
 */
const ACTIONS: Record<string, () => Action> = {
  validate: () => (require('./cli/synth-commands') as typeof import('./cli/synth-commands')).validate,
  env: () => (require('./cli/synth-commands') as typeof import('./cli/synth-commands')).env,
  compose: () => (require('./cli/synth-commands') as typeof import('./cli/synth-commands')).compose,
  review: () => (require('./cli/review-command') as typeof import('./cli/review-command')).review,
  verify: () => (require('./cli/verify-command') as typeof import('./cli/verify-command')).verify,
  init: () => (require('./cli/init-command') as typeof import('./cli/init-command')).init,
  help: () => help,
};
/* eslint-enable @typescript-eslint/no-require-imports */

function help(args: ParsedArgs, io: Io): number {
  const name = args.positionals[0];
  io.out(name === undefined ? overview() : commandHelp(commandNamed(name)));
  return 0;
}

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
  return help(args, io);
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
    const code = ACTIONS[command.name]()(args, io);
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
