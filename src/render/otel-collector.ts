import { COLLECTOR_MEMORY_LIMIT_PERCENT, COLLECTOR_MEMORY_SPIKE_PERCENT, PORTS } from '../spec/defaults';
import type { ResolvedTailSampling } from '../spec/resolved';

/**
 * The span-metrics histogram buckets (seconds), the same as Tempo's metrics-generator
 * defaults, so latency panels read alike whichever source computed them.
 */
export const SPAN_METRICS_BUCKETS_SECONDS = [0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384] as const;

/**
 * The connector namespace that makes the calls counter `traces_spanmetrics_calls_total`, the
 * name Grafana's Tempo datasource (service map, traces to metrics) looks for.
 */
export const SPAN_METRICS_NAMESPACE = 'traces.spanmetrics';

/**
 * Component ids, so checks read the same names the renderer writes. These are the 2026
 * snake_case component types (`otlp_grpc` since collector 0.144, `span_metrics` and
 * `service_graph` since contrib 0.151, `prometheus_remote_write` since 0.154); the old names
 * still load but log a deprecation warning.
 */
export const COLLECTOR_NAMES = {
  tailSampling: 'tail_sampling',
  memoryLimiter: 'memory_limiter',
  spanMetrics: 'span_metrics',
  serviceGraph: 'service_graph',
  traceExporter: 'otlp_grpc/traces',
  metricsExporter: 'prometheus_remote_write',
  logsExporter: 'otlp_http/loki',
  appMetricsExporter: 'otlp_http/prometheus',
  allSpansPipeline: 'traces/all',
  sampledPipeline: 'traces/sampled',
  tracesPipeline: 'traces',
  metricsPipeline: 'metrics/spans',
  appMetricsPipeline: 'metrics',
  logsPipeline: 'logs',
  loadBalancer: 'load_balancing',
  samplerInstance: 'resource/sampler-instance',
  queueStorage: 'file_storage/queue',
} as const;

/**
 * How long one export request may take (every exporter with a queue says it): on shutdown the
 * persistent queues keep what is not sent, so a stop waits for at most one request per consumer,
 * in parallel, and the retry backoff ends at once (the shutdown budget, src/checks/shutdown.ts).
 */
export const COLLECTOR_EXPORT_TIMEOUT_SECONDS = 10;

/**
 * The resource attributes the span-metrics connector aggregates by: the ones that become labels
 * (`job` is service.namespace/service.name) plus the environment. Anything per instance would
 * split a service into streams that collide in Prometheus.
 */
export const SPAN_METRICS_RESOURCE_KEY = ['service.name', 'service.namespace', 'deployment.environment.name'] as const;

/** Exporter types that send OTLP/gRPC (the current name and its deprecated alias). */
export const OTLP_GRPC_EXPORTER_TYPES: readonly string[] = ['otlp_grpc', 'otlp'];
/** Exporter types that send OTLP/HTTP (the current name and its deprecated alias). */
export const OTLP_HTTP_EXPORTER_TYPES: readonly string[] = ['otlp_http', 'otlphttp'];
/** Exporter types that remote-write to Prometheus (the current name and its deprecated alias). */
export const REMOTE_WRITE_EXPORTER_TYPES: readonly string[] = ['prometheus_remote_write', 'prometheusremotewrite'];

/** The type part of a component id (`otlp_grpc/traces` → `otlp_grpc`). */
export function componentType(id: unknown): string {
  return String(id).split('/')[0];
}

/**
 * What one collector does in the stack: `all` (the one collector: entry point, sampling,
 * connectors), `gateway` (the stateless load-balancing tier in front of samplers: OTLP in, every
 * trace's spans to one sampler by trace id, metrics and logs on to their stores) or `sampler`
 * (behind the gateway: traces only; span metrics, service graph and tail sampling).
 */
export type CollectorRole = 'all' | 'gateway' | 'sampler';

/** The environment variable a sampler names its series by (Docker and Fargate both set it per container/task). */
export const SAMPLER_INSTANCE_ENV = 'HOSTNAME';

export interface CollectorRenderOptions {
  /** @default "all" */
  readonly role?: CollectorRole;
  /**
   * `gateway`: the samplers' DNS name (every sampler's address) and OTLP/gRPC port. The
   * load_balancing exporter re-resolves it every 5 s, so a sampler that stops is dropped.
   * @default - none (required for a gateway)
   */
  readonly samplers?: { readonly hostname: string; readonly port: number };
  /**
   * Tail sampling: on, a second trace pipeline samples while the first feeds the connectors.
   * @default - off: every span is forwarded
   */
  readonly tailSampling?: ResolvedTailSampling;
  /**
   * Compute span metrics and the service graph here, from every span (with tail sampling, or
   * where the trace store does not compute them).
   * @default false
   */
  readonly spanMetrics?: boolean;
  /** Where traces go: the trace store's OTLP/gRPC `host:port`. */
  readonly traceEndpoint: string;
  /** Prometheus' remote-write receiver URL for span metrics and the service graph. */
  readonly remoteWriteUrl: string;
  /** Prometheus' OTLP receiver base URL (the exporter appends `/v1/metrics`) for the services' own metrics. */
  readonly metricsOtlpUrl: string;
  /** Loki's OTLP base URL (the exporter appends `/v1/logs`). */
  readonly logsOtlpUrl: string;
  /** Traces held while waiting for a decision (see `collectorSizing`). */
  readonly numTraces: number;
  /** How often the connectors emit their metrics, in seconds (the scrape interval). */
  readonly flushIntervalSeconds: number;
  /**
   * The latency histogram's bucket boundaries, in seconds.
   * @default SPAN_METRICS_BUCKETS_SECONDS
   */
  readonly latencyBucketsSeconds?: readonly number[];
  /**
   * A directory on storage that outlives the process (a Docker volume, ECS task storage kept
   * across in-task restarts): the exporters' sending queues are kept there by the `file_storage`
   * extension, so what waits for a backend survives a crash or an OOM kill of the collector.
   * @default - queues in memory, lost with the process
   */
  readonly queueDirectory?: string;
}

/**
 * otel-collector.yaml for the contrib distribution: the stack's one OTLP entry point for traces,
 * metrics and logs. Traces go to the trace store; the services' metrics to Prometheus's OTLP
 * receiver; logs to Loki's OTLP endpoint (which keeps each record's trace id).
 *
 * With tail sampling the OTLP receiver fans out to two trace pipelines: one sees every span and
 * feeds the span-metrics and service-graph connectors, the other tail-samples and exports what
 * it keeps. So RED metrics count every span, and exemplars on error series or in slow buckets
 * always name a kept trace (the `status_code` and `latency` policies keep exactly those).
 * Batching is the exporters' own (`sending_queue.batch`), the collector's direction since 2026
 * instead of the `batch` processor; the remote-write exporter batches in its own queue.
 */
export function renderCollectorConfig(opts: CollectorRenderOptions): Record<string, unknown> {
  const role = opts.role ?? 'all';
  // a gateway neither samples nor counts: it never sees all spans of a trace in one place
  const t = role === 'gateway' ? undefined : opts.tailSampling;
  const n = COLLECTOR_NAMES;
  const connectors = role !== 'gateway' && (opts.spanMetrics || t !== undefined);
  if (role === 'gateway' && !opts.samplers) throw new Error('a gateway collector needs the samplers to route to');
  const flush = `${opts.flushIntervalSeconds}s`;
  const timeout = `${COLLECTOR_EXPORT_TIMEOUT_SECONDS}s`;
  // the exporters' queues: in the file_storage extension's directory where there is one
  const queue = (extra: Record<string, unknown> = {}) => ({ ...extra, ...(opts.queueDirectory ? { storage: n.queueStorage } : {}) });
  const buckets = (opts.latencyBucketsSeconds ?? SPAN_METRICS_BUCKETS_SECONDS).map((b) => `${b}s`);
  const processors: Record<string, unknown> = {
    // refuses data before the queues (and undecided traces) outgrow the container: 80 % of its cgroup limit, soft at 60 %
    [n.memoryLimiter]: { check_interval: '1s', limit_percentage: COLLECTOR_MEMORY_LIMIT_PERCENT, spike_limit_percentage: COLLECTOR_MEMORY_SPIKE_PERCENT },
  };
  if (t) processors[n.tailSampling] = tailSamplingProcessor(t, opts.numTraces);
  const pipelines: Record<string, unknown> = {};
  if (role === 'gateway') {
    pipelines[n.tracesPipeline] = { receivers: ['otlp'], processors: [n.memoryLimiter], exporters: [n.loadBalancer] };
  } else if (t) {
    pipelines[n.allSpansPipeline] = { receivers: ['otlp'], processors: [n.memoryLimiter], exporters: [n.spanMetrics, n.serviceGraph] };
    pipelines[n.sampledPipeline] = { receivers: ['otlp'], processors: [n.memoryLimiter, n.tailSampling], exporters: [n.traceExporter] };
  } else {
    pipelines[n.tracesPipeline] = { receivers: ['otlp'], processors: [n.memoryLimiter], exporters: [...(connectors ? [n.spanMetrics, n.serviceGraph] : []), n.traceExporter] };
  }
  if (role === 'sampler') {
    // every sampler writes the same series for the same service: its own instance label keeps
    // them apart in Prometheus (dashboards and rules sum over it), or all but one would be lost
    processors[n.samplerInstance] = { attributes: [{ key: 'service.instance.id', value: `\${env:${SAMPLER_INSTANCE_ENV}}`, action: 'upsert' }] };
  }
  if (connectors) pipelines[n.metricsPipeline] = { receivers: [n.spanMetrics, n.serviceGraph], ...(role === 'sampler' ? { processors: [n.samplerInstance] } : {}), exporters: [n.metricsExporter] };
  if (role !== 'sampler') {
    pipelines[n.appMetricsPipeline] = { receivers: ['otlp'], processors: [n.memoryLimiter], exporters: [n.appMetricsExporter] };
    pipelines[n.logsPipeline] = { receivers: ['otlp'], processors: [n.memoryLimiter], exporters: [n.logsExporter] };
  }
  return {
    extensions: {
      // listens on localhost unless told otherwise
      health_check: { endpoint: `0.0.0.0:${PORTS.collectorHealth}` },
      ...(opts.queueDirectory
        ? {
            [n.queueStorage]: {
              directory: opts.queueDirectory,
              // the targets mount a volume there; said so that `validate` (which stats it) passes anywhere
              create_directory: true,
              // compaction works beside the queue, not in /tmp (a read-only root file system)
              compaction: { directory: opts.queueDirectory, on_start: true, on_rebound: true },
            },
          }
        : {}),
    },
    receivers: {
      otlp: {
        protocols: {
          // the OTLP receiver listens on localhost unless told otherwise (since 0.104)
          grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` },
          // a sampler hears only the gateway, which sends OTLP/gRPC
          ...(role === 'sampler' ? {} : { http: { endpoint: `0.0.0.0:${PORTS.otlpHttp}` } }),
        },
      },
    },
    processors,
    ...(connectors
      ? {
          connectors: {
            [n.spanMetrics]: {
              namespace: SPAN_METRICS_NAMESPACE,
              // one series per service, whichever instance (pod, task, process) sent the span: by
              // default every distinct resource is its own stream, and the streams of two
              // instances carry the same Prometheus labels, so all but one were lost (found by the
              // live SLO test: a second process of checkout added nothing)
              resource_metrics_key_attributes: [...SPAN_METRICS_RESOURCE_KEY],
              // the default unit is moving from ms to s upstream: say it
              histogram: { unit: 's', explicit: { buckets } },
              exemplars: { enabled: true },
              metrics_flush_interval: flush,
            },
            [n.serviceGraph]: {
              latency_histogram_buckets: buckets,
              // an edge waits this long for its other half (the client or the server span)
              store: { ttl: `${Math.max(2, t?.decisionWaitSeconds ?? 2)}s`, max_items: Math.max(1000, Math.ceil((t?.expectedSpansPerSecond ?? 0) * 2)) },
              metrics_flush_interval: flush,
            },
          },
        }
      : {}),
    exporters: {
      ...(role === 'gateway'
        ? {
            [n.loadBalancer]: {
              // every span of a trace to the same sampler, so it decides on the whole trace
              routing_key: 'traceID',
              protocol: { otlp: { tls: { insecure: true } } },
              resolver: { dns: { hostname: opts.samplers!.hostname, port: String(opts.samplers!.port), interval: '5s', timeout: '1s' } },
              timeout,
              ...(opts.queueDirectory ? { sending_queue: queue() } : {}),
            },
          }
        : { [n.traceExporter]: { endpoint: opts.traceEndpoint, tls: { insecure: true }, timeout, sending_queue: queue({ batch: {} }) } }),
      ...(connectors
        ? {
            // its queue (remote_write_queue) stays in memory: the exporter takes no storage, and what
            // it sends are cumulative counters whose next flush carries the totals again
            [n.metricsExporter]: {
              http: { endpoint: opts.remoteWriteUrl, tls: { insecure: true } },
              timeout,
              // service.name etc. become `job`/`instance` and target_info, not labels on every series
              resource_to_telemetry_conversion: { enabled: false },
            },
          }
        : {}),
      ...(role === 'sampler'
        ? {}
        : {
            // Prometheus's OTLP receiver takes cumulative metrics with their exemplars; which resource
            // attributes become labels is Prometheus's choice (prometheus.yml `otlp:`)
            [n.appMetricsExporter]: { endpoint: opts.metricsOtlpUrl, tls: { insecure: true }, timeout, sending_queue: queue({ batch: {} }) },
            // Loki keeps trace_id/span_id of each record as structured metadata, service.name as a label
            [n.logsExporter]: { endpoint: opts.logsOtlpUrl, tls: { insecure: true }, timeout, sending_queue: queue({ batch: {} }) },
          }),
    },
    service: {
      extensions: ['health_check', ...(opts.queueDirectory ? [n.queueStorage] : [])],
      telemetry: {
        // without_type_suffix false: counters keep `_total` (otelcol_receiver_accepted_spans_total),
        // the names the dashboards and the collector mixins read; 0.159's exporter drops it by
        // default (found by running the real collector, test/live/tail-sampling.test.ts)
        metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: PORTS.collectorMetrics, without_type_suffix: false } } } }] },
        logs: { level: 'info' },
      },
      pipelines,
    },
  };
}

function tailSamplingProcessor(t: ResolvedTailSampling, numTraces: number): Record<string, unknown> {
  const policies: Record<string, unknown>[] = [];
  if (t.keepErrors) policies.push({ name: 'keep-errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } });
  // trace duration: earliest span start to latest span end
  policies.push({ name: 'keep-slow', type: 'latency', latency: { threshold_ms: t.slowerThanMs } });
  // a hash of the trace id decides, so the same trace gets the same answer on every collector
  if (t.ratio > 0) policies.push({ name: 'keep-ratio', type: 'probabilistic', probabilistic: { sampling_percentage: round(t.ratio * 100) } });
  return {
    decision_wait: `${t.decisionWaitSeconds}s`,
    num_traces: numTraces,
    expected_new_traces_per_sec: t.expectedSpansPerSecond,
    // remembers decided trace ids: a span arriving after its trace was decided follows the
    // decision (kept traces stay whole, dropped ones stay dropped) instead of starting a new trace
    decision_cache: { sampled_cache_size: numTraces, non_sampled_cache_size: numTraces },
    policies,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
