/**
 * What a user can type: the `o11y` commands, their arguments and options, as one table that
 * the parser (./args.ts), the overview and each command's `--help` all read, so the help
 * cannot drift from what is accepted. What each command does is in ../cli.ts.
 */
import { ENV_FORMATS } from '../render/otel-env';
import { DEFAULT_ENVIRONMENT, DEFAULT_SERVICE } from '../init/scaffold-defaults';
import { PLACEHOLDER } from '../targets/placeholders';

export const DEFAULT_SPEC = 'stacks/o11y.yaml';
export const DEFAULT_STACKS = 'stacks/stacks.ts';
export const REVIEW_FORMATS: readonly string[] = ['markdown', 'json'];

export interface OptionSpec {
  /** `--name` on the command line. */
  readonly name: string;
  /** A one-letter alias, `-h`. */
  readonly short?: string;
  /**
   * What the option takes, as help shows it (`<file>`).
   * @default a switch: the option takes no value
   */
  readonly value?: string;
  /** One line: what the option means. */
  readonly description: string;
  /**
   * The value when the option is not given; help shows it.
   * @default none
   */
  readonly default?: string;
  /**
   * The values accepted; help shows them in place of `value`.
   * @default any value
   */
  readonly choices?: readonly string[];
  /**
   * The option may be repeated; every value is kept, in order.
   * @default false
   */
  readonly multiple?: boolean;
  /**
   * Shown as required in the synopsis. The command checks it itself, so its message can name
   * what there is to choose from (the stacks of the app).
   * @default false
   */
  readonly required?: boolean;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  /**
   * The argument may be left out.
   * @default false
   */
  readonly optional?: boolean;
  /**
   * The value when left out; help shows it.
   * @default none
   */
  readonly default?: string;
}

export interface CommandSpec {
  readonly name: string;
  /** One line in the overview. */
  readonly summary: string;
  /**
   * More lines for the command's help: exit codes, what is read.
   * @default none
   */
  readonly details?: string;
  readonly args: readonly ArgumentSpec[];
  readonly options: readonly OptionSpec[];
}

/** Every command and the top level answer `--help`. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'print this help and exit' };

const SPEC_OPTION: OptionSpec = { name: 'spec', value: '<file>', description: 'the spec file', default: DEFAULT_SPEC };
const STACKS_OPTION: OptionSpec = {
  name: 'stacks',
  value: '<module>',
  description: 'the module whose defineStacks(app, spec) declares the stacks',
  default: DEFAULT_STACKS,
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'validate',
    summary: "check a spec file against the app's stacks; lists every problem",
    details:
      'Builds every stack of the app in memory (nothing is written) and says what synth would say.\n' +
      'Exit 0 if valid (warnings on stderr), 1 with every problem of every stack listed.',
    args: [{ name: 'spec', description: 'the spec file', optional: true, default: DEFAULT_SPEC }],
    options: [STACKS_OPTION],
  },
  {
    name: 'env',
    summary: 'the OTEL_* environment of a service in a stack',
    details: "The variables the service's OpenTelemetry SDK reads: endpoint, protocol, sampler, resource attributes.",
    args: [{ name: 'service', description: 'a service of the spec' }],
    options: [
      { name: 'stack', value: '<stack>', description: 'the stack the service sends its telemetry to', required: true },
      { name: 'format', value: '<format>', description: 'how to print the variables', choices: ENV_FORMATS, default: 'dotenv' },
      SPEC_OPTION,
      STACKS_OPTION,
    ],
  },
  {
    name: 'compose',
    summary: 'a docker-compose.yml of a local stack',
    details: 'Every config is inlined (Compose 2.23 or later); ports are published on 127.0.0.1 only.',
    args: [],
    options: [
      { name: 'stack', value: '<stack>', description: 'a local (Docker) stack of the app, e.g. local or local-jaeger', required: true },
      SPEC_OPTION,
      STACKS_OPTION,
    ],
  },
  {
    name: 'review',
    summary: 'what a change does to every stack: risks first, then resources, configs and topology',
    details: 'Exit 0 whatever it finds, 1 on wrong usage, 2 if an input is unusable.',
    args: [
      { name: 'base-synth-dir', description: 'the synth output (cdktf.out) before the change' },
      { name: 'head-synth-dir', description: 'the synth output (cdktf.out) after the change' },
    ],
    options: [
      { name: 'format', value: '<format>', description: 'how to print the review', choices: REVIEW_FORMATS, default: 'markdown' },
      {
        name: 'plan',
        value: '<stack>=<plan.json>',
        description: "Terraform's own deletes and replaces in that stack, from `terraform show -json` of its plan; one per stack",
        multiple: true,
      },
      { name: 'max-secret-age', value: '<days>', description: 'flag a generated password (Grafana admin) last rotated longer ago, or never dated', default: '90' },
      { name: 'today', value: '<YYYY-MM-DD>', description: "the day secret ages are counted to, to make a review reproducible (default: today's UTC date)" },
    ],
  },
  {
    name: 'verify',
    summary: 'after a deploy: one trace, metric and log through the stack, followed to every store',
    details:
      'Sends a trace with an error span, a counter with an exemplar and a log record to the OTLP entry point, then checks\n' +
      'the trace store (by trace id), the span metrics and the metric in Prometheus (by exemplar), the log in Loki (by\n' +
      "trace_id), Prometheus's rule groups and its Alertmanager. Endpoints come from the stack's synthesized manifest:\n" +
      "a Docker stack's ports on 127.0.0.1; an AWS stack's Cloud Map names, so run it inside the VPC.\n" +
      'Exit 0 when every hop carries data, 1 naming the first broken hop (or on wrong usage), 2 if an input is unusable.',
    args: [{ name: 'stack', description: 'a synthesized stack, e.g. local or staging' }],
    options: [
      { name: 'synth-dir', value: '<dir>', description: "the synth output holding the stack's manifest", default: 'cdktf.out' },
      { name: 'timeout', value: '<seconds>', description: 'how long each hop may take', default: '90' },
    ],
  },
  {
    name: 'init',
    summary: 'a new infrastructure repository: spec, stacks, package.json, cdktf.json and the review workflow',
    details:
      'Writes into an empty or new directory (a .git folder may be there already) and never through a symbolic link.\n' +
      `Its AWS environment's inputs are placeholders (${PLACEHOLDER}) that synth refuses, naming each, until you replace them.\n` +
      'Exit 0 when written (the next commands are printed), 1 when refused; then nothing is written.',
    args: [{ name: 'dir', description: 'where the repository goes', optional: true, default: '.' }],
    options: [
      { name: 'name', value: '<name>', description: "the spec's name, which prefixes every resource name (default: the directory's name, lowercased)" },
      { name: 'service', value: '<name>', description: "the spec's first service", default: DEFAULT_SERVICE },
      { name: 'env', value: '<name>', description: 'the AWS environment beside the local (Docker) stack', default: DEFAULT_ENVIRONMENT },
      { name: 'force', description: 'write into a non-empty directory, over the files of the same names (others are left alone)' },
    ],
  },
  {
    name: 'help',
    summary: "this overview, or a command's arguments and options (also: o11y <command> --help)",
    args: [{ name: 'command', description: 'the command to explain', optional: true }],
    options: [],
  },
];

/** `o11y` itself, before a command: `o11y --version`, `o11y --help [command]`. */
export const TOP_LEVEL: CommandSpec = {
  name: '',
  summary: 'one spec for your tracing and metrics stack',
  args: [{ name: 'command', description: 'with --help: the command to explain', optional: true }],
  options: [{ name: 'version', short: 'V', description: 'print the version of o11y-stack and exit' }],
};

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Every option a command accepts, `--help` included. */
export function optionsOf(command: CommandSpec): readonly OptionSpec[] {
  return [...command.options, HELP_OPTION];
}

export function invocation(command: CommandSpec): string {
  return command.name ? `o11y ${command.name}` : 'o11y';
}

function argLabel(a: ArgumentSpec): string {
  return a.optional ? `[${a.name}]` : `<${a.name}>`;
}

function valueLabel(o: OptionSpec): string | undefined {
  return o.choices ? o.choices.join('|') : o.value;
}

function optionLabel(o: OptionSpec): string {
  const value = valueLabel(o);
  return `--${o.name}${value ? ` ${value}` : ''}`;
}

/** How the arguments read in a message: `<base-synth-dir> <head-synth-dir>`, or `no arguments`. */
export function argsSynopsis(command: CommandSpec): string {
  return command.args.map(argLabel).join(' ') || 'no arguments';
}

/** `o11y env <service> --stack <stack> [--format dotenv|json|shell] …`. */
export function synopsis(command: CommandSpec): string {
  const parts = [invocation(command), ...command.args.map(argLabel)];
  for (const o of command.options) {
    const label = optionLabel(o);
    parts.push(o.required ? label : `[${label}]${o.multiple ? '...' : ''}`);
  }
  return parts.join(' ');
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

function withDefault(text: string, dflt: string | undefined, extra?: string): string {
  const notes = [extra, dflt !== undefined ? `default: ${dflt}` : undefined].filter(Boolean);
  return notes.length ? `${text} (${notes.join('; ')})` : text;
}

/** What `o11y <command> --help` and `o11y help <command>` print. */
export function commandHelp(command: CommandSpec): string {
  const summary = `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`;
  const sections = [`Usage: ${synopsis(command)}`, command.details ? `${summary}\n${command.details}` : summary];
  if (command.args.length) sections.push(`Arguments:\n${table(command.args.map((a) => [argLabel(a), withDefault(a.description, a.default)]))}`);
  const options = optionsOf(command).map((o): [string, string] => [
    `${o.short ? `-${o.short}, ` : ''}${optionLabel(o)}`,
    withDefault(o.description, o.default, o.required ? 'required' : o.multiple ? 'repeatable' : undefined),
  ]);
  sections.push(`Options:\n${table(options)}`);
  return `${sections.join('\n\n')}\n`;
}

/** What `o11y`, `o11y help` and `o11y --help` print. */
export function overview(): string {
  const lines = COMMANDS.map((c) => `  ${synopsis(c)}\n      ${c.summary}`);
  lines.push('  o11y --version\n      the version of o11y-stack');
  return (
    `o11y: ${TOP_LEVEL.summary}\n\nUsage:\n${lines.join('\n')}\n\n` +
    `Defaults: spec ${DEFAULT_SPEC}, stacks declared by ${DEFAULT_STACKS} (defineStacks).\n` +
    "`o11y <command> --help` lists a command's arguments and options with their defaults.\n"
  );
}
