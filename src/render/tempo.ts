import { PORTS, TEMPO_EXEMPLAR_LABEL, TEMPO_FINISH_ON_SHUTDOWN, TEMPO_GRACEFUL_SHUTDOWN, TEMPO_KAFKA_TOPIC } from '../spec/defaults';
import { goHours } from '../spec/duration';
import type { ResolvedSpec } from '../spec/resolved';
import { spanMetricsBuckets } from './span-metrics';

export type TempoStorage =
  | { readonly kind: 'local'; readonly path: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      /** SSE-KMS key; without it the bucket's default SSE-S3 encryption applies. @default - none */
      readonly kmsKeyArn?: string;
    };

export interface TempoRenderOptions {
  readonly storage: TempoStorage;
  /** Prometheus remote-write URL the metrics-generator sends span metrics and service graphs to. */
  readonly remoteWriteUrl: string;
  /** Root of Tempo's working data (WAL, generator WAL, live-store, scheduler work). */
  readonly dataDir: string;
  /**
   * The metrics-generator processors to run; none turns the generator off (the collector
   * computes span metrics from all spans when it tail-samples).
   * @default TEMPO_PROCESSORS
   */
  readonly generatorProcessors?: readonly TempoProcessor[];
  /**
   * Microservices mode: one file for every role, each task choosing its own with `-target=`.
   * @default - monolithic (`target: all`)
   */
  readonly distributed?: TempoDistributedRender;
}

/** Environment variables the distributed config reads (Tempo expands them with `-config.expand-env=true`). */
export const TEMPO_ENV = {
  /** `<role>-<ordinal>`: the live-store's ring id and the block-builder's id; Tempo takes the partition from the trailing number. */
  instanceId: 'TEMPO_INSTANCE_ID',
  /** One Kafka broker, `host:port` (Tempo 3.0.3 takes one seed address). Known only once the cluster exists. */
  kafkaAddress: 'TEMPO_KAFKA_ADDRESS',
} as const;

export interface TempoDistributedRender {
  /** Memberlist seeds: every role's discovery name (the rings of all roles share one memberlist cluster). */
  readonly joinMembers: readonly string[];
  /** `host:port` of the query-frontends' gRPC, which the queriers pull work from. */
  readonly queryFrontendAddress: string;
  /** `host:port` of the backend-scheduler's gRPC, which the backend-workers pull jobs from. */
  readonly backendSchedulerAddress: string;
  /** Partitions of the topic (Tempo creates it with this many). */
  readonly partitions: number;
  /** Partitions each block-builder consumes (partitions ÷ block-builders). */
  readonly partitionsPerBlockBuilder: number;
  /**
   * Live traces one live-store may hold (`overrides.defaults.ingestion.max_traces_per_user`), where
   * the volume is known; the live-store's byte limit (`max_live_traces_bytes`) still bounds its memory.
   * @default - Tempo's 10 000
   */
  readonly maxLiveTracesPerLiveStore?: number;
  /**
   * Network interfaces the rings advertise an address from, in order. On Fargate `eth0` is the
   * task metadata link (169.254.172.x) and the VPC address is on `eth1`.
   */
  readonly interfaceNames: readonly string[];
}

/** The roles (`-target=`) of Tempo 3.0 in microservices mode. */
export const TEMPO_ROLES = ['distributor', 'live-store', 'block-builder', 'query-frontend', 'querier', 'backend-scheduler', 'backend-worker', 'metrics-generator'] as const;
export type TempoRole = (typeof TEMPO_ROLES)[number];
/** The roles that talk to Kafka: the distributors produce, the others consume (Tempo 3.0.3 docs, components/kafka.md). */
export const TEMPO_KAFKA_ROLES: readonly TempoRole[] = ['distributor', 'live-store', 'block-builder', 'metrics-generator'];

/** The metrics-generator processors the stack enables (Tempo's names). */
export const TEMPO_PROCESSORS = ['service-graphs', 'span-metrics'] as const;
export type TempoProcessor = (typeof TEMPO_PROCESSORS)[number];

/**
 * tempo.yaml for Tempo 3.0.x, monolithic (`target: all`) or, with `distributed`, the one file every
 * microservice reads (its role from `-target=`). No 2.x sections: the
 * ingester and compactor are gone in 3.0 and an unknown key stops Tempo at start-up, so
 * every key here is checked against the 3.0.3 manifest in the tests.
 * Retention is set on both the backend scheduler and the backend worker (3.0 splits them).
 */
export function renderTempoConfig(spec: ResolvedSpec, opts: TempoRenderOptions): Record<string, unknown> {
  const retention = goHours(spec.tracing.retentionHours);
  const d = opts.dataDir;
  const processors = opts.generatorProcessors ?? TEMPO_PROCESSORS;
  const storage: Record<string, unknown> = {
    backend: opts.storage.kind,
    wal: { path: `${d}/wal` },
  };
  if (opts.storage.kind === 'local') {
    storage.local = { path: opts.storage.path };
  } else {
    storage.s3 = {
      bucket: opts.storage.bucket,
      region: opts.storage.region,
      endpoint: `s3.${opts.storage.region}.amazonaws.com`,
      // no access_key/secret_key: the client's credential chain picks up the ECS task role
      ...(opts.storage.kmsKeyArn ? { sse: { type: 'SSE-KMS', kms_key_id: opts.storage.kmsKeyArn } } : {}),
    };
  }
  const dist = opts.distributed;
  const ring = dist ? { instance_interface_names: [...dist.interfaceNames] } : undefined;
  return {
    // distributed: each task names its role with -target=
    ...(dist ? {} : { target: 'all' }),
    stream_over_http_enabled: true,
    server: {
      http_listen_port: PORTS.tempoHttp,
      grpc_listen_port: PORTS.tempoGrpc,
      log_level: 'info',
      // said explicitly (the default), as the shutdown check adds it up against the stop timeout
      graceful_shutdown_timeout: TEMPO_GRACEFUL_SHUTDOWN,
    },
    distributor: {
      ...(ring ? { ring } : {}),
      receivers: {
        otlp: {
          protocols: {
            // the OTLP receiver listens on localhost unless told otherwise
            grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` },
            http: { endpoint: `0.0.0.0:${PORTS.otlpHttp}` },
          },
        },
      },
    },
    live_store: {
      // the trailing ordinal picks the partition; the rest names the consumer group
      ...(ring ? { ring: { ...ring, instance_id: `\${${TEMPO_ENV.instanceId}}` } } : {}),
      wal: { path: `${d}/live-store/traces` },
      shutdown_marker_dir: `${d}/live-store/shutdown-marker`,
    },
    ...(dist
      ? {
          ingest: {
            kafka: {
              address: `\${${TEMPO_ENV.kafkaAddress}}`,
              topic: TEMPO_KAFKA_TOPIC,
              // the cluster is Tempo's alone (its configuration allows auto-creation with this count)
              auto_create_topic_enabled: true,
              auto_create_topic_default_partitions: dist.partitions,
            },
          },
          block_builder: {
            instance_id: `\${${TEMPO_ENV.instanceId}}`,
            partitions_per_instance: dist.partitionsPerBlockBuilder,
            wal: { path: `${d}/block-builder/traces` },
          },
          querier: { frontend_worker: { frontend_address: dist.queryFrontendAddress } },
          memberlist: {
            // dskit's StringSliceCSVMulti: a comma-separated string (the manifest's type; a list parses too)
            join_members: dist.joinMembers.map((h) => `dns+${h}:${PORTS.tempoMemberlist}`).join(','),
            bind_port: PORTS.tempoMemberlist,
          },
        }
      : {}),
    ...(processors.length > 0
      ? {
          metrics_generator: {
            ...(ring ? { ring } : {}),
            registry: { external_labels: { source: 'tempo', environment: spec.environment } },
            // said explicitly, with every latency SLO threshold as a boundary
            processor: { span_metrics: { histogram_buckets: spanMetricsBuckets(spec) } },
            storage: {
              path: `${d}/generator/wal`,
              remote_write: [{ url: opts.remoteWriteUrl, send_exemplars: true }],
            },
          },
        }
      : {}),
    storage: { trace: storage },
    backend_scheduler: {
      local_work_path: d,
      provider: { compaction: { compaction: { block_retention: retention } } },
    },
    backend_worker: {
      ...(dist ? { backend_scheduler_addr: dist.backendSchedulerAddress, ring } : {}),
      compaction: { block_retention: retention },
      // a compaction job running at a stop gets this long to finish (the default, said explicitly)
      finish_on_shutdown_timeout: TEMPO_FINISH_ON_SHUTDOWN,
    },
    // no phoning home from a team's infrastructure
    usage_report: { reporting_enabled: false },
    ...(processors.length > 0 || dist?.maxLiveTracesPerLiveStore !== undefined
      ? {
          overrides: {
            defaults: {
              ...(dist?.maxLiveTracesPerLiveStore !== undefined ? { ingestion: { max_traces_per_user: dist.maxLiveTracesPerLiveStore } } : {}),
              ...(processors.length > 0
                ? {
                    metrics_generator: {
                      processors: [...processors],
                      trace_id_label_name: TEMPO_EXEMPLAR_LABEL,
                    },
                  }
                : {}),
            },
          },
        }
      : {}),
  };
}
