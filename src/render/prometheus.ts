import { humanDuration } from '../spec/duration';
import type { ResolvedSpec } from '../spec/resolved';

/** One thing Prometheus scrapes. */
export interface ScrapeTarget {
  /** `job` label; unique. */
  readonly job: string;
  /** `host:port`. */
  readonly address: string;
  /**
   * More `host:port`s of the same job (replicas named apart, on Docker).
   * @default []
   */
  readonly moreAddresses?: readonly string[];
  /** @default "/metrics" */
  readonly path?: string;
  /** Extra target labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * `static`: scrape `address` as one target. `dns`: resolve the host's A records on every
   * refresh and scrape each (a Cloud Map name answers one record per task, so each task is a
   * target with its own `instance`; a static target would reach one task at random).
   * @default "static"
   */
  readonly discovery?: 'static' | 'dns';
}

export interface PrometheusRenderOptions {
  readonly targets: readonly ScrapeTarget[];
  /**
   * Exemplars kept in memory (a circular buffer, shared by all series).
   * @default 100000
   */
  readonly maxExemplars?: number;
  /**
   * Rule files (globs) Prometheus loads: recording rules and alerts.
   * @default - none
   */
  readonly ruleFiles?: readonly string[];
  /**
   * The Alertmanagers firing alerts are sent to (`host:port`).
   * @default - none: alerts show in Prometheus and Grafana only
   */
  readonly alertmanagers?: readonly string[];
}

export const DEFAULT_MAX_EXEMPLARS = 100_000;

/**
 * The resource attributes Prometheus's OTLP receiver turns into labels on every series of a
 * service's own metrics (dots become underscores: `service_name`…). `job` and `instance` come
 * from service.namespace/service.name and service.instance.id anyway; these four are the ones
 * dashboards filter by (`$service` reads `service_name`, as on the collector's span metrics) and
 * that stay few per service. Everything else stays on `target_info`, joined when needed.
 */
export const PROMOTED_RESOURCE_ATTRIBUTES = ['deployment.environment.name', 'service.name', 'service.namespace', 'service.version'] as const;

/** Where Prometheus takes OTLP metrics (`--web.enable-otlp-receiver`); exporters append `/v1/metrics`. */
export const PROMETHEUS_OTLP_PATH = '/api/v1/otlp';
/** Where Prometheus takes remote write (`--web.enable-remote-write-receiver`). */
export const PROMETHEUS_REMOTE_WRITE_PATH = '/api/v1/write';

/**
 * What only Prometheus 3.x knows, of what we render: the npm tests run Debian's Prometheus 2.42
 * without these; the live tests check them with the deployed 3.x build (promtool, the server).
 */
export const PROMETHEUS_3_ONLY = { configKeys: ['otlp'], flags: ['--web.enable-otlp-receiver'] } as const;

/**
 * prometheus.yml. Apart from `otlp` (3.x), only keys that Prometheus 2.42 (Debian's promtool,
 * used in the npm tests) already knows; the live tests check the whole file with the deployed
 * version's promtool. Exemplars need OpenMetrics, which Prometheus negotiates first on every
 * scrape by default; OTLP exemplars are stored as sent.
 */
export function renderPrometheusConfig(spec: ResolvedSpec, opts: PrometheusRenderOptions): Record<string, unknown> {
  const interval = `${spec.metrics.scrapeIntervalSeconds}s`;
  return {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      external_labels: { o11y_stack: spec.name, environment: spec.environment },
    },
    storage: { exemplars: { max_exemplars: opts.maxExemplars ?? DEFAULT_MAX_EXEMPLARS } },
    otlp: { promote_resource_attributes: [...PROMOTED_RESOURCE_ATTRIBUTES] },
    ...(opts.alertmanagers && opts.alertmanagers.length > 0 ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [...opts.alertmanagers] }] }] } } : {}),
    ...(opts.ruleFiles && opts.ruleFiles.length > 0 ? { rule_files: [...opts.ruleFiles] } : {}),
    scrape_configs: opts.targets.map((t) => ({
      job_name: t.job,
      ...(t.path && t.path !== '/metrics' ? { metrics_path: t.path } : {}),
      ...(t.discovery === 'dns' ? dnsDiscovery(t) : { static_configs: [{ targets: [t.address, ...(t.moreAddresses ?? [])], ...(hasLabels(t) ? { labels: { ...t.labels } } : {}) }] }),
    })),
  };
}

/** The flags that turn on what the exemplar chain needs; the checks look for exactly these. */
export const EXEMPLAR_STORAGE_FLAG = '--enable-feature=exemplar-storage';
export const REMOTE_WRITE_RECEIVER_FLAG = '--web.enable-remote-write-receiver';
export const RETENTION_FLAG = '--storage.tsdb.retention.time';
export const OTLP_RECEIVER_FLAG = PROMETHEUS_3_ONLY.flags[0];

const hasLabels = (t: ScrapeTarget) => t.labels !== undefined && Object.keys(t.labels).length > 0;

/** dns_sd_configs has no `labels`: extra target labels are set by relabelling. */
function dnsDiscovery(t: ScrapeTarget): Record<string, unknown> {
  const colon = t.address.lastIndexOf(':');
  // every address shares the first one's port (one job, one port)
  const names = [t.address, ...(t.moreAddresses ?? [])].map((a) => a.slice(0, a.lastIndexOf(':')));
  return {
    dns_sd_configs: [{ names, type: 'A', port: Number(t.address.slice(colon + 1)) }],
    ...(hasLabels(t) ? { relabel_configs: Object.entries(t.labels!).map(([k, v]) => ({ target_label: k, replacement: v })) } : {}),
  };
}

/** Command-line flags for the Prometheus server (image entrypoint is `prometheus`). */
export function prometheusFlags(spec: ResolvedSpec, paths: { config: string; data: string }): string[] {
  return [
    `--config.file=${paths.config}`,
    `--storage.tsdb.path=${paths.data}`,
    `${RETENTION_FLAG}=${humanDuration(spec.metrics.retentionHours)}`,
    EXEMPLAR_STORAGE_FLAG,
    REMOTE_WRITE_RECEIVER_FLAG,
    // the services' own metrics arrive over OTLP through the collector
    OTLP_RECEIVER_FLAG,
    '--web.listen-address=0.0.0.0:9090',
  ];
}
