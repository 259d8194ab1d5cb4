import { renderCollectorConfig } from '../render/otel-collector';
import { spanMetricsBuckets, spanMetricsSource } from '../render/span-metrics';
import { LOKI_OTLP_PATH } from '../render/loki';
import { PROMETHEUS_OTLP_PATH, PROMETHEUS_REMOTE_WRITE_PATH } from '../render/prometheus';
import { GENERATED_HEADER, toYaml } from '../render/serialize';
import {
  COLLECTOR_BASE_MIB,
  COLLECTOR_BYTES_PER_BUFFERED_SPAN,
  COLLECTOR_MEMORY_SOFT_SHARE,
  COLLECTOR_SPANS_PER_SECOND_PER_VCPU,
  DEFAULT_EXPECTED_SPANS_PER_SECOND,
  IMAGES,
  PORTS,
} from '../spec/defaults';
import type { ResolvedSpec, ResolvedTailSampling } from '../spec/resolved';
import type { Component, ComponentName } from './component';
import { fargateSizeAtLeast } from './task-sizes';
import type { Topology } from './topology';

export const COLLECTOR_CONFIG_PATH = '/etc/otelcol-contrib/config.yaml';

/** The trace buffer never shrinks below tail_sampling's own scale of ten thousand traces. */
export const MIN_NUM_TRACES = 10_000;

export interface CollectorSizing {
  /** tail_sampling `num_traces`. */
  readonly numTraces: number;
  /** Spans held while traces wait for their decision. */
  readonly bufferedSpans: number;
  readonly cpu: number;
  readonly memoryMiB: number;
}

/**
 * The documented sizing (README "Sizing the collector"):
 * - `num_traces = max(10 000, 2 × spans/s × decision_wait)`: every span could start its own
 *   trace, so spans/s × wait bounds the traces undecided at once; × 2 absorbs bursts and the
 *   decision tick. A full buffer evicts the oldest undecided traces, so too small loses traces.
 * - memory: `(64 MiB + spans/s × wait × 8 KiB) / 0.6`, because memory_limiter (80 % limit,
 *   20 % spike) starts refusing at 60 % of the container;
 * - CPU: spans/s ÷ 20 000 per vCPU, at least half a vCPU (figures measured: bench/README.md);
 * - then the smallest Fargate size with both (Docker gets the same memory as a hard limit).
 */
export function collectorSizing(t: ResolvedTailSampling): CollectorSizing {
  const bufferedSpans = Math.ceil(t.expectedSpansPerSecond * t.decisionWaitSeconds);
  const numTraces = Math.max(MIN_NUM_TRACES, 2 * bufferedSpans);
  const memoryMiB = Math.ceil((COLLECTOR_BASE_MIB + (bufferedSpans * COLLECTOR_BYTES_PER_BUFFERED_SPAN) / 2 ** 20) / COLLECTOR_MEMORY_SOFT_SHARE);
  const cpu = Math.max(512, Math.ceil((t.expectedSpansPerSecond / COLLECTOR_SPANS_PER_SECOND_PER_VCPU) * 1024));
  return { numTraces, bufferedSpans, ...fargateSizeAtLeast(cpu, memoryMiB) };
}

/** Without tail sampling the collector holds no traces: it is sized for the default span rate. */
export function forwardingCollectorSizing(): CollectorSizing {
  const cpu = Math.max(512, Math.ceil((DEFAULT_EXPECTED_SPANS_PER_SECOND / COLLECTOR_SPANS_PER_SECOND_PER_VCPU) * 1024));
  const memoryMiB = Math.ceil(COLLECTOR_BASE_MIB / COLLECTOR_MEMORY_SOFT_SHARE);
  return { numTraces: 0, bufferedSpans: 0, ...fargateSizeAtLeast(cpu, memoryMiB) };
}

/**
 * The OpenTelemetry Collector (contrib): the stack's one OTLP entry point for traces, metrics
 * and logs, in every stack. Services send all three signals to it; it forwards traces to the
 * trace store (tail-sampling them where the environment says so), the services' metrics to
 * Prometheus's OTLP receiver and logs to Loki, and computes span metrics and the service graph
 * from every span where the trace store does not.
 */
export function collectorComponent(spec: ResolvedSpec, topology: Topology): Component {
  const tail = spec.tracing.tailSampling;
  const sizing = tail ? collectorSizing(tail) : forwardingCollectorSizing();
  const store: ComponentName = topology.traceBackend;
  const spanMetrics = spanMetricsSource(spec, topology.traceBackend) === 'otel-collector';
  const config = renderCollectorConfig({
    ...(tail ? { tailSampling: tail } : {}),
    spanMetrics,
    traceEndpoint: `${topology.hostOf(store)}:${PORTS.otlpGrpc}`,
    remoteWriteUrl: `http://${topology.hostOf('prometheus')}:${PORTS.prometheus}${PROMETHEUS_REMOTE_WRITE_PATH}`,
    metricsOtlpUrl: `http://${topology.hostOf('prometheus')}:${PORTS.prometheus}${PROMETHEUS_OTLP_PATH}`,
    logsOtlpUrl: `http://${topology.hostOf('loki')}:${PORTS.loki}${LOKI_OTLP_PATH}`,
    numTraces: sizing.numTraces,
    flushIntervalSeconds: spec.metrics.scrapeIntervalSeconds,
    latencyBucketsSeconds: spanMetricsBuckets(spec),
  });
  return {
    name: 'otel-collector',
    image: IMAGES['otel-collector'],
    args: [`--config=${COLLECTOR_CONFIG_PATH}`],
    ports: [
      { name: 'otlp-grpc', port: PORTS.otlpGrpc, purpose: 'otlp-grpc', audience: 'services' },
      { name: 'otlp-http', port: PORTS.otlpHttp, purpose: 'otlp-http', audience: 'services' },
      { name: 'health', port: PORTS.collectorHealth, purpose: 'health', audience: 'internal' },
      { name: 'metrics', port: PORTS.collectorMetrics, purpose: 'metrics', audience: 'internal' },
    ],
    files: [{ output: 'otel-collector.yaml', mountPath: COLLECTOR_CONFIG_PATH, content: toYaml(config, GENERATED_HEADER) }],
    env: {},
    secrets: [],
    // the contrib image is built from scratch (no shell, no wget): nothing to run a check with
    // inside it; its health_check extension is probed from a sidecar where the target has them
    healthProbe: { port: PORTS.collectorHealth, httpPath: '/' },
    volumes: [],
    user: '10001',
    dependsOn: [store, 'prometheus', 'loki'],
    flows: [
      { to: store, what: tail ? 'traces kept by tail sampling' : 'traces' },
      ...(spanMetrics ? [{ to: 'prometheus', what: 'span metrics, service graph from all spans (remote write)' } as const] : []),
      { to: 'prometheus', what: "services' metrics (OTLP)" },
      { to: 'loki', what: 'logs with trace ids (OTLP)' },
    ],
    otlpSignals: ['traces', 'metrics', 'logs'],
    memoryLimitMiB: sizing.memoryMiB,
    resources: { cpu: sizing.cpu, memoryMiB: sizing.memoryMiB },
  };
}
