import type { ParsedArgs } from './args';

/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
}

/** What a command does with its parsed arguments: its exit code, or a promise of it (`verify`). */
export type Action = (args: ParsedArgs, io: Io) => number | Promise<number>;
