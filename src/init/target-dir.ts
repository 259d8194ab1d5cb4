import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, Stats, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { issue, Issue, O11yValidationError } from '../spec/issues';

/**
 * A directory may hold these and still count as empty: `git init` (or a clone of an empty
 * repository) before `o11y init` is the usual order.
 */
export const IGNORED_ENTRIES: readonly string[] = ['.git'];

/** What problems are reported under. */
const SUBJECT = 'o11y init';

/** Where the files go, checked: nothing has been written yet. */
export interface TargetPlan {
  /** The directory, absolute. */
  readonly dir: string;
  /** It does not exist yet (it is created, with missing parents). */
  readonly create: boolean;
  /** The files (relative, `/`-separated) that exist and will be overwritten (`--force`). */
  readonly overwrite: readonly string[];
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown}, … ${names.length - 5} more` : shown;
}

/**
 * Checks that `files` can be written into `dir` without following a symbolic link anywhere
 * below `dir` (nor `dir` itself: a link could lead anywhere), and without touching what is
 * there unless `force`: an existing directory must be empty (but for {@link IGNORED_ENTRIES}),
 * and with `force` only regular files of the same names are overwritten. Every problem is
 * reported at once; the caller writes nothing when there is one.
 */
export function planTarget(dirArg: string, files: readonly string[], force: boolean): TargetPlan {
  const dir = resolve(dirArg);
  const st = lstatOrUndefined(dir);
  if (st === undefined) {
    // missing parents are created too; a parent that is a file fails mkdir, reported then
    return { dir, create: true, overwrite: [] };
  }
  if (st.isSymbolicLink()) throw new O11yValidationError(SUBJECT, [issue(dirArg, 'is a symbolic link: o11y init never writes through one; give the directory it points to')]);
  if (!st.isDirectory()) throw new O11yValidationError(SUBJECT, [issue(dirArg, 'exists and is not a directory')]);
  const entries = readdirSync(dir).filter((e) => !IGNORED_ENTRIES.includes(e)).sort();
  if (entries.length > 0 && !force) {
    throw new O11yValidationError(SUBJECT, [issue(dirArg, `is not empty (${list(entries)}): o11y init writes into an empty or new directory; --force writes its files over those of the same names and leaves the rest`)]);
  }

  const issues: Issue[] = [];
  const overwrite: string[] = [];
  // a folder's verdict: a link or a file there is reported once, and nothing below it is looked at
  const folders = new Map<string, boolean>();
  for (const file of files) {
    const parts = file.split('/');
    // every folder on the way, then the file itself
    for (let i = 1; i <= parts.length; i++) {
      const shown = join(dirArg, ...parts.slice(0, i));
      const isFile = i === parts.length;
      if (!isFile && folders.has(shown)) {
        if (folders.get(shown)) continue;
        break;
      }
      const s = lstatOrUndefined(join(dir, ...parts.slice(0, i)));
      if (!isFile) folders.set(shown, s === undefined || (s.isDirectory() && !s.isSymbolicLink()));
      if (s === undefined) break; // nothing below a missing folder exists either
      if (s.isSymbolicLink()) {
        issues.push(issue(shown, 'is a symbolic link: o11y init never writes through one; remove it or choose another directory'));
        break;
      }
      if (!isFile && !s.isDirectory()) {
        issues.push(issue(shown, `is not a directory, and ${file} goes in it`));
        break;
      }
      if (isFile) {
        if (s.isFile()) overwrite.push(file);
        else issues.push(issue(shown, 'exists and is not a regular file: o11y init overwrites files only'));
      }
    }
  }
  if (issues.length) throw new O11yValidationError(SUBJECT, issues);
  return { dir, create: false, overwrite };
}

// where the platform has it, opening refuses a symbolic link that appeared since the check
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Writes the files planned by {@link planTarget}: folders one level at a time (an existing one is
 * checked again, never followed if it became a link), each file opened without following a
 * link, created exclusively unless it was planned to be overwritten.
 */
export function writeFiles(plan: TargetPlan, files: ReadonlyMap<string, string>): void {
  if (plan.create) mkdirSync(plan.dir, { recursive: true });
  for (const [file, content] of files) {
    const parts = file.split('/');
    let folder = plan.dir;
    for (const part of parts.slice(0, -1)) {
      folder = join(folder, part);
      const s = lstatOrUndefined(folder);
      if (s === undefined) mkdirSync(folder);
      else if (s.isSymbolicLink() || !s.isDirectory()) throw new Error(`${folder} changed while o11y init ran (now a link or not a directory); nothing more is written`);
    }
    const path = join(folder, parts[parts.length - 1]);
    const flags = constants.O_WRONLY | constants.O_CREAT | NO_FOLLOW | (plan.overwrite.includes(file) ? constants.O_TRUNC : constants.O_EXCL);
    const fd = openSync(path, flags, 0o644);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  }
}
