/**
 * A command's argv → its arguments and options, by Node's own `util.parseArgs` in strict mode
 * (unknown options, missing values and values given to a switch are refused). Node's messages
 * name its own syntax and suggest `--`; ours name the command's options, in one line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { argsSynopsis, CommandSpec, invocation, OptionSpec, optionsOf, synopsis } from './commands';

/** A user error: printed as one line, exit 1, no stack trace. */
export class UsageError extends Error {}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** `--help` or `-h` was given: the command prints its help and nothing is checked further. */
  readonly help: boolean;
  /** A switch was given. */
  flag(name: string): boolean;
  /** A single-valued option: its value, its default when not given. */
  value(name: string): string | undefined;
  /** A repeatable option: every value, in order. */
  values(name: string): readonly string[];
}

type Options = NonNullable<ParseArgsConfig['options']>;

function takesValue(o: OptionSpec): boolean {
  return o.value !== undefined || o.choices !== undefined;
}

function nodeOptions(options: readonly OptionSpec[]): Options {
  const out: Options = {};
  for (const o of options) {
    out[o.name] = takesValue(o)
      ? { type: 'string', ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}), ...(o.default !== undefined ? { default: o.default } : {}) }
      : { type: 'boolean', ...(o.short ? { short: o.short } : {}) };
  }
  return out;
}

function knownList(options: readonly OptionSpec[]): string {
  return options.map((o) => `--${o.name}`).join(', ');
}

/**
 * Says which argument strict parsing refused: the same argv read leniently gives every token,
 * and the first one that is unknown or lacks its value is the culprit. Node's error codes are
 * stable; its messages are not, so they are not parsed.
 */
function explain(argv: string[], options: readonly OptionSpec[], config: Options, fallback: string): string {
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const o = options.find((x) => x.name === t.name);
    if (!o) return `unknown option ${t.rawName} (known: ${knownList(options)})`;
    // a string option swallows the next argument even when it is another option: `--stack --format json`
    if (takesValue(o) && (t.value === undefined || (!t.inlineValue && t.value.startsWith('-') && t.value !== '-'))) return `--${o.name} needs a value`;
    if (!takesValue(o) && t.value !== undefined) return `--${o.name} takes no value (got ${JSON.stringify(t.value)})`;
  }
  return fallback.split('\n')[0];
}

/** Parses `argv` (what follows the command's name) against the command's table. */
export function parseCommandArgs(command: CommandSpec, argv: string[]): ParsedArgs {
  const options = optionsOf(command);
  const config = nodeOptions(options);
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: config, strict: true, allowPositionals: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(explain(argv, options, config, (e as Error).message));
    throw e;
  }
  const values = parsed.values;
  const result: ParsedArgs = {
    positionals: parsed.positionals,
    help: values.help === true,
    flag: (name) => values[name] === true,
    value: (name) => {
      const v = values[name];
      return typeof v === 'string' ? v : undefined;
    },
    values: (name) => {
      const v = values[name];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
    },
  };
  if (result.help) return result;

  for (const o of options.filter(takesValue)) {
    for (const v of result.values(o.name)) {
      // `--spec=` is a value Node accepts; no option here means anything by an empty one
      if (v === '') throw new UsageError(`--${o.name} needs a value`);
      if (o.choices && !o.choices.includes(v)) throw new UsageError(`--${o.name} must be one of ${o.choices.join(', ')} (got ${JSON.stringify(v)})`);
    }
  }
  const extra = parsed.positionals.slice(command.args.length);
  if (extra.length) {
    throw new UsageError(
      `unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((a) => `'${a}'`).join(', ')} ` +
        `(${invocation(command)} takes ${argsSynopsis(command)}; see ${invocation(command)} --help)\nusage: ${synopsis(command)}`,
    );
  }
  return result;
}
