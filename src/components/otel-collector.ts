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
  STOP_TIMEOUT_SECONDS,
} from '../spec/defaults';
import type { ResolvedSpec, ResolvedTailSampling } from '../spec/resolved';
import type { Component, ComponentName } from './component';
import { tempoIngestComponent } from './tempo-distributed';
import { fargateSizeAtLeast } from './task-sizes';
import type { Topology } from './topology';

export const COLLECTOR_CONFIG_PATH = '/etc/otelcol-contrib/config.yaml';
/**
 * The exporters' persistent sending queues (the `file_storage` extension): a volume, so a
 * collector killed by a crash or its memory limit finds what it had queued when it restarts
 * (Docker restarts the container on its volume; ECS restarts it inside the task, on the task's
 * storage). The contrib image is built from scratch and has no such directory: the targets hand
 * the volume to the collector's user (uid 10001) before it starts.
 */
export const COLLECTOR_QUEUE_DIR = '/var/lib/otelcol/file_storage';
export const COLLECTOR_QUEUE_VOLUME = 'collector-queue';

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
 * The documented sizing (docs/sampling.md, "Sizing the collector"):
 * - `num_traces = max(10 000, 2 × spans/s × decision_wait)`: every span could start its own
 *   trace, so spans/s × wait bounds the traces undecided at once; × 2 absorbs bursts and the
 *   decision tick. A full buffer evicts the oldest undecided traces, so too small loses traces.
 * - memory: `(64 MiB + spans/s × wait × 8 KiB) / 0.6`, because memory_limiter (80 % limit,
 *   20 % spike) starts refusing at 60 % of the container;
 * - CPU: spans/s ÷ 20 000 per vCPU, at least half a vCPU (figures measured: bench/README.md);
 * - then the smallest Fargate size with both (Docker gets the same memory as a hard limit).
 */
export function collectorSizing(t: ResolvedTailSampling): CollectorSizing {
  // each sampler holds its share: the load-balancing tier spreads traces evenly by trace id
  const spansPerSecond = t.expectedSpansPerSecond / t.samplers;
  const bufferedSpans = Math.ceil(spansPerSecond * t.decisionWaitSeconds);
  const numTraces = Math.max(MIN_NUM_TRACES, 2 * bufferedSpans);
  const memoryMiB = Math.ceil((COLLECTOR_BASE_MIB + (bufferedSpans * COLLECTOR_BYTES_PER_BUFFERED_SPAN) / 2 ** 20) / COLLECTOR_MEMORY_SOFT_SHARE);
  const cpu = Math.max(512, Math.ceil((spansPerSecond / COLLECTOR_SPANS_PER_SECOND_PER_VCPU) * 1024));
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
/**
 * A load-balancing collector holds no traces: one vCPU and 2 GiB a task (its queues to the
 * samplers), scaled out on CPU rather than up.
 */
export const GATEWAY_SIZING: CollectorSizing = { numTraces: 0, bufferedSpans: 0, cpu: 1024, memoryMiB: 2048 };

/** Two or more tail-sampling collectors: a load-balancing tier goes in front of them. */
export function isScaledOut(spec: ResolvedSpec): boolean {
  return (spec.tracing.tailSampling?.samplers ?? 1) > 1;
}

function collectorRenderInputs(spec: ResolvedSpec, topology: Topology) {
  // distributed Tempo takes traces at its distributors
  const store: ComponentName = topology.traceBackend === 'tempo' ? tempoIngestComponent(spec) : topology.traceBackend;
  return {
    store,
    spanMetrics: spanMetricsSource(spec, topology.traceBackend) === 'otel-collector',
    options: {
      traceEndpoint: `${topology.hostOf(store)}:${PORTS.otlpGrpc}`,
      remoteWriteUrl: `http://${topology.hostOf('prometheus')}:${PORTS.prometheus}${PROMETHEUS_REMOTE_WRITE_PATH}`,
      metricsOtlpUrl: `http://${topology.hostOf('prometheus')}:${PORTS.prometheus}${PROMETHEUS_OTLP_PATH}`,
      logsOtlpUrl: `http://${topology.hostOf('loki')}:${PORTS.loki}${LOKI_OTLP_PATH}`,
      flushIntervalSeconds: spec.metrics.scrapeIntervalSeconds,
      latencyBucketsSeconds: spanMetricsBuckets(spec),
    },
  };
}

const COLLECTOR_PORTS: Component['ports'] = [
  { name: 'otlp-grpc', port: PORTS.otlpGrpc, purpose: 'otlp-grpc', audience: 'services' },
  { name: 'otlp-http', port: PORTS.otlpHttp, purpose: 'otlp-http', audience: 'services' },
  { name: 'health', port: PORTS.collectorHealth, purpose: 'health', audience: 'internal' },
  { name: 'metrics', port: PORTS.collectorMetrics, purpose: 'metrics', audience: 'internal' },
];

/**
 * The OpenTelemetry Collector (contrib): the stack's one OTLP entry point for traces, metrics
 * and logs, in every stack. Services send all three signals to it; it forwards traces to the
 * trace store (tail-sampling them where the environment says so), the services' metrics to
 * Prometheus's OTLP receiver and logs to Loki, and computes span metrics and the service graph
 * from every span where the trace store does not. With several samplers it is their stateless
 * load-balancing tier instead: every span of a trace goes to one sampler, chosen by trace id.
 */
export function collectorComponent(spec: ResolvedSpec, topology: Topology): Component {
  const tail = spec.tracing.tailSampling;
  const gateway = isScaledOut(spec);
  // the gateway holds no traces: sized like a forwarding collector for its share of the load
  const sizing = tail && !gateway ? collectorSizing(tail) : gateway ? GATEWAY_SIZING : forwardingCollectorSizing();
  const { store, spanMetrics, options } = collectorRenderInputs(spec, topology);
  const config = renderCollectorConfig({
    ...options,
    ...(gateway ? { role: 'gateway' as const, samplers: { hostname: topology.hostOf('otel-sampler'), port: PORTS.otlpGrpc } } : {}),
    ...(tail ? { tailSampling: tail } : {}),
    spanMetrics,
    numTraces: sizing.numTraces,
    queueDirectory: COLLECTOR_QUEUE_DIR,
  });
  return {
    name: 'otel-collector',
    ...collectorProcess('otel-collector.yaml', config),
    ports: COLLECTOR_PORTS,
    dependsOn: gateway ? ['otel-sampler', 'prometheus', 'loki'] : [store, 'prometheus', 'loki'],
    flows: [
      ...(gateway ? [{ to: 'otel-sampler' as const, what: 'traces, every span of a trace to one sampler (by trace id)' }] : [{ to: store, what: tail ? 'traces kept by tail sampling' : 'traces' }]),
      ...(spanMetrics && !gateway ? [{ to: 'prometheus', what: 'span metrics, service graph from all spans (remote write)' } as const] : []),
      { to: 'prometheus', what: "services' metrics (OTLP)" },
      { to: 'loki', what: 'logs with trace ids (OTLP)' },
    ],
    otlpSignals: ['traces', 'metrics', 'logs'],
    // stateless in front of samplers: at least two (a deploy or a crash never cuts ingestion),
    // and as many 1-vCPU tasks as the peak needs at the per-vCPU figure of the full pipeline
    ...(gateway ? { autoscale: { min: 2, max: Math.max(2, Math.ceil(tail!.expectedSpansPerSecond / COLLECTOR_SPANS_PER_SECOND_PER_VCPU)), targetCpuPercent: 60 } } : {}),
    memoryLimitMiB: sizing.memoryMiB,
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.collector,
    resources: { cpu: sizing.cpu, memoryMiB: sizing.memoryMiB },
  };
}

/** What the collector and the samplers run alike: the contrib image on one rendered config. */
function collectorProcess(output: string, config: Record<string, unknown>) {
  return {
    image: IMAGES['otel-collector'],
    args: [`--config=${COLLECTOR_CONFIG_PATH}`],
    files: [{ output, mountPath: COLLECTOR_CONFIG_PATH, content: toYaml(config, GENERATED_HEADER) }],
    env: {},
    secrets: [],
    // the contrib image is built from scratch (no shell, no wget): nothing to run a check with
    // inside it; its health_check extension is probed from a sidecar where the target has them
    healthProbe: { port: PORTS.collectorHealth, httpPath: '/' },
    volumes: [{ name: COLLECTOR_QUEUE_VOLUME, mountPath: COLLECTOR_QUEUE_DIR, notInImage: true }],
    user: '10001',
    // ECS restarts it in its task after a crash or an OOM kill, so the task's storage, and the
    // queue on it, stays; a replaced task would start with an empty disk
    restartInTask: true,
  } satisfies Partial<Component>;
}

/**
 * The tail-sampling collectors behind the load-balancing tier (`samplers` of them): each gets
 * every span of the traces routed to it, so it computes span metrics and the service graph from
 * all their spans before it samples, and decides on whole traces. Sized for its share.
 */
export function samplerComponent(spec: ResolvedSpec, topology: Topology): Component {
  const tail = spec.tracing.tailSampling!;
  const sizing = collectorSizing(tail);
  const { store, options } = collectorRenderInputs(spec, topology);
  const config = renderCollectorConfig({ ...options, role: 'sampler', tailSampling: tail, spanMetrics: true, numTraces: sizing.numTraces, queueDirectory: COLLECTOR_QUEUE_DIR });
  return {
    name: 'otel-sampler',
    ...collectorProcess('otel-sampler.yaml', config),
    // only the gateway calls it (OTLP/gRPC); Prometheus scrapes each replica
    ports: [
      { name: 'otlp-grpc', port: PORTS.otlpGrpc, purpose: 'otlp-grpc', audience: 'internal' },
      { name: 'health', port: PORTS.collectorHealth, purpose: 'health', audience: 'internal' },
      { name: 'metrics', port: PORTS.collectorMetrics, purpose: 'metrics', audience: 'internal' },
    ],
    dependsOn: [store, 'prometheus'],
    flows: [
      { to: store, what: 'traces kept by tail sampling' },
      { to: 'prometheus', what: 'span metrics, service graph from all spans (remote write)' },
    ],
    replicas: tail.samplers,
    memoryLimitMiB: sizing.memoryMiB,
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.collector,
    resources: { cpu: sizing.cpu, memoryMiB: sizing.memoryMiB },
  };
}
