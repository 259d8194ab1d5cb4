/**
 * An OpenTelemetry Collector of the deployed release with exactly the components the rendered
 * configs name, built with the Collector Builder (ocb) from the Go module proxy. A config that
 * names a component this table cannot place fails here, before any collector starts.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { VERSIONS } from '../../../src/spec/defaults';
import { cachePath, digest, run } from './cache';

export const COLLECTOR_VERSION = VERSIONS['otel-collector'].tag;

export type CollectorKind = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';
export const COLLECTOR_KINDS: readonly CollectorKind[] = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];

const CORE = 'go.opentelemetry.io/collector';
const CONTRIB = 'github.com/open-telemetry/opentelemetry-collector-contrib';

/**
 * Component type → Go module, for the types our renderers may write (the snake_case names of
 * current releases). Extend it when a renderer starts using a new component.
 */
export const COLLECTOR_MODULES: Readonly<Record<CollectorKind, Readonly<Record<string, string>>>> = {
  receivers: { otlp: `${CORE}/receiver/otlpreceiver` },
  processors: {
    memory_limiter: `${CORE}/processor/memorylimiterprocessor`,
    batch: `${CORE}/processor/batchprocessor`,
    tail_sampling: `${CONTRIB}/processor/tailsamplingprocessor`,
    resource: `${CONTRIB}/processor/resourceprocessor`,
  },
  exporters: {
    otlp_grpc: `${CORE}/exporter/otlpexporter`,
    otlp_http: `${CORE}/exporter/otlphttpexporter`,
    debug: `${CORE}/exporter/debugexporter`,
    file: `${CONTRIB}/exporter/fileexporter`,
    prometheus_remote_write: `${CONTRIB}/exporter/prometheusremotewriteexporter`,
    load_balancing: `${CONTRIB}/exporter/loadbalancingexporter`,
  },
  connectors: {
    span_metrics: `${CONTRIB}/connector/spanmetricsconnector`,
    service_graph: `${CONTRIB}/connector/servicegraphconnector`,
  },
  extensions: {
    health_check: `${CONTRIB}/extension/healthcheckextension`,
    // the exporters' persistent queues (file_storage/queue)
    file_storage: `${CONTRIB}/extension/storage/filestorage`,
  },
};

/**
 * Modules the proxy serves but the checksum database has no record of (its lookup answers 404):
 * verified by the proxy's download only. Kept to the one known case.
 */
const NO_SUMDB = [`${CONTRIB}/connector/servicegraphconnector`];

/** The component types a collector config names, by kind (`otlp_grpc/traces` → `otlp_grpc`). */
export function componentTypes(configYaml: string): Record<CollectorKind, string[]> {
  const config = (parse(configYaml) ?? {}) as Partial<Record<CollectorKind, Record<string, unknown>>>;
  return Object.fromEntries(
    COLLECTOR_KINDS.map((kind) => [kind, [...new Set(Object.keys(config[kind] ?? {}).map((id) => id.split('/')[0]))].sort()]),
  ) as Record<CollectorKind, string[]>;
}

/** The union of the component types of several configs. */
export function unionTypes(all: readonly Record<CollectorKind, string[]>[]): Record<CollectorKind, string[]> {
  return Object.fromEntries(COLLECTOR_KINDS.map((k) => [k, [...new Set(all.flatMap((t) => t[k]))].sort()])) as Record<CollectorKind, string[]>;
}

/** The builder manifest for these types; throws naming every type it has no module for. */
export function builderManifest(types: Record<CollectorKind, string[]>, outputPath: string): string {
  const missing: string[] = [];
  const lines = [
    'dist:',
    '  name: otelcol-o11y',
    `  description: o11y-stack live-test collector (contrib components of ${COLLECTOR_VERSION})`,
    `  output_path: ${outputPath}`,
    `  version: ${COLLECTOR_VERSION}`,
  ];
  for (const kind of COLLECTOR_KINDS) {
    if (types[kind].length === 0) continue;
    lines.push(`${kind}:`);
    for (const t of types[kind]) {
      const mod = COLLECTOR_MODULES[kind][t];
      if (!mod) missing.push(`${kind}.${t}`);
      else lines.push(`  - gomod: ${mod} v${COLLECTOR_VERSION}`);
    }
  }
  if (missing.length) {
    throw new Error(`the collector build has no module for ${missing.join(', ')}: add it to COLLECTOR_MODULES (test/live/support/collector-build.ts)`);
  }
  return `${lines.join('\n')}\n`;
}

export interface CollectorBuild {
  readonly binary: string;
  readonly manifest: string;
  readonly dir: string;
}

function collectorDir(manifestWithoutPath: string): string {
  return cachePath('otelcol', `${COLLECTOR_VERSION}-${digest(manifestWithoutPath)}`);
}

/** Where the collector for these types is (or will be) built. */
export function collectorBuildFor(types: Record<CollectorKind, string[]>): CollectorBuild {
  const dir = collectorDir(builderManifest(types, '.'));
  return { dir, binary: join(dir, 'otelcol-o11y'), manifest: builderManifest(types, dir) };
}

/** Builds (or reuses) the collector for these component types. */
export async function buildCollector(types: Record<CollectorKind, string[]>): Promise<CollectorBuild> {
  const build = collectorBuildFor(types);
  if (existsSync(join(build.dir, 'done'))) return build;
  const builderDir = cachePath('go', `ocb@v${COLLECTOR_VERSION}`);
  const builder = join(builderDir, 'builder');
  const logFile = cachePath('otelcol', `${COLLECTOR_VERSION}-build.log`);
  if (!existsSync(builder)) {
    mkdirSync(builderDir, { recursive: true });
    await run('go', ['install', `go.opentelemetry.io/collector/cmd/builder@v${COLLECTOR_VERSION}`], { env: { ...process.env, GOBIN: builderDir }, logFile });
  }
  const work = `${build.dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // the builder writes sources and the binary into output_path: build in a scratch dir, then move
  const manifest = builderManifest(types, work);
  writeFileSync(join(work, 'manifest.yaml'), manifest);
  await run(builder, ['--config', join(work, 'manifest.yaml')], { env: { ...process.env, CGO_ENABLED: '0', GONOSUMDB: NO_SUMDB.join(',') }, logFile });
  writeFileSync(join(work, 'done'), manifest);
  rmSync(build.dir, { recursive: true, force: true });
  renameSync(work, build.dir);
  return build;
}
