/**
 * The real components at the deployed versions, built from the Go module proxy into the cache
 * (src/spec/defaults.ts VERSIONS says which module version is which image). Each build lives
 * in its own directory named by module, version and recipe digest, and is reused while those
 * stay the same. Grafana, Tempo and Loki are AGPL: they are never built here.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { GoBuild, TEST_TOOLS, VERSIONS } from '../../../src/spec/defaults';
import { cachePath, digest, run } from './cache';

/** The Go the builds need: the machine's (go.mod of the wrapper says which language version). */
const GO_LANGUAGE = '1.26';

function wrapperGoMod(b: GoBuild): string {
  const replaces = Object.entries(b.replace ?? {}).map(([from, to]) => `replace ${from} => ${to}\n`);
  return `module o11y-stack.local/build\n\ngo ${GO_LANGUAGE}\n\n${replaces.join('')}`;
}

/** The cached build of `b`: `bin/`, the wrapper's go.mod and go.sum, and `module/` for a build with generated files. */
export function buildDir(b: GoBuild): string {
  const name = b.module.split('/').slice(-2).join('-');
  return cachePath('go', `${name}@${b.version}-${digest(wrapperGoMod(b), JSON.stringify(b.packages), b.ldflags ?? '', ...(b.generatedFiles ? [JSON.stringify(b.generatedFiles)] : []))}`);
}

/** The binaries of a build, by name → absolute path (they exist once `goBuild` resolved). */
export function binariesOf(b: GoBuild): Record<string, string> {
  const dir = buildDir(b);
  return Object.fromEntries(Object.values(b.packages).map((bin) => [bin, join(dir, 'bin', bin)]));
}

export function isBuilt(b: GoBuild): boolean {
  return existsSync(join(buildDir(b), 'done'));
}

/**
 * Builds the packages of `module@version` in a throwaway wrapper module (`go get -tool`, then
 * `go build`): the same source and dependency versions `go install pkg@version` would use,
 * and it works for modules with replace directives too.
 */
export async function goBuild(b: GoBuild, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const dir = buildDir(b);
  if (isBuilt(b)) return binariesOf(b);
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'bin'), { recursive: true });
  writeFileSync(join(work, 'go.mod'), wrapperGoMod(b));
  const logFile = join(work, 'build.log');
  const pkgs = Object.keys(b.packages).map((p) => (p === '.' ? b.module : `${b.module}/${p}`));
  const goEnv = { ...env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };
  await run('go', ['get', '-tool', ...pkgs.map((p) => `${p}@${b.version}`)], { cwd: work, env: goEnv, logFile });
  if (b.generatedFiles) await withGeneratedFiles(b, b.generatedFiles, work, goEnv, logFile);
  for (const [pkg, bin] of Object.entries(b.packages)) {
    const path = pkg === '.' ? b.module : `${b.module}/${pkg}`;
    await run('go', ['build', '-trimpath', ...(b.ldflags ? ['-ldflags', b.ldflags] : []), '-o', join('bin', bin), path], { cwd: work, env: goEnv, logFile });
  }
  writeFileSync(join(work, 'done'), `${b.module}@${b.version}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return binariesOf(b);
}

/**
 * Copies the module out of the read-only module cache into the wrapper, adds the files its
 * release generates (Go refuses an -overlay beneath GOMODCACHE), and points the wrapper at the copy.
 */
async function withGeneratedFiles(b: GoBuild, files: Readonly<Record<string, string>>, work: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  await run('go', ['mod', 'download', `${b.module}@${b.version}`], { cwd: work, env, logFile });
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `${b.module}@${b.version}`], { cwd: work, env });
  const source = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!source) throw new Error(`go mod download named no directory for ${b.module}@${b.version}`);
  const copy = join(work, 'module');
  cpSync(source, copy, { recursive: true });
  makeWritable(copy);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(copy, path)), { recursive: true });
    writeFileSync(join(copy, path), content);
  }
  appendFileSync(join(work, 'go.mod'), `\nreplace ${b.module} => ./module\n`);
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) makeWritable(p);
    else chmodSync(p, 0o644);
  }
}

/** Every Go build the live tests use besides the collector (which is built from the configs). */
export const LIVE_BUILDS = {
  prometheus: VERSIONS.prometheus.build,
  jaeger: VERSIONS.jaeger.build,
  telemetrygen: TEST_TOOLS.telemetrygen,
  alertmanager: VERSIONS.alertmanager.build,
} as const;

/** The path of a built binary; throws, naming the command that builds it, when it is missing. */
export function binary(build: keyof typeof LIVE_BUILDS, name: string): string {
  const b: GoBuild = LIVE_BUILDS[build];
  if (!isBuilt(b)) throw new Error(`${b.module}@${b.version} is not built: run \`npm run build:live\` first`);
  const path = binariesOf(b)[name];
  if (!path) throw new Error(`${b.module}@${b.version} builds no binary named ${name}`);
  return path;
}
