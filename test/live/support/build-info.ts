/**
 * What a Go binary was built from, as Go itself recorded it (`go version -m`): the main package,
 * its module and every dependency module, each with its version, checksum and replacement. The
 * live tests compare these with the version table, not the version string a build stamps with
 * `-ldflags` (that only echoes the constant it was given).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
  /** The go.sum hash (`h1:…`) the module was verified against; absent for a local directory. */
  readonly sum?: string;
  /** `=> path version` when a replace directive swapped the module's source. */
  readonly replacedBy?: { readonly path: string; readonly version: string };
}

export interface BuildInfo {
  /** The main package (`path` line). */
  readonly path: string;
  /** The module the main package came from (`mod` line). */
  readonly main: ModuleVersion;
  /** Every dependency module, by module path (`dep` lines). */
  readonly deps: ReadonlyMap<string, ModuleVersion>;
}

/** Parses the output of `go version -m <binary>`. */
export function parseBuildInfo(text: string): BuildInfo {
  let path = '';
  let main: ModuleVersion | undefined;
  const deps = new Map<string, ModuleVersion>();
  let last: { kind: 'mod' | 'dep'; m: ModuleVersion } | undefined;
  for (const line of text.split('\n')) {
    const [kind, p, version, sum] = line.trim().split('\t');
    if (kind === 'path') path = p;
    else if (kind === 'mod' || kind === 'dep') {
      last = { kind, m: { path: p, version, ...(sum ? { sum } : {}) } };
      if (kind === 'mod') main = last.m;
      else deps.set(p, last.m);
    } else if (kind === '=>' && last) {
      const m = { ...last.m, replacedBy: { path: p, version } };
      if (last.kind === 'mod') main = m;
      else deps.set(m.path, m);
      last = undefined;
    }
  }
  if (!path || !main) throw new Error(`go version -m printed no path/mod line:\n${text.slice(0, 500)}`);
  return { path, main, deps };
}

export async function buildInfo(binary: string): Promise<BuildInfo> {
  const { stdout } = await promisify(execFile)('go', ['version', '-m', binary], { encoding: 'utf8' });
  return parseBuildInfo(stdout);
}

/**
 * The Go checksum (`h1:`, golang.org/x/mod/sumdb/dirhash Hash1) of a module's source tree as
 * its zip would hold it: the sha256 of the sorted lines `<sha256 hex>  <module>@<version>/<file>`.
 * For a build that compiled a copy of the module (with generated files added, which `skip`
 * names), this proves the copy is the released source.
 */
export function moduleHash(dir: string, module: string, version: string, skip: readonly string[] = []): string {
  const files = (function walk(d: string, prefix: string): string[] {
    return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
  })(dir, '').filter((f) => !skip.includes(f));
  const names = files.map((f) => ({ f, name: `${module}@${version}/${f}` })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const summary = names.map(({ f, name }) => `${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}  ${name}\n`).join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}
