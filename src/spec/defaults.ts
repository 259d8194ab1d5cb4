/**
 * Every default of the spec and of the stack, in one place: the docs, the renderers and
 * the checks read these names, so they cannot drift apart.
 */
import type { OtlpProtocol, Propagator } from './types';

export const DEFAULT_PROTOCOL: OtlpProtocol = 'http/protobuf';
export const DEFAULT_SAMPLING_RATIO = 1;
export const DEFAULT_PROPAGATORS: readonly Propagator[] = ['tracecontext', 'baggage'];
export const DEFAULT_TRACING_RETENTION = '14d';
export const DEFAULT_SLOWER_THAN = '1s';
/** Without SLOs; with them the default is the SLO window when that is longer (it must fit). */
export const DEFAULT_METRICS_RETENTION = '15d';
export const DEFAULT_SCRAPE_INTERVAL = '15s';
export const DEFAULT_LOGS_RETENTION = '7d';
/**
 * The SLO window: four whole weeks, so every window holds the same weekdays and weekends
 * (30 days would not). The burn-rate factors are derived from it (src/render/slo-rules.ts).
 */
export const DEFAULT_SLO_WINDOW = '28d';
/** The receiver Alertmanager gives alerts no route sends anywhere (rendered, so a spec may not name one so). */
export const UNROUTED_RECEIVER = 'unrouted';
/** The receiver of the always-firing Watchdog alert (`alerting.heartbeat`): rendered, so taken too. */
export const HEARTBEAT_RECEIVER = 'heartbeat';
export const MIN_SLO_WINDOW_HOURS = 7 * 24;
/** The longest window a burn-rate alert reads (the 3-day ticket, src/render/slo-rules.ts): Prometheus must keep it. */
export const LONGEST_BURN_RATE_WINDOW_HOURS = 72;
export const MAX_SLO_WINDOW_HOURS = 90 * 24;
export const DEFAULT_METRICS_PATH = '/metrics';
export const DEFAULT_TAIL_SAMPLING_RATIO = 0.1;
export const DEFAULT_DECISION_WAIT = '10s';
export const DEFAULT_EXPECTED_SPANS_PER_SECOND = 1000;
/** Every trace of the wait window is held in memory; minutes of it is a memory problem, not a setting. */
export const MAX_DECISION_WAIT_SECONDS = 300;
/**
 * Collector sizing figures (docs/sampling.md, "Sizing the collector"), measured with `npm run bench:collector`
 * (method, machine and results in bench/README.md), each with a safety margin. One buffered span,
 * as resident memory (the Go heap with its GC headroom): measured 4.7–7.9 KB over two runs, rounded up to 8 KiB …
 */
export const COLLECTOR_BYTES_PER_BUFFERED_SPAN = 8192;
/** … the collector's own footprint besides the buffer: measured 38–40 MiB idle, rounded up to 64 MiB for a real service mix's span-metrics series … */
export const COLLECTOR_BASE_MIB = 64;
/** … spans per second one vCPU carries through receive, two connectors and tail sampling: measured 25 000–41 000 per core over two runs, rounded down to 20 000 … */
export const COLLECTOR_SPANS_PER_SECOND_PER_VCPU = 20_000;
/** … and memory_limiter's limit and spike (percent of the container's cgroup limit): it refuses data above limit − spike. */
export const COLLECTOR_MEMORY_LIMIT_PERCENT = 80;
export const COLLECTOR_MEMORY_SPIKE_PERCENT = 20;
export const COLLECTOR_MEMORY_SOFT_SHARE = (COLLECTOR_MEMORY_LIMIT_PERCENT - COLLECTOR_MEMORY_SPIKE_PERCENT) / 100;
/** The largest Fargate task: 16 vCPU (16384 units), 120 GiB. One collector must fit in it. */
export const FARGATE_MAX_CPU_UNITS = 16_384;
export const FARGATE_MAX_MEMORY_MIB = 122_880;
/** The longest ECS container `stopTimeout` Fargate allows, in seconds (its default is 30). */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/**
 * Seconds each component gets between SIGTERM and SIGKILL (ECS `stopTimeout`, Docker
 * `stop_timeout`, compose `stop_grace_period`), from what its shutdown must finish; the
 * shutdown check (src/checks/shutdown.ts) holds each component's own timeouts within it, and
 * docs/aws.md ("Stopping without losing data") tells what each covers.
 */
export const STOP_TIMEOUT_SECONDS = {
  /** server.graceful_shutdown_timeout (30 s) + ingester.flush_op_timeout (60 s): the chunk flush (flush_on_shutdown). */
  loki: FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  /** server.graceful_shutdown_timeout + backend_worker.finish_on_shutdown_timeout + the live-store's fixed 30 s to write its remaining blocks. */
  tempo: FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  /** No shutdown timeout of its own: closing the TSDB waits for a running head compaction. */
  prometheus: FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  /** In-flight exports (each at most the exporters' timeout); the persistent queues keep the rest. */
  collector: 30,
  /** Grafana, Alertmanager, Jaeger: an HTTP server and small local state to close. */
  other: 30,
} as const;
/** Loki's `server.graceful_shutdown_timeout`, said explicitly (its default): in-flight pushes and queries finish. */
export const LOKI_GRACEFUL_SHUTDOWN = '30s';
/** Loki's `ingester.flush_op_timeout` (default 10 m): one flush of a stream's chunks at shutdown fits the stop timeout. */
export const LOKI_FLUSH_OP_TIMEOUT = '1m';
/** Tempo's `server.graceful_shutdown_timeout` and `backend_worker.finish_on_shutdown_timeout`, said explicitly (their defaults). */
export const TEMPO_GRACEFUL_SHUTDOWN = '30s';
export const TEMPO_FINISH_ON_SHUTDOWN = '30s';
/**
 * One collector instance on the largest task: 16 vCPU at the per-vCPU figure. Beyond this a
 * load-balancing tier in front of several collectors is needed (not built here).
 */
export const MAX_EXPECTED_SPANS_PER_SECOND = (FARGATE_MAX_CPU_UNITS / 1024) * COLLECTOR_SPANS_PER_SECOND_PER_VCPU;
/**
 * Above this rate the spec's default is several tail-sampling collectors behind a load-balancing
 * tier, one per this many spans/s: a 4-vCPU sampler at the measured per-vCPU figure. Many mid-size
 * samplers deploy faster and lose less on a crash (its undecided traces) than one giant task.
 */
export const SAMPLER_SPANS_PER_SECOND = 4 * COLLECTOR_SPANS_PER_SECOND_PER_VCPU;
/** The most samplers a spec may ask for (each is a task; a change of N reshuffles traces in flight). */
export const MAX_SAMPLERS = 64;
/** The most spans/s a spec may expect: every sampler at one collector's maximum. */
export const MAX_TOTAL_SPANS_PER_SECOND = MAX_SAMPLERS * MAX_EXPECTED_SPANS_PER_SECOND;
/** Spans one collector can hold while traces wait for a decision (spans/s × decisionWait), on the largest task. */
export const MAX_BUFFERED_SPANS = Math.floor(((FARGATE_MAX_MEMORY_MIB * COLLECTOR_MEMORY_SOFT_SHARE - COLLECTOR_BASE_MIB) * 2 ** 20) / COLLECTOR_BYTES_PER_BUFFERED_SPAN);

/**
 * Tempo distributed: the figures come from Tempo 3.0.3's own docs (grafana/tempo at v3.0.3).
 * One monolith is for "under 25-35 MB/s or 55k-80k spans/s" (set-up-for-tracing/setup-tempo/plan/
 * deployment-modes.md): above the lower bound the default is distributed.
 */
export const TEMPO_MONOLITH_SPANS_PER_SECOND = 55_000;
/** "a typical span size of around 500 bytes" (operations/manage-trace-ingestion.md), to turn spans/s into the MB/s the sizing guide speaks in. */
export const TEMPO_BYTES_PER_SPAN = 500;
/** "plan for approximately 10 MB/s of peak ingestion throughput per partition" (setup-tempo/migrate-to-3.md). */
export const TEMPO_BYTES_PER_SECOND_PER_PARTITION = 10_000_000;
/** Distributor: "1 replica per every 10MB/s of received traffic" (plan/size.md). */
export const TEMPO_BYTES_PER_SECOND_PER_DISTRIBUTOR = 10_000_000;
/** Querier: "1 replica per every 1-2MB/s of received traffic" (plan/size.md): the 2 MB/s end. */
export const TEMPO_BYTES_PER_SECOND_PER_QUERIER = 2_000_000;
/** A live-store cuts a trace from its live set at most this long after its first span (`live_store.max_trace_live`, 3.0.3 manifest). */
export const TEMPO_MAX_TRACE_LIVE_SECONDS = 30;
/** The most partitions (so live-stores and block-builders) a spec may ask for. */
export const MAX_TEMPO_PARTITIONS = 64;
/** The most replicas of one stateless Tempo role a spec may ask for. */
export const MAX_TEMPO_REPLICAS = 64;
/** MSK's largest EBS volume per broker (16 TiB). */
export const MAX_MSK_VOLUME_GIB = 16_384;
export const DEFAULT_MSK_INSTANCE_TYPE = 'kafka.m7g.large';
export const DEFAULT_KAFKA_RETENTION = '24h';
/** Block-builders cut blocks every 5 m (`consume_cycle_duration`); a consumer that was down for a deploy or an outage must find its data still there. */
export const MIN_KAFKA_RETENTION_HOURS = 6;
/** The topic the distributors write to and every consumer group reads. */
export const TEMPO_KAFKA_TOPIC = 'tempo-traces';
/**
 * Tempo's producer sends record batches of up to 16 000 000 bytes (`producerBatchMaxBytes`,
 * pkg/ingest/config.go at v3.0.3): the brokers' `message.max.bytes` must take them (Kafka's default is about 1 MB).
 */
export const TEMPO_KAFKA_MAX_BATCH_BYTES = 16_000_000;
/** What the MSK configuration sets `message.max.bytes` (and `replica.fetch.max.bytes`) to: 16 MiB. */
export const KAFKA_MESSAGE_MAX_BYTES = 16_777_216;

/**
 * Tempo compacts blocks in 1 h windows and keeps compacted blocks 1 h more
 * (`compaction_window`, `compacted_block_retention` in the 3.0.3 manifest): a shorter
 * retention would delete blocks before they are compacted.
 */
export const MIN_TRACING_RETENTION_HOURS = 2;
/**
 * Prometheus and Tempo hold durations as Go `time.Duration` (at most 2562047h); ten years is
 * far below that and far beyond any sane trace or metrics retention.
 */
export const MAX_RETENTION_HOURS = 87_600;
/** Prometheus needs at least one 2 h head block to persist anything. */
export const MIN_METRICS_RETENTION_HOURS = 2;
/**
 * Loki refuses a `retention_period` under 24 h (its index tables are per day, and the compactor
 * deletes whole days of a stream); zero would mean "keep forever", which a spec never asks for.
 */
export const MIN_LOGS_RETENTION_HOURS = 24;

/**
 * How the live tests get a component's binary at exactly the deployed version: built from the Go
 * module proxy (`go build` of `packages` in `module@version`), cached by version outside the repo
 * (test/live/support/binaries.ts). Grafana, Tempo and Loki are AGPL: they have no build here.
 */
export interface GoBuild {
  readonly module: string;
  /** The module version whose source is the image's: Prometheus v3.X.Y is module v0.3XX.Y. */
  readonly version: string;
  /** Main packages inside the module → binary names. */
  readonly packages: Readonly<Record<string, string>>;
  /** Why `version` is the image's code, where the mapping is not mechanical. */
  readonly note?: string;
  /**
   * The module's own `replace` directives: Go ignores them when the module is a dependency, so
   * the build repeats them (as `go install pkg@version` refuses a module that has any).
   * @default - none
   */
  readonly replace?: Readonly<Record<string, string>>;
  /**
   * Files the upstream release generates before `go build` (a web UI embedded with `go:embed`)
   * that the module zip lacks: the build compiles a copy of the module with these added, by path
   * inside the module.
   * @default - none: the module as the proxy serves it
   */
  readonly generatedFiles?: Readonly<Record<string, string>>;
  /**
   * `-ldflags` the upstream release build sets (the version the binary reports).
   * @default - none
   */
  readonly ldflags?: string;
}

/** Prometheus's release; its Go module tags v3.X.Y as v0.3XX.Y (two-digit minor). */
const PROMETHEUS_RELEASE = '3.16.0';
function prometheusModuleVersion(release: string): string {
  const [major, minor, patch] = release.split('.').map(Number);
  return `v0.${major * 100 + minor}.${patch}`;
}

export interface PinnedVersion {
  readonly repository: string;
  readonly tag: string;
  /** @default - not built here (AGPL, or nothing to run) */
  readonly build?: GoBuild;
}

/**
 * The version table: every image the stacks deploy (never `latest`; bumping one is a reviewed
 * change) and, where we may build it, the Go module version the live tests build and run.
 * One table, so what is tested is what is deployed (test/spec/versions.test.ts checks the pairs).
 */
export const VERSIONS = {
  tempo: { repository: 'grafana/tempo', tag: '3.0.3' },
  prometheus: {
    repository: 'prom/prometheus',
    tag: `v${PROMETHEUS_RELEASE}`,
    build: {
      module: 'github.com/prometheus/prometheus',
      version: prometheusModuleVersion(PROMETHEUS_RELEASE),
      packages: { 'cmd/prometheus': 'prometheus', 'cmd/promtool': 'promtool' },
      ldflags: `-X github.com/prometheus/common/version.Version=${PROMETHEUS_RELEASE}`,
    },
  },
  // AGPL: not built here; loki.yaml is checked against the 3.7.6 configuration reference
  loki: { repository: 'grafana/loki', tag: '3.7.6' },
  // keep the image on the minor version of @grafana/schema that types the dashboards
  grafana: { repository: 'grafana/grafana', tag: '13.2.3' },
  jaeger: {
    repository: 'jaegertracing/jaeger',
    tag: '2.13.0',
    build: {
      module: 'github.com/jaegertracing/jaeger',
      version: 'v1.76.0',
      packages: { 'cmd/jaeger': 'jaeger' },
      // Jaeger tags each v2 release twice; only the v1.x tag is a Go module version the proxy serves
      note: 'v1.76.0 and v2.13.0 tag the same commit (63b27e1810a7)',
      replace: { 'github.com/Shopify/sarama': 'github.com/Shopify/sarama v1.33.0' },
    },
  },
  alertmanager: {
    repository: 'prom/alertmanager',
    tag: 'v0.35.0',
    build: {
      module: 'github.com/prometheus/alertmanager',
      version: 'v0.35.0',
      packages: { 'cmd/alertmanager': 'alertmanager', 'cmd/amtool': 'amtool' },
      ldflags: '-X github.com/prometheus/common/version.Version=0.35.0',
      // the release embeds its web UI, built by npm before `go build`; the module zip lacks it
      generatedFiles: { 'ui/app/dist/index.html': '<!doctype html><title>Alertmanager</title><p>Web UI not built (o11y-stack live tests); the API is /api/v2.</p>\n' },
    },
  },
  // the contrib image; the live tests build a collector of the same release with exactly the
  // components the rendered configs use (test/live/support/collector-build.ts)
  'otel-collector': { repository: 'otel/opentelemetry-collector-contrib', tag: '0.159.0' },
} as const satisfies Record<string, PinnedVersion>;

/** Pinned images: the version table without its build recipes. */
export const IMAGES: { readonly [K in keyof typeof VERSIONS]: { readonly repository: string; readonly tag: string } } = Object.fromEntries(
  Object.entries(VERSIONS).map(([k, v]) => [k, { repository: v.repository, tag: v.tag }]),
) as never;

/**
 * Test tools (not deployed): telemetrygen, the contrib load generator the collector benchmark
 * drives. It only speaks OTLP, so its release need not match the collector's; v0.159.0's
 * source archive is not served by the proxy, v0.160.0's is.
 */
export const TEST_TOOLS = {
  telemetrygen: { module: 'github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen', version: 'v0.160.0', packages: { '.': 'telemetrygen' } },
} as const satisfies Record<string, GoBuild>;

/**
 * The label under which Tempo's metrics-generator writes the trace id of an exemplar
 * (`overrides.defaults.metrics_generator.trace_id_label_name`, default `traceID`).
 * We set it explicitly so the exemplar chain does not hang on an upstream default.
 */
export const TEMPO_EXEMPLAR_LABEL = 'traceID';
/** The label OpenTelemetry SDKs' Prometheus exporters put on exemplars they expose. */
export const OTEL_SDK_EXEMPLAR_LABEL = 'trace_id';

/** Fixed Grafana datasource uids: dashboards and links refer to these in every stack. */
export const DATASOURCE_UIDS = {
  prometheus: 'o11y-prometheus',
  tempo: 'o11y-tempo',
  jaeger: 'o11y-jaeger',
  loki: 'o11y-loki',
  alertmanager: 'o11y-alertmanager',
} as const;

/**
 * Where Loki keeps the trace id of a log record it took over OTLP: the record's trace id becomes
 * structured metadata `trace_id` (Loki 3.x, pkg/loghttp/push/otlp.go), not a label and not text
 * in the line. Grafana's derived field reads exactly this name.
 */
export const LOKI_TRACE_ID_FIELD = 'trace_id';
/**
 * The index label Loki makes of `service.name` (one of its default resource attributes as
 * labels; dots become underscores). Traces-to-logs queries filter on it.
 */
export const LOKI_SERVICE_LABEL = 'service_name';

/** Well-known ports. */
export const PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  tempoHttp: 3200,
  tempoGrpc: 9095,
  prometheus: 9090,
  grafana: 3000,
  jaegerUi: 16686,
  jaegerHealth: 13133,
  jaegerMetrics: 8888,
  collectorHealth: 13133,
  collectorMetrics: 8888,
  loki: 3100,
  lokiGrpc: 9095,
  alertmanager: 9093,
  /** dskit's memberlist (TCP): Tempo's rings in distributed mode. */
  tempoMemberlist: 7946,
  /** MSK's plaintext listener: the only one Tempo 3.0.3's Kafka client can use (docs/tempo-distributed.md). */
  kafkaPlaintext: 9092,
} as const;
