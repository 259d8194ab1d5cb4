import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * One side of a review: a `cdktf.out` folder as `cdktf synth` / `npm run synth` writes it.
 * `manifest.json` names the stacks; each stack has its Terraform JSON and, beside it, the
 * `config/` folder with every rendered config (src/targets/rendered-files.ts).
 */
export interface SynthOutput {
  readonly dir: string;
  /** By stack id, sorted. */
  readonly stacks: ReadonlyMap<string, StackOutput>;
}

export interface StackOutput {
  readonly id: string;
  /** The stack's `cdk.tf.json`, checked; read (./terraform-file.ts) only when the review reaches the stack. */
  readonly terraformFile: string;
  /** `config/<path>` → file path on disk, sorted; read only when the two sides differ. */
  readonly configFiles: ReadonlyMap<string, string>;
}

/** An input the review cannot use: its message names the path and the problem. */
export class ReviewInputError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

const CONFIG_DIR = 'config';
/** No file of a synth output is this large (the biggest Terraform JSON of 1000 services is a few MiB). */
export const MAX_REVIEW_FILE_BYTES = 64 * 2 ** 20;

/**
 * A file the review may read: inside the synth folder once every link is resolved, a regular
 * file (not a device, FIFO or socket), and of a sane size. Synth folders come from pull
 * requests: a link to /etc or /dev/zero is data to refuse, never to follow.
 */
function checkedFile(root: string, path: string, realRoot = realpathSync(root)): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    throw new ReviewInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || rel.startsWith(sep)) throw new ReviewInputError(path, `is a link to ${real}, outside the synth folder ${root}; refused`);
  if (!statSync(real).isFile()) throw new ReviewInputError(path, 'is not a regular file; refused');
  return sizeChecked(path);
}

/** `path` (a folder) once every link in it is resolved lies inside the synth folder, else refused. */
function insideRoot(root: string, path: string, realRoot: string): string {
  const real = realpathSync(path);
  const rel = relative(realRoot, real);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new ReviewInputError(path, `is a link to ${real}, outside the synth folder ${root}; refused`);
  return path;
}

/** A regular file (the caller knows it is one): refused above the size limit. */
function sizeChecked(path: string): string {
  const size = statSync(path).size;
  if (size > MAX_REVIEW_FILE_BYTES) throw new ReviewInputError(path, `is ${size} bytes, more than any synth output file (${MAX_REVIEW_FILE_BYTES}); refused`);
  return path;
}

export function readSynthOutput(dir: string): SynthOutput {
  const st = statOrUndefined(dir);
  if (!st) throw new ReviewInputError(dir, 'no such directory');
  if (!st.isDirectory()) throw new ReviewInputError(dir, 'not a directory');
  const manifestPath = join(dir, 'manifest.json');
  if (!statOrUndefined(manifestPath)) throw new ReviewInputError(manifestPath, 'not found; expected the output folder of a synth (cdktf.out)');
  const manifest = readJson(checkedFile(dir, manifestPath));
  const entries = manifest && typeof manifest === 'object' ? (manifest as { stacks?: unknown }).stacks : undefined;
  if (!entries || typeof entries !== 'object' || Array.isArray(entries)) throw new ReviewInputError(manifestPath, 'has no "stacks" object; not a cdktf manifest');

  const stacks = new Map<string, StackOutput>();
  for (const id of Object.keys(entries).sort()) {
    const entry = (entries as Record<string, { synthesizedStackPath?: unknown; workingDirectory?: unknown }>)[id];
    const tfPath = typeof entry?.synthesizedStackPath === 'string' ? entry.synthesizedStackPath : `stacks/${id}/cdk.tf.json`;
    const workDir = typeof entry?.workingDirectory === 'string' ? entry.workingDirectory : `stacks/${id}`;
    const file = join(dir, tfPath);
    if (!statOrUndefined(file)) throw new ReviewInputError(file, `not found, though ${manifestPath} lists stack '${id}'`);
    stacks.set(id, { id, terraformFile: checkedFile(dir, file), configFiles: listFiles(dir, join(dir, workDir, CONFIG_DIR)) });
  }
  return { dir, stacks };
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A stack's `cdk.tf.json`, parsed; `bytes` when the caller has read them already. */
export function readTerraform(path: string, bytes: Buffer = readBytes(path)): Record<string, unknown> {
  let terraform: unknown;
  try {
    terraform = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ReviewInputError(path, 'not valid JSON');
  }
  if (!terraform || typeof terraform !== 'object' || Array.isArray(terraform)) throw new ReviewInputError(path, 'not a Terraform JSON object');
  return terraform as Record<string, unknown>;
}

function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch {
    throw new ReviewInputError(path, 'not valid JSON');
  }
}

export function readText(path: string): string {
  return readBytes(path).toString('utf8');
}

/**
 * A file's bytes, refused when it is no regular file or larger than MAX_REVIEW_FILE_BYTES. The
 * size comes from the open file (one fstat, which reading needs anyway), so the folder walk
 * needs no stat per file. Opened non-blocking: a FIFO put in place of a file is refused, not waited on.
 */
export function readBytes(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new ReviewInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ReviewInputError(path, 'is not a regular file; refused');
    if (st.size > MAX_REVIEW_FILE_BYTES) throw new ReviewInputError(path, `is ${st.size} bytes, more than any synth output file (${MAX_REVIEW_FILE_BYTES}); refused`);
    const bytes = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, bytes, read, st.size - read, read);
      if (n === 0) break; // shrunk since fstat
      read += n;
    }
    return read === st.size ? bytes : bytes.subarray(0, read);
  } catch (e) {
    if (e instanceof ReviewInputError) throw e;
    throw new ReviewInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Every file under `root` by `/`-separated relative path, sorted; empty when there is no such
 * folder. A plain file found by walking real folders down from the synth folder lies inside
 * it: nothing is checked now (readBytes checks its size when it is read). Links and special
 * files get the whole check (8000 files of a 1000-service synth would otherwise cost a
 * realpath, one lstat per path component, each).
 */
function listFiles(synthDir: string, root: string): Map<string, string> {
  const found: [string, string][] = [];
  const realRoot = realpathSync(synthDir);
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      // a linked folder is not walked: its files are checked like any other link
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else if (e.isFile()) found.push([`${prefix}${e.name}`, join(d, e.name)]);
      else found.push([`${prefix}${e.name}`, checkedFile(synthDir, join(d, e.name), realRoot)]);
    }
  };
  if (statOrUndefined(root)?.isDirectory()) walk(insideRoot(synthDir, root, realRoot), '');
  return new Map(found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
