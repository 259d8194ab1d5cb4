import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
  /** The parsed `cdk.tf.json`. */
  readonly terraform: Readonly<Record<string, unknown>>;
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

export function readSynthOutput(dir: string): SynthOutput {
  const st = statOrUndefined(dir);
  if (!st) throw new ReviewInputError(dir, 'no such directory');
  if (!st.isDirectory()) throw new ReviewInputError(dir, 'not a directory');
  const manifestPath = join(dir, 'manifest.json');
  if (!statOrUndefined(manifestPath)) throw new ReviewInputError(manifestPath, 'not found; expected the output folder of a synth (cdktf.out)');
  const manifest = readJson(manifestPath);
  const entries = manifest && typeof manifest === 'object' ? (manifest as { stacks?: unknown }).stacks : undefined;
  if (!entries || typeof entries !== 'object' || Array.isArray(entries)) throw new ReviewInputError(manifestPath, 'has no "stacks" object; not a cdktf manifest');

  const stacks = new Map<string, StackOutput>();
  for (const id of Object.keys(entries).sort()) {
    const entry = (entries as Record<string, { synthesizedStackPath?: unknown; workingDirectory?: unknown }>)[id];
    const tfPath = typeof entry?.synthesizedStackPath === 'string' ? entry.synthesizedStackPath : `stacks/${id}/cdk.tf.json`;
    const workDir = typeof entry?.workingDirectory === 'string' ? entry.workingDirectory : `stacks/${id}`;
    const file = join(dir, tfPath);
    if (!statOrUndefined(file)) throw new ReviewInputError(file, `not found, though ${manifestPath} lists stack '${id}'`);
    const terraform = readJson(file);
    if (!terraform || typeof terraform !== 'object' || Array.isArray(terraform)) throw new ReviewInputError(file, 'not a Terraform JSON object');
    stacks.set(id, { id, terraform: terraform as Record<string, unknown>, configFiles: listFiles(join(dir, workDir, CONFIG_DIR)) });
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

export function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ReviewInputError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Every file under `root` by `/`-separated relative path, sorted; empty when there is no such folder. */
function listFiles(root: string): Map<string, string> {
  const found: [string, string][] = [];
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else found.push([`${prefix}${e.name}`, join(d, e.name)]);
    }
  };
  if (statOrUndefined(root)?.isDirectory()) walk(root, '');
  return new Map(found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
