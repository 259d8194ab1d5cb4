/**
 * `npm run build:deploy [part…]`: builds (or reuses from the version-keyed cache) what the deploy
 * tests need beyond `npm run build:live`: the Terraform providers the stacks pin, from the Go
 * module proxy; the AGPL stand-in; Docker Compose v2 as a CLI plugin. Parts: random, docker, aws,
 * stand-in, compose (default: all). `.ci/run` starts `build:deploy aws` first, in the background:
 * the AWS provider is the slowest build of all (about an hour on a loaded 2-core machine).
 */
import { goBuild } from '../live/support/binaries';
import { CACHE_DIR } from '../live/support/cache';
import { COMPOSE_BUILD } from './support/compose';
import { buildStandIn } from './support/images';
import { buildProvider, ProviderName, PROVIDERS } from './support/providers';

const PARTS = ['random', 'docker', 'aws', 'stand-in', 'compose'] as const;
type Part = (typeof PARTS)[number];

async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const r = await f();
  process.stdout.write(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return r;
}

async function build(part: Part): Promise<void> {
  if (part === 'stand-in') {
    const bin = await timed('stand-in (test/deploy/stand-in)', buildStandIn);
    process.stdout.write(`  → ${bin}\n`);
  } else if (part === 'compose') {
    const bins = await timed(`docker compose ${COMPOSE_BUILD.version}`, () => goBuild(COMPOSE_BUILD));
    process.stdout.write(`  → ${Object.values(bins).join(', ')}\n`);
  } else {
    const p = PROVIDERS[part as ProviderName];
    const bin = await timed(`${p.source} ${p.pinned} ← ${p.module}@${p.version}`, () => buildProvider(p));
    process.stdout.write(`  → ${bin}\n`);
  }
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(PARTS as readonly string[]).includes(a));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  process.stdout.write(`cache: ${CACHE_DIR}\n`);
  for (const part of (asked.length ? asked : PARTS) as Part[]) await build(part);
}

main().catch((e) => {
  process.stderr.write(`build:deploy failed: ${(e as Error).message}\n`);
  process.exit(1);
});
