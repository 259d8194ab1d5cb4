/**
 * The real components at the deployed versions, built from the Go module proxy into the cache
 * (src/spec/defaults.ts VERSIONS says which module version is which image). Each build lives
 * in its own directory named by module, version and recipe digest, and is reused while those
 * stay the same. Grafana, Tempo and Loki are AGPL: they are never built here.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoBuild, TEST_TOOLS, VERSIONS } from '../../../src/spec/defaults';
import { cachePath, digest, run } from './cache';

/** The Go the builds need: the machine's (go.mod of the wrapper says which language version). */
const GO_LANGUAGE = '1.26';

function wrapperGoMod(b: GoBuild): string {
  const replaces = Object.entries(b.replace ?? {}).map(([from, to]) => `replace ${from} => ${to}\n`);
  return `module o11y-stack.local/build\n\ngo ${GO_LANGUAGE}\n\n${replaces.join('')}`;
}

function buildDir(b: GoBuild): string {
  const name = b.module.split('/').slice(-2).join('-');
  return cachePath('go', `${name}@${b.version}-${digest(wrapperGoMod(b), JSON.stringify(b.packages), b.ldflags ?? '')}`);
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
  for (const [pkg, bin] of Object.entries(b.packages)) {
    const path = pkg === '.' ? b.module : `${b.module}/${pkg}`;
    await run('go', ['build', '-trimpath', ...(b.ldflags ? ['-ldflags', b.ldflags] : []), '-o', join('bin', bin), path], { cwd: work, env: goEnv, logFile });
  }
  writeFileSync(join(work, 'done'), `${b.module}@${b.version}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return binariesOf(b);
}

/** Every Go build the live tests use besides the collector (which is built from the configs). */
export const LIVE_BUILDS = {
  prometheus: VERSIONS.prometheus.build,
  jaeger: VERSIONS.jaeger.build,
  telemetrygen: TEST_TOOLS.telemetrygen,
} as const;

/** The path of a built binary; throws, naming the command that builds it, when it is missing. */
export function binary(build: keyof typeof LIVE_BUILDS, name: string): string {
  const b: GoBuild = LIVE_BUILDS[build];
  if (!isBuilt(b)) throw new Error(`${b.module}@${b.version} is not built: run \`npm run build:live\` first`);
  const path = binariesOf(b)[name];
  if (!path) throw new Error(`${b.module}@${b.version} builds no binary named ${name}`);
  return path;
}
