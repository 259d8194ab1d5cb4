import { isTempoComponent } from '../components/tempo-distributed';
import { instanceHosts } from '../components/topology';
import { component, StackPlan } from '../components/plan';
import { COLLECTOR_NAMES, componentType, REMOTE_WRITE_EXPORTER_TYPES } from '../render/otel-collector';
import { DATASOURCE_UIDS, PORTS } from '../spec/defaults';
import { issue, Issue } from '../spec/issues';
import { arr, at, obj, renderedYaml, scrapeTargets } from './config-tree';

/**
 * Which metric names each part of a stack really emits, with the upstream source of every
 * name. A dashboard may only query names from this table, and only those whose emitter the
 * stack actually runs and Prometheus actually receives (scrape or remote write): see
 * {@link emittedMetrics}. Keep this honest: add a name only with its source.
 */
export interface MetricFamily {
  readonly names: readonly string[];
  /** Where the names are defined upstream (repo:path, or a doc). */
  readonly source: string;
}

/**
 * The service-graph series, the same from Tempo's processor and the collector's connector
 * (ported from it): requests, failures, and server/client latency histograms.
 */
const SERVICE_GRAPH_SERIES = [
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  'traces_service_graph_request_server_seconds_bucket',
  'traces_service_graph_request_server_seconds_sum',
  'traces_service_graph_request_server_seconds_count',
  'traces_service_graph_request_client_seconds_bucket',
  'traces_service_graph_request_client_seconds_sum',
  'traces_service_graph_request_client_seconds_count',
] as const;

export const METRIC_FAMILIES = {
  /**
   * Tempo's metrics-generator, span-metrics processor (remote-written to Prometheus).
   * grafana/tempo modules/generator/processor/spanmetrics/spanmetrics.go: metricCallsTotal =
   * "traces_spanmetrics_calls_total", metricDurationSeconds = "traces_spanmetrics_latency"
   * (a histogram: _bucket/_sum/_count), metricSizeTotal = "traces_spanmetrics_size_total".
   * Labels (spanmetrics/config.go): service, span_name, span_kind, status_code.
   */
  tempoSpanMetrics: {
    names: [
      'traces_spanmetrics_calls_total',
      'traces_spanmetrics_latency_bucket',
      'traces_spanmetrics_latency_sum',
      'traces_spanmetrics_latency_count',
      'traces_spanmetrics_size_total',
    ],
    source: 'grafana/tempo modules/generator/processor/spanmetrics/spanmetrics.go',
  },
  /**
   * Tempo's metrics-generator, service-graphs processor. grafana/tempo
   * modules/generator/processor/servicegraphs/servicegraphs.go; labels client, server,
   * connection_type. `_messaging_system_seconds` only with enable_messaging_system_latency_histogram, so not listed.
   */
  tempoServiceGraphs: {
    names: SERVICE_GRAPH_SERIES,
    source: 'grafana/tempo modules/generator/processor/servicegraphs/servicegraphs.go',
  },
  /**
   * Tempo's own /metrics (scraped on the HTTP port).
   * - tempo_distributor_spans_received_total{tenant}: modules/distributor/distributor.go (metricSpansIngested)
   * - tempo_distributor_bytes_received_total{tenant}: same file (metricBytesIngested)
   * - tempo_discarded_spans_total{reason,tenant}: modules/overrides/discarded_spans.go (RecordDiscardedSpans)
   * - tempo_metrics_generator_spans_received_total{tenant}, tempo_metrics_generator_spans_discarded_total{tenant,reason}:
   *   modules/generator/instance.go
   * The backend side, which `target: all` always runs (cmd/tempo/app/modules.go:803, the
   * SingleBinary deps: BackendScheduler, BackendWorker …), at the v3.0.3 tag:
   * - tempodb_blocklist_poll_errors_total{tenant}: tempodb/blocklist/poller.go:46-50; counted only
   *   when listing the tenants fails, with tenant="" (poller.go:151), so the series has no tenant.
   *   In the monolith only the backend-worker polls (modules/backendworker/backendworker.go:178;
   *   the scheduler polls only as its own target, cmd/tempo/app/modules.go:640-642).
   * - tempo_backend_scheduler_jobs_created_total{tenant,job_type}, …_jobs_failed_total{tenant,job_type}:
   *   modules/backendscheduler/metrics.go:11-25, counted at assignment and on a worker's FAILED
   *   update (backendscheduler.go:341, :404); job_type is the proto enum name, `JOB_TYPE_COMPACTION`,
   *   `JOB_TYPE_RETENTION` (pkg/tempopb/backendwork.pb.go:42).
   * - tempodb_retention_errors_total (no labels): tempodb/tempodb.go:59-63, counted per block
   *   that retention could not mark or delete (tempodb/retention.go:92, :121); the retention job
   *   itself still reports success (modules/backendworker/backendworker.go:329-357).
   */
  tempoSelf: {
    names: [
      'tempo_distributor_spans_received_total',
      'tempo_distributor_bytes_received_total',
      'tempo_discarded_spans_total',
      'tempo_metrics_generator_spans_received_total',
      'tempo_metrics_generator_spans_discarded_total',
      'tempodb_blocklist_poll_errors_total',
      'tempo_backend_scheduler_jobs_created_total',
      'tempo_backend_scheduler_jobs_failed_total',
      'tempodb_retention_errors_total',
    ],
    source: 'grafana/tempo modules/distributor/distributor.go, modules/overrides/discarded_spans.go, modules/generator/instance.go, tempodb/blocklist/poller.go, modules/backendscheduler/metrics.go, tempodb/tempodb.go (v3.0.3)',
  },
  /**
   * Distributed Tempo's Kafka consumers (live-stores, block-builders, metrics-generators): how far
   * each consumer group is behind on each partition, in seconds since the record it last read
   * (grafana/tempo pkg/ingest/metrics.go: tempo_ingest_group_partition_lag_seconds{group,partition},
   * set in modules/livestore/live_store.go, modules/blockbuilder/blockbuilder.go, modules/generator/generator_kafka.go).
   */
  tempoIngest: {
    names: ['tempo_ingest_group_partition_lag_seconds'],
    source: 'grafana/tempo pkg/ingest/metrics.go (v3.0.3)',
  },
  /**
   * The metrics-generator's registry, one per tenant the distributor sends spans to, which it
   * does only when the tenant has processors (modules/distributor/distributor.go:529); it
   * collects every registry.collection_interval (15 s). grafana/tempo at v3.0.3,
   * modules/generator/registry/registry.go:31-40: tempo_metrics_generator_registry_collections_total{tenant}
   * (every collection, failed ones included: registry.go:252-259) and
   * …_collections_failed_total{tenant,error_type} (error_type from registry/errors.go:11-31).
   */
  tempoGeneratorRegistry: {
    names: ['tempo_metrics_generator_registry_collections_total', 'tempo_metrics_generator_registry_collections_failed_total'],
    source: 'grafana/tempo modules/generator/registry/registry.go (v3.0.3)',
  },
  /**
   * The metrics-generator's remote write is Prometheus' own queue manager, registered per
   * tenant on Tempo's default registry with only a `tenant` label added (no prefix):
   * grafana/tempo modules/generator/storage/instance.go (`remote.NewStorage(…, reg, …)` with
   * `prometheus.WrapRegistererWith({tenant})`), modules/generator/generator.go (`g.reg.Register(reg)`).
   * Names: prometheus/prometheus storage/remote/queue_manager.go newQueueManagerMetrics
   * (namespace "prometheus", subsystem "remote_storage"). Tempo's own troubleshooting page
   * (docs/sources/tempo/troubleshooting/metrics-generator.md, "Remote write failures") queries the same names.
   * Scraped from Tempo, so select them with job="tempo" (Prometheus has no remote-write queue here).
   * samples_total counts every send attempt, retries included (queue_manager.go recordBatchAttempt);
   * samples_retried_total those that failed recoverably (5xx, unreachable): Prometheus v0.311.3 as
   * vendored by Tempo v3.0.3, vendor/github.com/prometheus/prometheus/storage/remote/queue_manager.go:169-175
   * (const labels remote_name, url: storage.go:41-42).
   */
  tempoGeneratorRemoteWrite: {
    names: [
      'prometheus_remote_storage_samples_total',
      'prometheus_remote_storage_samples_failed_total',
      'prometheus_remote_storage_samples_dropped_total',
      'prometheus_remote_storage_exemplars_total',
      'prometheus_remote_storage_exemplars_failed_total',
      'prometheus_remote_storage_samples_retried_total',
    ],
    source: 'prometheus/prometheus storage/remote/queue_manager.go via grafana/tempo modules/generator/storage/instance.go',
  },
  /**
   * Prometheus' own /metrics (it scrapes itself).
   * - prometheus_tsdb_exemplar_*: prometheus/prometheus tsdb/exemplar.go (NewExemplarMetrics)
   * - prometheus_http_requests_total{handler,code}: web/web.go instrumentation; the remote-write
   *   receiver is handler="/api/v1/write".
   * All seen on a real Prometheus (2.42, `--enable-feature=exemplar-storage --web.enable-remote-write-receiver`)
   * by test/dashboards/emitted-metrics.test.ts.
   */
  prometheusSelf: {
    names: [
      'prometheus_tsdb_exemplar_exemplars_appended_total',
      'prometheus_tsdb_exemplar_exemplars_in_storage',
      'prometheus_tsdb_exemplar_series_with_exemplars_in_storage',
      'prometheus_tsdb_exemplar_last_exemplars_timestamp_seconds',
      'prometheus_tsdb_exemplar_out_of_order_exemplars_total',
      'prometheus_tsdb_exemplar_max_exemplars',
      'prometheus_http_requests_total',
      'prometheus_config_last_reload_successful',
      'prometheus_rule_evaluation_failures_total',
      'prometheus_tsdb_compactions_failed_total',
      'prometheus_notifications_alertmanagers_discovered',
      'prometheus_notifications_errors_total',
      'prometheus_notifications_sent_total',
    ],
    source: 'prometheus/prometheus tsdb/exemplar.go, web/web.go, config reloader (cmd/prometheus/main.go), rules/group.go, tsdb/compact.go, notifier/metric.go',
  },
  /**
   * Alertmanager's own /metrics: prometheus/alertmanager notify/metrics.go (notifications_total,
   * notifications_failed_total{integration, reason}), config/coordinator.go
   * (config_last_reload_successful), dispatch/metric.go (alertmanager_alerts{state}). Checked on
   * the real v0.35.0 by the live alert-delivery test.
   */
  alertmanagerSelf: {
    names: ['alertmanager_notifications_total', 'alertmanager_notifications_failed_total', 'alertmanager_config_last_reload_successful', 'alertmanager_alerts'],
    source: 'prometheus/alertmanager notify/metrics.go, config/coordinator.go, dispatch/metric.go (v0.35.0)',
  },
  /**
   * Loki's own /metrics (scraped on its HTTP port), read from grafana/loki at v3.7.6:
   * - loki_request_duration_seconds{method,route,status_code,ws} (a histogram):
   *   vendor/github.com/grafana/dskit/server/metrics.go, with the namespace Loki sets in
   *   pkg/loki/loki.go (`c.Server.MetricsNamespace = constants.Loki`)
   * - loki_discarded_samples_total, loki_discarded_bytes_total{reason,tenant,…}: pkg/validation/validate.go
   * - loki_compactor_apply_retention_operation_total{status},
   *   loki_compactor_apply_retention_last_successful_run_timestamp_seconds: pkg/compactor/metrics.go
   */
  lokiSelf: {
    names: [
      'loki_request_duration_seconds_bucket',
      'loki_request_duration_seconds_sum',
      'loki_request_duration_seconds_count',
      'loki_discarded_samples_total',
      'loki_discarded_bytes_total',
      'loki_compactor_apply_retention_operation_total',
      'loki_compactor_apply_retention_last_successful_run_timestamp_seconds',
    ],
    source: 'grafana/loki vendor/github.com/grafana/dskit/server/metrics.go, pkg/validation/validate.go, pkg/compactor/metrics.go (v3.7.6)',
  },
  /**
   * Series Prometheus writes for every scrape target: prometheus.io docs
   * "Jobs and instances — Automatically generated labels and time series" (up,
   * scrape_duration_seconds, scrape_samples_post_metric_relabeling, scrape_samples_scraped,
   * scrape_series_added).
   */
  scrapeSeries: {
    names: ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'],
    source: 'prometheus.io/docs/concepts/jobs_instances',
  },
  /**
   * Jaeger v2 is an OpenTelemetry Collector; its internal telemetry (jaegertracing.io
   * docs/monitoring: otelcol_receiver_accepted_spans, _refused_spans, otelcol_exporter_sent_spans,
   * _send_failed_spans). Our Jaeger config declares its own Prometheus reader
   * (src/render/jaeger.ts), and a declared reader appends `_total` to counters since
   * collector v0.120 (open-telemetry/opentelemetry-collector#12458, CHANGELOG in #12500).
   */
  jaegerSelf: {
    names: [
      'otelcol_receiver_accepted_spans_total',
      'otelcol_receiver_refused_spans_total',
      'otelcol_exporter_sent_spans_total',
      'otelcol_exporter_send_failed_spans_total',
    ],
    source: 'jaegertracing.io/docs/monitoring; open-telemetry/opentelemetry-collector#12458',
  },
  /**
   * The collector's span_metrics connector with namespace `traces.spanmetrics` and histogram
   * unit `s`, through prometheus_remote_write (name translation adds `_total` to the counter and
   * the unit `_seconds` to the histogram): open-telemetry/opentelemetry-collector-contrib
   * connector/spanmetricsconnector (metricNameCalls "calls", metricNameDuration "duration"),
   * pkg/translator/prometheus. Labels service_name, span_name, span_kind, status_code.
   */
  collectorSpanMetrics: {
    names: [
      'traces_spanmetrics_calls_total',
      'traces_spanmetrics_duration_seconds_bucket',
      'traces_spanmetrics_duration_seconds_sum',
      'traces_spanmetrics_duration_seconds_count',
    ],
    source: 'open-telemetry/opentelemetry-collector-contrib connector/spanmetricsconnector',
  },
  /**
   * The collector's servicegraph connector: the same series names and labels (client, server,
   * connection_type) as Tempo's processor, which it was ported from:
   * open-telemetry/opentelemetry-collector-contrib connector/servicegraphconnector.
   */
  collectorServiceGraph: {
    names: SERVICE_GRAPH_SERIES,
    source: 'open-telemetry/opentelemetry-collector-contrib connector/servicegraphconnector',
  },
  /**
   * The collector's internal telemetry through its declared Prometheus reader, which our config
   * tells to keep `_total` on counters (`without_type_suffix: false`: 0.159 drops it by default,
   * found by the live tests) and which appends units (`…_milliseconds_bucket`): receiver and exporter span counts, exporter metric points
   * (open-telemetry/opentelemetry-collector receiver/receiverhelper, exporter/exporterhelper metadata).
   */
  collectorSelf: {
    names: [
      'otelcol_receiver_accepted_spans_total',
      'otelcol_receiver_refused_spans_total',
      'otelcol_exporter_sent_spans_total',
      'otelcol_exporter_send_failed_spans_total',
      'otelcol_exporter_sent_metric_points_total',
      'otelcol_exporter_send_failed_metric_points_total',
      'otelcol_receiver_accepted_log_records_total',
      'otelcol_exporter_sent_log_records_total',
      'otelcol_exporter_send_failed_log_records_total',
      'otelcol_exporter_queue_size',
      'otelcol_exporter_queue_capacity',
    ],
    source: 'open-telemetry/opentelemetry-collector receiver/receiverhelper, exporter/exporterhelper (metadata.yaml); names as the real 0.159.0 collector exposes them (test/live)',
  },
  /** The tail_sampling processor's own telemetry: only where a pipeline runs the processor. */
  collectorTailSampling: {
    names: [
      'otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total',
      'otelcol_processor_tail_sampling_sampling_traces_on_memory',
      'otelcol_processor_tail_sampling_sampling_decision_timer_latency_milliseconds_bucket',
    ],
    source: 'open-telemetry/opentelemetry-collector-contrib processor/tailsamplingprocessor (metadata.yaml); names as the real 0.159.0 collector exposes them (test/live)',
  },
} as const satisfies Record<string, MetricFamily>;

export type MetricFamilyName = keyof typeof METRIC_FAMILIES;

/**
 * The metrics Grafana's Tempo datasource itself queries from the service-map Prometheus
 * datasource for a `serviceMap` query: grafana/grafana
 * public/app/plugins/datasource/tempo/graphTransform.ts (secondsMetric, totalsMetric,
 * failedMetric, histogramMetric, and the span-metrics rate/error/duration queries).
 */
export const TEMPO_SERVICE_MAP_METRICS: readonly string[] = [
  'traces_service_graph_request_server_seconds_sum',
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  'traces_service_graph_request_server_seconds_bucket',
  'traces_spanmetrics_calls_total',
  'traces_spanmetrics_latency_bucket',
];

/**
 * The part of {@link TEMPO_SERVICE_MAP_METRICS} the map itself needs (nodes, edges, rates):
 * the service-graph series and the calls counter, which the collector's connectors write under
 * the same names. Only the service-graph table's latency column reads Tempo's
 * `traces_spanmetrics_latency_bucket`, which the collector names `…_duration_seconds_bucket`.
 */
export const SERVICE_MAP_CORE_METRICS: readonly string[] = TEMPO_SERVICE_MAP_METRICS.filter((m) => m !== 'traces_spanmetrics_latency_bucket');


/**
 * The metric families this stack's Prometheus really holds, read from the deployed configs:
 * an emitter counts only when it runs and Prometheus receives its data (a scrape target in
 * prometheus.yml, or the generator's processors and remote write in tempo.yaml).
 */
export function emittedFamilies(plan: StackPlan): MetricFamilyName[] {
  const out: MetricFamilyName[] = [];
  if (!component(plan, 'prometheus')) return out;
  const targets = new Set(scrapeTargets(plan).map((t) => t.target));
  if (targets.size > 0) out.push('scrapeSeries');
  if (targets.has(`localhost:${PORTS.prometheus}`)) out.push('prometheusSelf');
  if (component(plan, 'alertmanager') && targets.has(`${plan.topology.hostOf('alertmanager')}:${PORTS.alertmanager}`)) out.push('alertmanagerSelf');
  if (component(plan, 'loki') && targets.has(`${plan.topology.hostOf('loki')}:${PORTS.loki}`)) out.push('lokiSelf');
  const tempos = plan.components.filter((c) => isTempoComponent(c.name));
  if (tempos.length > 0) {
    // the monolith, or (distributed) the generator's own tasks for its registry and remote write
    const scraped = (c: (typeof tempos)[number]) => instanceHosts(c, plan.topology).some((h) => targets.has(`${h}:${PORTS.tempoHttp}`));
    const generatorHost = tempos.find((c) => c.name === 'tempo' || c.name === 'tempo-metrics-generator');
    if (tempos.some(scraped)) out.push('tempoSelf');
    const consumers = tempos.filter((c) => c.name === 'tempo-live-store' || c.name === 'tempo-block-builder');
    if (at(renderedYaml(plan, 'tempo.yaml') ?? {}, 'ingest.kafka') !== undefined && consumers.some(scraped)) out.push('tempoIngest');
    const tempo = renderedYaml(plan, 'tempo.yaml') ?? {};
    const remoteWrites = arr(obj(obj(tempo.metrics_generator).storage).remote_write);
    const processors = arr(obj(obj(obj(tempo.overrides).defaults).metrics_generator).processors);
    if (processors.length > 0 && generatorHost && scraped(generatorHost)) out.push('tempoGeneratorRegistry');
    if (remoteWrites.length > 0) {
      if (generatorHost && scraped(generatorHost)) out.push('tempoGeneratorRemoteWrite');
      if (processors.includes('span-metrics')) out.push('tempoSpanMetrics');
      if (processors.includes('service-graphs')) out.push('tempoServiceGraphs');
    }
  }
  if (component(plan, 'jaeger') && targets.has(`${plan.topology.hostOf('jaeger')}:${PORTS.jaegerMetrics}`)) out.push('jaegerSelf');
  // the collector, and the samplers behind it where the stack scales out: each counts when
  // Prometheus scrapes it, and its connectors' metrics when a pipeline remote-writes them
  const collectors = (['otel-collector', 'otel-sampler'] as const).filter((c) => component(plan, c));
  const collectorFamilies = new Set<MetricFamilyName>();
  for (const c of collectors) {
    const replicas = component(plan, c)?.replicas ?? 1;
    if (plan.topology.replicaHosts(c, replicas).some((h) => targets.has(`${h}:${PORTS.collectorMetrics}`))) collectorFamilies.add('collectorSelf');
    const cfg = renderedYaml(plan, `${c}.yaml`) ?? {};
    const pipelines = Object.values(obj(obj(cfg.service).pipelines)).map(obj);
    const exported = (connector: string) =>
      pipelines.some((p) => arr(p.receivers).includes(connector) && arr(p.exporters).some((e) => REMOTE_WRITE_EXPORTER_TYPES.includes(componentType(e))));
    if (exported(COLLECTOR_NAMES.spanMetrics)) collectorFamilies.add('collectorSpanMetrics');
    if (exported(COLLECTOR_NAMES.serviceGraph)) collectorFamilies.add('collectorServiceGraph');
    if (pipelines.some((p) => arr(p.processors).some((x) => componentType(x) === COLLECTOR_NAMES.tailSampling))) collectorFamilies.add('collectorTailSampling');
  }
  out.push(...(['collectorSelf', 'collectorSpanMetrics', 'collectorServiceGraph', 'collectorTailSampling'] as const).filter((f) => collectorFamilies.has(f)));
  return out;
}

export function emittedMetrics(plan: StackPlan): Set<string> {
  const out = new Set<string>(emittedFamilies(plan).flatMap((f) => METRIC_FAMILIES[f].names));
  // what Prometheus itself writes from the rule files it loads: recorded series, and ALERTS for alerts
  for (const f of plan.files.filter((x) => x.output.startsWith('prometheus/rules/'))) {
    for (const g of arr(renderedYaml(plan, f.output)?.groups)) {
      for (const r of arr(obj(g).rules).map(obj)) {
        if (typeof r.record === 'string') out.add(r.record);
        if (typeof r.alert === 'string') out.add('ALERTS');
      }
    }
  }
  return out;
}

// The Prometheus project's own PromQL grammar (@prometheus-io/lezer-promql, Apache-2.0: what the
// Prometheus UI's query editor parses with). The package ships ES modules with a CommonJS build
// beside them (its `require` export) and ESM-only types, which this CommonJS project cannot
// import, so it is loaded with require and typed by the little used here.
interface PromqlSyntaxNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly type: { readonly isError: boolean };
  readonly parent: PromqlSyntaxNode | null;
  readonly firstChild: PromqlSyntaxNode | null;
  readonly nextSibling: PromqlSyntaxNode | null;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser: promqlParser } = require('@prometheus-io/lezer-promql') as { parser: { parse(expr: string): { readonly topNode: PromqlSyntaxNode } } };

export interface PromqlNames {
  readonly names: readonly string[];
  /** What could not be read; a non-empty list means the names may be incomplete. */
  readonly problems: readonly string[];
}

/** Grafana's interval variables, which stand for a duration: read as `5m`, padded so offsets stay put. */
const GRAFANA_DURATIONS = /\$__(?:rate_interval|interval|range)(?![A-Za-z0-9_])|\$\{__(?:rate_interval|interval|range)\}/g;
/** Any other Grafana variable: `$name` or `${name…}`. */
const GRAFANA_VARIABLE = /\$(?:\{[^}]*\}|[A-Za-z0-9_:]+)/g;

/** The text of a PromQL string literal: `raw`, or "…"/'…' with backslash escapes. */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith('`') ? body : body.replace(/\\(.)/gs, '$1');
}

const children = (node: PromqlSyntaxNode): PromqlSyntaxNode[] => {
  const out: PromqlSyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};

/**
 * The metric names a PromQL expression selects, read from its parse tree by the Prometheus
 * project's own grammar (@prometheus-io/lezer-promql), so that functions, aggregators, keywords,
 * label lists (by/without/on/ignoring/group_left/group_right), string arguments and comments are
 * told apart from metric names exactly as Prometheus tells them apart. A metric name is the
 * identifier of a vector selector, a quoted name inside `{…}` (`{"name"}`), or
 * `{__name__="x"}`; a `__name__` regex cannot be checked and is reported as a problem.
 * Grafana's `$__rate_interval`, `$__interval` and `$__range` are read as a duration; any other
 * `$variable` outside a string could hide a metric name and is a problem; and so is any part of
 * the query the grammar cannot parse, so an unreadable query is never silently accepted.
 */
export function promqlMetricNames(expr: string): PromqlNames {
  // an app's stacks load the same rules and dashboards, with the same queries: parse each once
  let found = namesByExpr.get(expr);
  if (found === undefined) {
    found = readMetricNames(expr);
    if (namesByExpr.size >= NAMES_CACHE_ENTRIES) namesByExpr.clear();
    namesByExpr.set(expr, found);
  }
  return found;
}

/** Bounded, for a long-lived process; well above one synth's distinct queries at 1000 services. */
const NAMES_CACHE_ENTRIES = 100_000;
const namesByExpr = new Map<string, PromqlNames>();

function readMetricNames(expr: string): PromqlNames {
  const names: string[] = [];
  const problems: string[] = [];
  const filled = expr.replace(GRAFANA_DURATIONS, (v) => '5m'.padEnd(v.length, ' '));
  const top = promqlParser.parse(filled).topNode;

  // where a `$` may stand: inside string literals (label matcher values) and comments only
  const quiet: [number, number][] = [];
  const errors: PromqlSyntaxNode[] = [];
  const walk = (node: PromqlSyntaxNode) => {
    if (node.type.isError) errors.push(node);
    if (node.name === 'StringLiteral' || node.name === 'LineComment') quiet.push([node.from, node.to]);
    children(node).forEach(walk);
  };
  walk(top);
  const variables: [number, number][] = [];
  for (const m of filled.matchAll(GRAFANA_VARIABLE)) {
    const at = m.index ?? 0;
    if (quiet.some(([from, to]) => at >= from && at < to)) continue;
    variables.push([at, at + m[0].length]);
    problems.push(`template variable ${m[0]} outside a label matcher or range`);
  }
  // a variable already explains the parse errors it causes
  if (variables.length === 0) {
    for (const e of errors) problems.push(`cannot parse the query at offset ${e.from}: ${e.from < filled.length ? JSON.stringify(filled.slice(e.from, e.from + 20)) : '(end)'}`);
  }

  const inVariable = (n: PromqlSyntaxNode) => variables.some(([from, to]) => n.from < to && n.to > from);
  const text = (n: PromqlSyntaxNode) => filled.slice(n.from, n.to);
  const visit = (node: PromqlSyntaxNode) => {
    if (node.name === 'Identifier' && node.parent?.name === 'VectorSelector' && !inVariable(node)) names.push(text(node));
    // `{"name"}`: a quoted metric name among the matchers (Prometheus 3)
    if (node.name === 'QuotedLabelName' && node.parent?.name === 'LabelMatchers') names.push(unquote(text(node)));
    if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
      const parts = children(node);
      const label = parts.find((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName');
      const op = parts.find((c) => c.name === 'MatchOp');
      const value = parts.find((c) => c.name === 'StringLiteral');
      const labelName = label && (label.name === 'LabelName' ? text(label) : unquote(text(label)));
      if (labelName === '__name__' && op && value) {
        if (text(op) === '=') names.push(unquote(text(value)));
        else problems.push(`__name__${text(op)}"${unquote(text(value))}" selects metric names by pattern; name them explicitly`);
      }
    }
    children(node).forEach(visit);
  };
  visit(top);
  return Object.freeze({ names: Object.freeze([...new Set(names)]), problems: Object.freeze(problems) });
}

/** A query in a dashboard, with where it is. */
export interface DashboardQuery {
  readonly where: string;
  /** `promql` for Prometheus targets and variables, `metrics` for queries Grafana builds itself. */
  readonly kind: 'promql' | 'metrics';
  readonly expr: string;
  readonly metrics?: readonly string[];
}

const dsUid = (v: unknown): string | undefined => (typeof obj(v).uid === 'string' ? (obj(v).uid as string) : undefined);

/**
 * Every metric-reading query of a dashboard JSON: Prometheus panel targets, Prometheus query
 * variables (`label_values(<selector>, label)` or PromQL), and Tempo `serviceMap` targets,
 * which make Grafana query the service-graph metrics (see {@link TEMPO_SERVICE_MAP_METRICS}).
 */
export function dashboardQueries(dashboard: unknown, file = 'dashboard', serviceMapMetrics: readonly string[] = TEMPO_SERVICE_MAP_METRICS): DashboardQuery[] {
  const d = obj(dashboard);
  const out: DashboardQuery[] = [];
  const panels = arr(d.panels).flatMap((p) => [obj(p), ...arr(obj(p).panels).map(obj)]);
  for (const p of panels) {
    arr(p.targets).map(obj).forEach((t, i) => {
      const uid = dsUid(t.datasource) ?? dsUid(p.datasource);
      const where = `${file}: panel '${String(p.title)}' targets[${i}]`;
      if (uid === DATASOURCE_UIDS.prometheus && typeof t.expr === 'string') out.push({ where, kind: 'promql', expr: t.expr });
      if (uid === DATASOURCE_UIDS.tempo && t.queryType === 'serviceMap') out.push({ where, kind: 'metrics', expr: 'serviceMap', metrics: serviceMapMetrics });
    });
  }
  for (const v of arr(obj(d.templating).list).map(obj)) {
    if (v.type !== 'query' || dsUid(v.datasource) !== DATASOURCE_UIDS.prometheus) continue;
    const q = typeof v.query === 'string' ? v.query : String(obj(v.query).query ?? '');
    const m = /^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s.exec(q);
    out.push({ where: `${file}: variable '${String(v.name)}'`, kind: 'promql', expr: m ? m[1] : q });
  }
  return out;
}

/**
 * A panel must never query a metric its stack does not produce: every metric name a
 * provisioned dashboard reads must be emitted by a component this stack runs and feeds
 * into its Prometheus.
 */
export function checkDashboardMetrics(plan: StackPlan): Issue[] {
  const emitted = emittedMetrics(plan);
  const issues: Issue[] = [];
  for (const f of plan.files.filter((x) => x.output.startsWith('grafana/dashboards/') && x.output.endsWith('.json'))) {
    let dashboard: unknown;
    try {
      dashboard = JSON.parse(f.content);
    } catch (e) {
      issues.push(issue(f.output, `is not valid JSON: ${(e as Error).message}`));
      continue;
    }
    // behind a collector the map's table has no Tempo-named latency histogram; the map itself works
    const mapMetrics = component(plan, 'otel-collector') ? SERVICE_MAP_CORE_METRICS : TEMPO_SERVICE_MAP_METRICS;
    for (const q of dashboardQueries(dashboard, f.output, mapMetrics)) {
      const parsed = q.kind === 'promql' ? promqlMetricNames(q.expr) : { names: [...(q.metrics ?? [])], problems: [] };
      for (const p of parsed.problems) issues.push(issue(q.where, `cannot be checked against the metrics this stack emits: ${p}`, q.expr));
      for (const name of parsed.names) {
        if (!emitted.has(name)) issues.push(issue(q.where, `queries metric '${name}', which no component of this stack emits`, q.expr));
      }
    }
  }
  return issues;
}
