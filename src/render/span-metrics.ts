import { OTEL_SDK_EXEMPLAR_LABEL, TEMPO_EXEMPLAR_LABEL } from '../spec/defaults';
import { SPAN_METRICS_BUCKETS_SECONDS } from './otel-collector';
import type { ResolvedSpec } from '../spec/resolved';

/**
 * Who turns spans into RED metrics and the service graph: Tempo's metrics-generator (from the
 * spans Tempo stores) or the collector's connectors (from every span, before tail sampling).
 */
export type SpanMetricsSource = 'tempo' | 'otel-collector';

/** The series a span-metrics source writes into Prometheus, as dashboards must query them. */
export interface SpanMetricsSchema {
  readonly source: SpanMetricsSource;
  /** Counter of spans, with span_name, span_kind and status_code labels. */
  readonly calls: string;
  /** Latency histogram `_bucket` series, in seconds. */
  readonly latencyBucket: string;
  /** The label holding `service.name`. */
  readonly serviceLabel: string;
  /** The label under which exemplars carry the trace id. */
  readonly exemplarLabel: string;
}

/**
 * Names and labels as the upstream code writes them:
 * - Tempo: grafana/tempo modules/generator/processor/spanmetrics (`traces_spanmetrics_latency`,
 *   label `service`), exemplar label from `trace_id_label_name` (we set `traceID`);
 * - the collector: span_metrics connector with namespace `traces.spanmetrics` and unit `s`
 *   (`traces.spanmetrics.duration` → `traces_spanmetrics_duration_seconds`, `service.name` →
 *   `service_name`), exported by prometheus_remote_write, whose exemplars carry `trace_id`.
 * span_name, span_kind (`SPAN_KIND_SERVER`…) and status_code (`STATUS_CODE_ERROR`) are the same in both.
 */
export const SPAN_METRICS: Readonly<Record<SpanMetricsSource, SpanMetricsSchema>> = {
  tempo: {
    source: 'tempo',
    calls: 'traces_spanmetrics_calls_total',
    latencyBucket: 'traces_spanmetrics_latency_bucket',
    serviceLabel: 'service',
    exemplarLabel: TEMPO_EXEMPLAR_LABEL,
  },
  'otel-collector': {
    source: 'otel-collector',
    calls: 'traces_spanmetrics_calls_total',
    latencyBucket: 'traces_spanmetrics_duration_seconds_bucket',
    serviceLabel: 'service_name',
    exemplarLabel: OTEL_SDK_EXEMPLAR_LABEL,
  },
};

/**
 * With tail sampling, the collector computes them from every span (Tempo's generator would see
 * only kept traces, so it is off); without, Tempo's generator does, and in a Jaeger stack (Jaeger
 * computes none) the collector that every stack runs.
 */
export function spanMetricsSource(spec: ResolvedSpec, traceBackend: 'tempo' | 'jaeger'): SpanMetricsSource {
  if (spec.tracing.tailSampling) return 'otel-collector';
  return traceBackend === 'tempo' ? 'tempo' : 'otel-collector';
}

/**
 * The latency histogram's bucket boundaries (seconds): Tempo's defaults plus every latency SLO
 * threshold of the spec, so "requests at or under the threshold" is one bucket's count, exactly.
 */
export function spanMetricsBuckets(spec: ResolvedSpec): number[] {
  const thresholds = spec.services.flatMap((s) => s.slos.flatMap((x) => (x.thresholdMs !== undefined ? [x.thresholdMs / 1000] : [])));
  return [...new Set([...SPAN_METRICS_BUCKETS_SECONDS, ...thresholds])].sort((a, b) => a - b);
}
