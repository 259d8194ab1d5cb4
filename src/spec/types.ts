/**
 * The spec a platform team writes once (as `stacks/o11y.yaml` or in TypeScript).
 * Its YAML/JSON form is checked by `spec-schema.ts`, which is compiled against these
 * interfaces, so the file format and the type are the same thing.
 */
export interface ObservabilitySpec {
  /** Organisation or system name; prefixes resource names. `[a-z][a-z0-9-]*`, at most 24 characters. */
  readonly name: string;
  /** The services that send telemetry to the stack. At least one; names unique. */
  readonly services: readonly ServiceSpec[];
  /**
   * Head-sampling default for every service without its own `sampling`.
   * @default { ratio: 1 }
   */
  readonly sampling?: SamplingSpec;
  /**
   * Context propagators every service uses (`OTEL_PROPAGATORS`).
   * @default ["tracecontext", "baggage"]
   */
  readonly propagators?: readonly Propagator[];
  /** Trace storage settings. */
  readonly tracing?: TracingSpec;
  /** Metrics storage settings. */
  readonly metrics?: MetricsSpec;
  /** Log storage settings (Loki). */
  readonly logs?: LogsSpec;
  /** SLO settings shared by every service's `slos`. */
  readonly slo?: SloSettingsSpec;
  /**
   * Where Alertmanager sends the stack's alerts (the SLO burn-rate alerts and the stack's own):
   * receivers, and which receiver gets each severity.
   * @default - no receivers: alerts fire and show in Alertmanager and Grafana, nobody is notified
   */
  readonly alerting?: AlertingSpec;
  /**
   * Per-environment overrides, keyed by stack name (`local`, `local-jaeger`, `staging`, `prod`).
   * An environment's values win over the base spec; see {@link EnvironmentOverride}.
   * @default {}
   */
  readonly environments?: Readonly<Record<string, EnvironmentOverride>>;
}

export type OtlpProtocol = 'grpc' | 'http/protobuf';
export const OTLP_PROTOCOLS = ['grpc', 'http/protobuf'] as const;

export type Propagator = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger' | 'xray' | 'ottrace';
export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace'] as const;

export interface ServiceSpec {
  /** `[a-z][a-z0-9-]*`, unique; becomes `OTEL_SERVICE_NAME` and `service.name`. */
  readonly name: string;
  /**
   * `service.version` resource attribute.
   * @default - not set
   */
  readonly version?: string;
  /**
   * `service.namespace` resource attribute.
   * @default - not set
   */
  readonly namespace?: string;
  /**
   * OTLP protocol the service's SDK exports with.
   * @default "http/protobuf"
   */
  readonly protocol?: OtlpProtocol;
  /**
   * Head sampling for this service (`parentbased_traceidratio`).
   * @default - the spec's `sampling`, else ratio 1
   */
  readonly sampling?: SamplingSpec;
  /**
   * A Prometheus endpoint the service exposes; the stack scrapes it.
   * @default - not scraped
   */
  readonly metrics?: ServiceMetricsSpec;
  /**
   * Extra resource attributes (string → string), added to `OTEL_RESOURCE_ATTRIBUTES`.
   * @default {}
   */
  readonly attributes?: Readonly<Record<string, string>>;
  /**
   * Service level objectives on the service's incoming requests (server and consumer spans),
   * measured from the stack's span metrics: at most one `availability` and one `latency`.
   * @default [] (no SLO, no burn-rate alerts)
   */
  readonly slos?: readonly SloSpec[];
}

/** What an SLO measures, from the span metrics of the service's server and consumer spans. */
export type SloIndicator = 'availability' | 'latency';
export const SLO_INDICATORS = ['availability', 'latency'] as const;

export interface SloSpec {
  /**
   * `availability`: the share of requests whose span is not an error; `latency`: the share of
   * requests that took at most `threshold`.
   */
  readonly name: SloIndicator;
  /** The target share, in percent, at least 90 and below 100 (`99.9`). */
  readonly objective: number;
  /**
   * `latency` only: the longest a good request may take (`300ms`, `1s`). It becomes a histogram
   * bucket boundary of the span metrics.
   * @default - none (required for latency)
   */
  readonly threshold?: string;
}

export interface SloSettingsSpec {
  /**
   * The SLO window: the error budget is (100 − objective) % of the requests in this window
   * (h, d or w). Burn rates are relative to it.
   * @default "28d"
   */
  readonly window?: string;
}

/** The severities the stack's alerts carry: `page` wakes someone, `ticket` can wait for working hours. */
export type AlertSeverity = 'page' | 'ticket';
export const ALERT_SEVERITIES = ['page', 'ticket'] as const;

/**
 * Alertmanager's receivers and routing. Secrets (webhook URLs, routing keys) are never written
 * here: a receiver names a secret, and each target supplies its value (an environment variable
 * for compose, a sensitive Terraform variable for the Docker stack, a Secrets Manager ARN on AWS).
 *
 * ```yaml
 * alerting:
 *   receivers:
 *     - { name: oncall, pagerduty: { routingKeySecret: pagerduty-routing-key } }
 *     - { name: sre, slack: { channel: "#sre-alerts", webhookUrlSecret: slack-webhook-url } }
 *   route: { page: oncall, ticket: sre }
 *   heartbeat: { urlSecret: heartbeat-url }
 * ```
 */
export interface AlertingSpec {
  /**
   * Where alerts can go; names unique. `unrouted` is taken (the receiver of alerts no route sends anywhere).
   * @default []
   */
  readonly receivers?: readonly AlertReceiverSpec[];
  /**
   * The receiver of each severity, by name.
   * @default {} (every alert stays unrouted: visible in Alertmanager and Grafana only)
   */
  readonly route?: AlertRouteSpec;
  /**
   * A dead man's switch: the always-firing `Watchdog` alert goes to this webhook (receiver
   * `heartbeat`, about once a minute) and to nothing else, so a heartbeat service (healthchecks.io,
   * Dead Man's Snitch, Opsgenie or PagerDuty heartbeats) raises the alarm when the pings stop:
   * Prometheus, its rules, Alertmanager or its egress are down. The name `heartbeat` is taken.
   * @default - none: `Watchdog` still fires, visible in Alertmanager and Grafana, but reaches no
   *   receiver; `o11y validate` warns when the environment routes alerts anywhere
   */
  readonly heartbeat?: WebhookReceiverSpec;
}

export interface AlertRouteSpec {
  /** @default - the `default` receiver */
  readonly page?: string;
  /** @default - the `default` receiver */
  readonly ticket?: string;
  /**
   * Alerts of any other severity, and of a severity without its own route.
   * @default - none: such alerts notify nobody
   */
  readonly default?: string;
}

/** One receiver: at least one of Slack, PagerDuty and a webhook (each gets every alert routed here). */
export interface AlertReceiverSpec {
  /** `[a-z][a-z0-9-]*`, unique. */
  readonly name: string;
  /** @default - no Slack message */
  readonly slack?: SlackReceiverSpec;
  /** @default - no PagerDuty event */
  readonly pagerduty?: PagerDutyReceiverSpec;
  /** @default - no webhook call */
  readonly webhook?: WebhookReceiverSpec;
}

export interface SlackReceiverSpec {
  /** The channel (`#sre-alerts`); the incoming webhook's own channel when it is that one. */
  readonly channel: string;
  /** The secret holding the Slack incoming-webhook URL. */
  readonly webhookUrlSecret: string;
}

export interface PagerDutyReceiverSpec {
  /** The secret holding the PagerDuty Events API v2 integration (routing) key. */
  readonly routingKeySecret: string;
}

/** Alertmanager's webhook JSON (version 4) POSTed to a URL: exactly one of `url` and `urlSecret`. */
export interface WebhookReceiverSpec {
  /**
   * The URL, when it holds no credential (an in-cluster relay).
   * @default - none
   */
  readonly url?: string;
  /**
   * The secret holding the URL, when the URL is a credential itself.
   * @default - none
   */
  readonly urlSecret?: string;
}

export interface SamplingSpec {
  /** Fraction of new traces kept by the service's head sampler, 0..1. */
  readonly ratio: number;
}

export interface ServiceMetricsSpec {
  /** Port of the service's metrics endpoint, 1..65535. */
  readonly port: number;
  /**
   * HTTP path of the metrics endpoint.
   * @default "/metrics"
   */
  readonly path?: string;
}

export interface TracingSpec {
  /**
   * How long Tempo keeps trace blocks (h, d or w).
   * @default "14d"
   */
  readonly retention?: string;
  /**
   * A trace slower than this counts as slow (dashboards, tail sampling). Milliseconds or seconds: `500ms`, `2s`.
   * @default "1s"
   */
  readonly slowerThan?: string;
  /**
   * Tail sampling: an OpenTelemetry Collector becomes the services' OTLP entry point, decides per
   * whole trace (errors and slow traces always kept, a ratio of the rest) and computes span
   * metrics and the service graph from every span before it drops any. Present means on;
   * an environment may turn it off with `enabled: false` or change single fields.
   * @default - off: head sampling in the SDKs only
   */
  readonly tailSampling?: TailSamplingSpec;
  /**
   * How Tempo runs: `monolithic` (one task, `-target=all`) or `distributed` (Tempo 3.0's
   * microservices on a Kafka log, Amazon MSK on AWS; AWS stacks only). See docs/tempo-distributed.md.
   * @default - "distributed" when Tempo would ingest more than 55 000 spans/s (tailSampling.expectedSpansPerSecond × tailSampling.ratio; the lower bound Tempo 3.0.3's docs give for one monolith), else "monolithic"
   */
  readonly mode?: TempoMode;
  /**
   * Sizes of distributed Tempo (read in distributed mode only); an environment changes single fields.
   * @default - each count from Tempo 3.0.3's sizing guide and the ingested volume (docs/tempo-distributed.md)
   */
  readonly distributed?: TempoDistributedSpec;
}

export const TEMPO_MODES = ['monolithic', 'distributed'] as const;
export type TempoMode = (typeof TEMPO_MODES)[number];

/** Replica counts of Tempo's microservices and the Kafka (Amazon MSK) cluster between them. */
export interface TempoDistributedSpec {
  /**
   * Partitions of the Kafka topic the distributors write to: the parallelism of the live-stores
   * and block-builders. Kafka never shrinks a topic; growing it is a Kafka-side step (docs/tempo-distributed.md).
   * @default - one per 10 MB/s ingested (500 bytes a span), at least 2
   */
  readonly partitions?: number;
  /**
   * Live-stores (recent traces for queries): one per partition, each consuming the partition of its ordinal.
   * @default - partitions
   */
  readonly liveStores?: number;
  /**
   * Block-builders (blocks to S3): each consumes partitions ÷ blockBuilders partitions, so it must divide partitions.
   * @default - partitions
   */
  readonly blockBuilders?: number;
  /**
   * Distributors (OTLP in, to Kafka).
   * @default - one per 10 MB/s ingested, at least 2
   */
  readonly distributors?: number;
  /**
   * Queriers.
   * @default - one per 2 MB/s ingested, at least 2
   */
  readonly queriers?: number;
  /**
   * Query-frontends (Grafana's entry point).
   * @default 2
   */
  readonly queryFrontends?: number;
  /**
   * Backend-workers (compaction and retention); the backend-scheduler is always one.
   * @default 2
   */
  readonly backendWorkers?: number;
  /**
   * Metrics-generators, where Tempo computes span metrics (not behind a tail-sampling collector),
   * at most partitions.
   * @default - 2, at most partitions
   */
  readonly metricsGenerators?: number;
  /** The Kafka cluster (Amazon MSK, provisioned). */
  readonly kafka?: TempoKafkaSpec;
}

export interface TempoKafkaSpec {
  /**
   * MSK broker instance type.
   * @default "kafka.m7g.large"
   */
  readonly instanceType?: string;
  /**
   * How long Kafka keeps the spans (h, d or w): long enough for a block-builder or live-store that
   * was down to replay what it missed.
   * @default "24h"
   */
  readonly retention?: string;
  /**
   * EBS storage per broker, GiB.
   * @default - the ingested bytes over the retention, three replicas spread over the brokers, plus 50 %
   */
  readonly volumeGiB?: number;
}

/** See docs/sampling.md ("Head and tail sampling") for the trade-offs. */
export interface TailSamplingSpec {
  /**
   * Turns tail sampling on or off (for an environment overriding the base spec).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Keep every trace that has a span with status ERROR.
   * @default true
   */
  readonly keepErrors?: boolean;
  /**
   * Keep every trace that lasts at least this long (first span start to last span end): `500ms`, `2s`.
   * @default - tracing.slowerThan ("1s")
   */
  readonly slowerThan?: string;
  /**
   * Of the traces no other rule keeps, the fraction kept (by a hash of the trace id), 0..1.
   * @default 0.1
   */
  readonly ratio?: number;
  /**
   * How long the collector buffers a trace after its first span before deciding (`10s`, `1m`),
   * 1s to 5m. Spans that arrive later are decided on their own.
   * @default "10s"
   */
  readonly decisionWait?: string;
  /**
   * Spans per second all services send together at peak; sizes the collector's trace buffer
   * (`num_traces`) and memory. See docs/sampling.md, "Sizing the collector".
   * @default 1000
   */
  readonly expectedSpansPerSecond?: number;
  /**
   * Tail-sampling collectors behind a load-balancing tier. With 2 or more, services send to a
   * stateless tier of collectors whose `load_balancing` exporter routes every span of a trace
   * (by trace id) to the same sampler, and each sampler decides its share of the traces. See
   * docs/sampling.md, "Scaling out the collector". Changing it reshuffles the traces in flight.
   * @default - 1 up to 80 000 spans/s, else one per 80 000 spans/s (a 4-vCPU sampler each)
   */
  readonly samplers?: number;
}

export interface MetricsSpec {
  /**
   * How long Prometheus keeps samples (h, d or w). With SLOs it must hold the SLO window
   * (`slo.window`), and the default is that window when it is longer than 15d.
   * @default "15d"
   */
  readonly retention?: string;
  /**
   * How often Prometheus scrapes the stack and the services, in seconds (`15s`).
   * @default "15s"
   */
  readonly scrapeInterval?: string;
}

export interface LogsSpec {
  /**
   * How long Loki keeps log lines (h, d or w; at least 24h), enforced by its compactor; on AWS the
   * logs bucket's lifecycle expires objects a margin after it.
   * @default "7d"
   */
  readonly retention?: string;
}

/**
 * What an environment changes. Precedence, most specific first:
 * `environments.<env>.services.<name>` → `environments.<env>` → the service → the spec.
 *
 * ```yaml
 * environments:
 *   prod:
 *     sampling: { ratio: 0.05 }          # every service in prod…
 *     services:
 *       checkout: { sampling: { ratio: 0.2 } }   # …but checkout keeps more
 *     tracing: { retention: 30d }
 * ```
 */
export interface EnvironmentOverride {
  /**
   * Head sampling for every service in this environment.
   * @default - the base spec's values
   */
  readonly sampling?: SamplingSpec;
  /** @default - the base spec's tracing settings */
  readonly tracing?: TracingSpec;
  /** @default - the base spec's metrics settings */
  readonly metrics?: MetricsSpec;
  /** @default - the base spec's logs settings */
  readonly logs?: LogsSpec;
  /** @default - the base spec's SLO settings */
  readonly slo?: SloSettingsSpec;
  /**
   * This environment's alerting, replacing the base spec's as a whole (receivers differ per
   * environment: staging pages nobody).
   * @default - the base spec's alerting
   */
  readonly alerting?: AlertingSpec;
  /**
   * Per-service overrides in this environment, keyed by service name.
   * @default {}
   */
  readonly services?: Readonly<Record<string, ServiceOverride>>;
}

export interface ServiceOverride {
  /** @default - the environment's, then the service's sampling */
  readonly sampling?: SamplingSpec;
  /**
   * Attributes merged over the service's own.
   * @default {}
   */
  readonly attributes?: Readonly<Record<string, string>>;
}
