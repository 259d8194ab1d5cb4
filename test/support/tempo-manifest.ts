/**
 * Checks a tempo.yaml against Tempo 3.0.3's manifest (`/work/shared/reference/tempo-3.0.3-manifest.yaml`,
 * the full default configuration printed by v3.0.3). Tempo parses its config strictly: a key it
 * does not know stops it at start-up, so every key path we render must exist in the manifest.
 *
 * The manifest omits keys whose default is empty (Go `omitempty` on a zero value, or an empty
 * map/list). Those few are allowed only through ALLOWED_ABSENT_KEYS, each with the upstream
 * source that documents it and a check of its own contents.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const TEMPO_MANIFEST_FILE = '/work/shared/reference/tempo-3.0.3-manifest.yaml';

export function loadTempoManifest(file: string = TEMPO_MANIFEST_FILE): Record<string, unknown> {
  const manifest: unknown = parse(readFileSync(file, 'utf8'));
  if (!isMap(manifest)) throw new Error(`${file} is not a YAML mapping`);
  return manifest;
}

/**
 * Top-level sections of Tempo 2.x that 3.0 removed. grafana/tempo docs/sources/tempo/release-notes/v3-0.md:
 * "Removed configuration sections: `ingester`, `ingester_client`, `compactor`, `metrics_generator_client`."
 */
export const TEMPO_2X_SECTIONS = ['ingester', 'ingester_client', 'compactor', 'metrics_generator_client'] as const;

/** A key path the manifest omits because its default is empty, with its own content check. */
export interface AllowedAbsentKey {
  /** Dotted key path; list indices are not part of it. */
  readonly path: string;
  /** Where upstream documents the key (repository@commit:path and the line that proves it). */
  readonly documentedAt: string;
  /** Problems in the value found at `path` (`at` is the full path, with indices). */
  check(value: unknown, at: string): string[];
}

/** Prometheus label names: `[a-zA-Z_][a-zA-Z0-9_]*` (prometheus/common model/labels.go, LabelNameRE). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The keys of one `remote_write` entry in Prometheus' configuration: RemoteWriteConfig
 * (prometheus/prometheus@6dc464f2:config/config.go) plus the HTTPClientConfig it inlines
 * (prometheus/common config/http_config.go, with ProxyConfig inlined there).
 */
export const PROMETHEUS_REMOTE_WRITE_KEYS: readonly string[] = [
  // RemoteWriteConfig
  'url', 'remote_timeout', 'headers', 'write_relabel_configs', 'name', 'send_exemplars', 'send_native_histograms',
  'round_robin_dns', 'protobuf_message', 'queue_config', 'metadata_config', 'sigv4', 'azuread', 'google_iam',
  // HTTPClientConfig (`yaml:",inline"`)
  'basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'tls_config', 'follow_redirects',
  'enable_http2', 'http_headers',
  // ProxyConfig (`yaml:",inline"` in HTTPClientConfig)
  'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header',
];

/**
 * Metrics-generator processor names valid in 3.0: grafana/tempo modules/generator/processor/processor_names.go
 * names "span-metrics", "service-graphs", "host-info" and "local-blocks"; the last is removed in 3.0
 * (docs/sources/tempo/set-up-for-tracing/setup-tempo/migrate-to-3.md: "The `local-blocks` processor has been removed").
 */
export const TEMPO_3_PROCESSORS: readonly string[] = ['service-graphs', 'span-metrics', 'host-info'];

/** `host:port` for a listener (the OTel collector's confignet endpoint). */
const ENDPOINT = /^[^\s:/]*:\d{1,5}$/;

export const ALLOWED_ABSENT_KEYS: readonly AllowedAbsentKey[] = [
  {
    path: 'stream_over_http_enabled',
    documentedAt:
      'grafana/tempo@6813dba9:cmd/tempo/app/config.go: `StreamOverHTTPEnabled bool yaml:"stream_over_http_enabled,omitempty"` (default false, so omitted); ' +
      'set in the 3.0 single-binary example grafana/tempo@025cca98:example/docker-compose/single-binary/tempo.yaml',
    check: (v, at) => (typeof v === 'boolean' ? [] : [`${at}: expected a boolean, got ${describe(v)}`]),
  },
  {
    path: 'distributor.receivers',
    documentedAt:
      'grafana/tempo@0db77717:modules/distributor/config.go: `Receivers map[string]interface{} yaml:"receivers"`, "equivalent in format to the receiver node in the otel collector" (manifest default `{}`); ' +
      'the OTLP receiver\'s keys: open-telemetry/opentelemetry-collector@291aa003:receiver/otlpreceiver/config.go (`protocols` → `grpc`, `http`, each a server config with `endpoint`)',
    check: checkReceivers,
  },
  {
    path: 'metrics_generator.registry.external_labels',
    documentedAt: 'grafana/tempo@029f160f:modules/generator/registry/config.go: `ExternalLabels map[string]string yaml:"external_labels,omitempty"`',
    check: (v, at) => {
      if (!isMap(v)) return [`${at}: expected a map of label names to strings, got ${describe(v)}`];
      return Object.entries(v).flatMap(([name, value]) => [
        ...(LABEL_NAME.test(name) && !name.startsWith('__') ? [] : [`${at}.${name}: not a valid Prometheus label name`]),
        ...(typeof value === 'string' ? [] : [`${at}.${name}: expected a string, got ${describe(value)}`]),
      ]);
    },
  },
  {
    path: 'metrics_generator.storage.remote_write',
    documentedAt:
      'grafana/tempo@2ac2622c:modules/generator/storage/config.go: `RemoteWrite []prometheus_config.RemoteWriteConfig yaml:"remote_write,omitempty"` ("Prometheus remote write config"); ' +
      'entry keys from prometheus/prometheus@6dc464f2:config/config.go RemoteWriteConfig',
    check: checkRemoteWrite,
  },
  {
    path: 'overrides.defaults.metrics_generator.processors',
    documentedAt: 'grafana/tempo@b1c18097:modules/overrides/config.go MetricsGeneratorOverrides: `Processors listtomap.ListToMap yaml:"processors,omitempty"`',
    check: (v, at) => {
      if (!Array.isArray(v)) return [`${at}: expected a list of processor names, got ${describe(v)}`];
      return [
        ...v.flatMap((p, i) => (typeof p === 'string' && TEMPO_3_PROCESSORS.includes(p) ? [] : [`${at}[${i}]: ${describe(p)} is not a Tempo 3.0 processor (${TEMPO_3_PROCESSORS.join(', ')})`])),
        ...(new Set(v).size === v.length ? [] : [`${at}: lists a processor twice`]),
      ];
    },
  },
  {
    path: 'overrides.defaults.metrics_generator.trace_id_label_name',
    documentedAt:
      'grafana/tempo@b1c18097:modules/overrides/config.go MetricsGeneratorOverrides: `TraceIDLabelName string yaml:"trace_id_label_name,omitempty"` ' +
      '("the label name for trace ID in exemplars (default: \\"traceID\\")" in later versions of the same file)',
    check: (v, at) => (typeof v === 'string' && LABEL_NAME.test(v) ? [] : [`${at}: expected a Prometheus label name, got ${describe(v)}`]),
  },
];

function checkReceivers(v: unknown, at: string): string[] {
  if (!isMap(v)) return [`${at}: expected a map of receivers, got ${describe(v)}`];
  const problems: string[] = [];
  for (const [receiver, config] of Object.entries(v)) {
    if (receiver !== 'otlp') {
      problems.push(`${at}.${receiver}: not an allow-listed receiver (only otlp is)`);
      continue;
    }
    if (!isMap(config)) {
      problems.push(`${at}.otlp: expected a mapping, got ${describe(config)}`);
      continue;
    }
    for (const k of Object.keys(config)) if (k !== 'protocols') problems.push(`${at}.otlp.${k}: not a key of the OTLP receiver`);
    const protocols = config.protocols;
    if (!isMap(protocols)) {
      problems.push(`${at}.otlp.protocols: expected a mapping of grpc/http, got ${describe(protocols)}`);
      continue;
    }
    for (const [protocol, server] of Object.entries(protocols)) {
      const p = `${at}.otlp.protocols.${protocol}`;
      if (protocol !== 'grpc' && protocol !== 'http') {
        problems.push(`${p}: not an OTLP protocol (grpc, http)`);
      } else if (server !== null) {
        if (!isMap(server)) {
          problems.push(`${p}: expected a mapping, got ${describe(server)}`);
          continue;
        }
        for (const [k, value] of Object.entries(server)) {
          if (k !== 'endpoint') problems.push(`${p}.${k}: not an allow-listed key of the OTLP ${protocol} server (only endpoint is)`);
          else if (typeof value !== 'string' || !ENDPOINT.test(value)) problems.push(`${p}.endpoint: expected host:port, got ${describe(value)}`);
        }
      }
    }
  }
  return problems;
}

function checkRemoteWrite(v: unknown, at: string): string[] {
  if (!Array.isArray(v)) return [`${at}: expected a list of Prometheus remote_write configs, got ${describe(v)}`];
  return v.flatMap((entry, i) => {
    const p = `${at}[${i}]`;
    if (!isMap(entry)) return [`${p}: expected a mapping, got ${describe(entry)}`];
    const problems = Object.keys(entry)
      .filter((k) => !PROMETHEUS_REMOTE_WRITE_KEYS.includes(k))
      .map((k) => `${p}.${k}: not a Prometheus remote_write key`);
    const url = entry.url;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+/.test(url)) problems.push(`${p}.url: expected an http(s) URL, got ${describe(url)}`);
    if ('send_exemplars' in entry && typeof entry.send_exemplars !== 'boolean') problems.push(`${p}.send_exemplars: expected a boolean, got ${describe(entry.send_exemplars)}`);
    return problems;
  });
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isMap(v)) return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The shape a manifest value stands for: a scalar's JS type, or mapping/list. */
function kind(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (isMap(v)) return 'mapping';
  return typeof v;
}

const ABSENT = Symbol('absent from the manifest');
type ManifestNode = unknown | typeof ABSENT;

/**
 * Every problem with a Tempo config (parsed tempo.yaml) measured against the manifest: key
 * paths the manifest lacks and that are not allow-listed, Tempo 2.x sections, and scalars
 * whose type differs from the manifest's default. Empty means every key is known to 3.0.3.
 */
export function tempoConfigProblems(
  config: unknown,
  manifest: Record<string, unknown>,
  allowList: readonly AllowedAbsentKey[] = ALLOWED_ABSENT_KEYS,
): string[] {
  if (!isMap(config)) return [`tempo.yaml: expected a mapping at the top, got ${describe(config)}`];
  const allowed = new Map(allowList.map((a) => [a.path, a]));
  const problems: string[] = [];

  const walk = (value: unknown, m: ManifestNode, keyPath: string, at: string): void => {
    const allow = allowed.get(keyPath);
    if (allow) {
      problems.push(...allow.check(value, at));
      return;
    }
    if (m === ABSENT) {
      const top = keyPath.split('.')[0];
      problems.push(
        keyPath === top && (TEMPO_2X_SECTIONS as readonly string[]).includes(top)
          ? `${at}: a Tempo 2.x section, removed in 3.0`
          : `${at}: not in the Tempo 3.0.3 manifest and not an allow-listed empty-default key`,
      );
      return;
    }
    if (isMap(value)) {
      // a null default is a nil pointer: its keys are not printed, so none can be checked
      if (m !== null && !isMap(m)) {
        problems.push(`${at}: expected a ${kind(m)} like the manifest, got a mapping`);
        return;
      }
      for (const [k, child] of Object.entries(value)) {
        const childPath = keyPath ? `${keyPath}.${k}` : k;
        walk(child, isMap(m) && Object.prototype.hasOwnProperty.call(m, k) ? m[k] : ABSENT, childPath, at ? `${at}.${k}` : k);
      }
      return;
    }
    if (Array.isArray(value)) {
      if (m !== null && !Array.isArray(m)) {
        problems.push(`${at}: expected a ${kind(m)} like the manifest, got a list`);
        return;
      }
      const examples = Array.isArray(m) ? m : [];
      value.forEach((item, i) => {
        // items are checked against the manifest's example items: the union of their keys, or their scalar type
        const template = isMap(item) ? Object.assign({}, ...examples.filter(isMap)) : examples.find((e) => !isMap(e) && !Array.isArray(e));
        if (isMap(item) && examples.filter(isMap).length === 0) {
          problems.push(`${at}[${i}]: the manifest's default list has no items to check this mapping against`);
        } else if (template !== undefined) {
          walk(item, template, keyPath, `${at}[${i}]`);
        }
      });
      return;
    }
    if (m === null) return; // nil default: the manifest gives no type
    if (kind(value) !== kind(m)) {
      problems.push(`${at}: expected a ${kind(m)} like the manifest's default (${JSON.stringify(m)}), got ${describe(value)}`);
    }
  };

  walk(config, manifest, '', '');
  return problems;
}

/** Reads a key path (`a.b.c`) of a parsed YAML document. */
export function at(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, k) => (isMap(node) ? node[k] : undefined), doc);
}

/** Whether a key path exists in a parsed YAML document (a `null` value counts). */
export function hasPath(doc: unknown, path: string): boolean {
  const keys = path.split('.');
  const container = keys.length === 1 ? doc : at(doc, keys.slice(0, -1).join('.'));
  return isMap(container) && Object.prototype.hasOwnProperty.call(container, keys[keys.length - 1]);
}
