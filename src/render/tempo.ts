import { PORTS, TEMPO_EXEMPLAR_LABEL } from '../spec/defaults';
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
}

/** The metrics-generator processors the stack enables (Tempo's names). */
export const TEMPO_PROCESSORS = ['service-graphs', 'span-metrics'] as const;
export type TempoProcessor = (typeof TEMPO_PROCESSORS)[number];

/**
 * tempo.yaml for Tempo 3.0.x in monolithic mode (`target: all`). No 2.x sections: the
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
  return {
    target: 'all',
    stream_over_http_enabled: true,
    server: {
      http_listen_port: PORTS.tempoHttp,
      grpc_listen_port: PORTS.tempoGrpc,
      log_level: 'info',
    },
    distributor: {
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
      wal: { path: `${d}/live-store/traces` },
      shutdown_marker_dir: `${d}/live-store/shutdown-marker`,
    },
    ...(processors.length > 0
      ? {
          metrics_generator: {
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
      compaction: { block_retention: retention },
    },
    // no phoning home from a team's infrastructure
    usage_report: { reporting_enabled: false },
    ...(processors.length > 0
      ? {
          overrides: {
            defaults: {
              metrics_generator: {
                processors: [...processors],
                trace_id_label_name: TEMPO_EXEMPLAR_LABEL,
              },
            },
          },
        }
      : {}),
  };
}
