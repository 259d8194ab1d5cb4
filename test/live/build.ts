/**
 * `npm run build:live`: builds (or reuses from the cache) every binary the live tests run, at
 * the versions the stacks deploy, and prints what it has. Go builds from the Go module proxy;
 * nothing is written into the repository.
 */
import { VERSIONS } from '../../src/spec/defaults';
import { goBuild, LIVE_BUILDS } from './support/binaries';
import { CACHE_DIR } from './support/cache';
import { COLLECTOR_VERSION } from './support/collector-build';
import { buildLiveCollector, liveCollectorTypes } from './support/live-plans';
import { buildSdkServices } from './support/sdk-services';
import { buildTools } from './support/tools';

async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const r = await f();
  process.stdout.write(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return r;
}

async function main(): Promise<void> {
  process.stdout.write(`cache: ${CACHE_DIR}\n`);
  for (const [name, b] of Object.entries(LIVE_BUILDS)) {
    const bins = await timed(`${name} ${b.module}@${b.version}`, () => goBuild(b));
    for (const [bin, path] of Object.entries(bins)) process.stdout.write(`  ${bin} → ${path}\n`);
  }
  const types = liveCollectorTypes();
  const collector = await timed(`otel-collector ${COLLECTOR_VERSION} (image ${VERSIONS['otel-collector'].repository}:${VERSIONS['otel-collector'].tag})`, buildLiveCollector);
  process.stdout.write(`  components: ${Object.entries(types).map(([k, v]) => `${k} [${v.join(', ')}]`).join('; ')}\n  otelcol-o11y → ${collector.binary}\n`);
  await timed('SDK services (Go build, Python venv)', buildSdkServices);
  await timed('tools (compose-check on compose-go)', buildTools);
}

main().catch((e) => {
  process.stderr.write(`build:live failed: ${(e as Error).message}\n`);
  process.exit(1);
});
