import { LOKI_FLUSH_OP_TIMEOUT, LOKI_GRACEFUL_SHUTDOWN, PORTS } from '../spec/defaults';
import { goHours } from '../spec/duration';
import type { ResolvedSpec } from '../spec/resolved';

/** Loki's OTLP endpoint (the exporter appends `/v1/logs`). */
export const LOKI_OTLP_PATH = '/otlp';

/**
 * The first day of the one schema period. Fixed, never "today": the same spec must render the
 * same file on every machine, and moving `from` on a running Loki would orphan what it stored.
 * A schema change later is a new period appended with a future `from`.
 */
export const LOKI_SCHEMA_FROM = '2026-01-01';

export type LokiStorage =
  | { readonly kind: 'filesystem' }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      /** SSE-KMS key; without it the bucket's default SSE-S3 encryption applies. @default - none */
      readonly kmsKeyArn?: string;
    };

export interface LokiRenderOptions {
  readonly storage: LokiStorage;
  /** Root of Loki's working data: WAL, the TSDB index being written, caches, compactor work. */
  readonly dataDir: string;
}

/**
 * loki.yaml for Loki 3.7 as a single binary (`target: all`, the default): tsdb index schema v13,
 * chunks and index in one object store (the filesystem locally, S3 on AWS), structured metadata on
 * (OTLP logs keep `trace_id`/`span_id` there), retention enforced by the compactor. Every key is
 * checked against Loki 3.7.6's configuration reference in the tests: Loki refuses unknown keys.
 */
export function renderLokiConfig(spec: ResolvedSpec, opts: LokiRenderOptions): Record<string, unknown> {
  const d = opts.dataDir;
  const objectStore = opts.storage.kind;
  const storage: Record<string, unknown> =
    opts.storage.kind === 'filesystem'
      ? { filesystem: { chunks_directory: `${d}/chunks`, rules_directory: `${d}/rules` } }
      : {
          s3: {
            bucketnames: opts.storage.bucket,
            region: opts.storage.region,
            // no access keys: the SDK's credential chain picks up the ECS task role
            ...(opts.storage.kmsKeyArn ? { sse: { type: 'SSE-KMS', kms_key_id: opts.storage.kmsKeyArn } } : {}),
          },
        };
  return {
    // one tenant ("fake"): the stack is one organisation's, and Grafana sends no X-Scope-OrgID
    auth_enabled: false,
    // a stop waits this long for in-flight pushes and queries (then the ingester's flush, below):
    // both fit the container's stop timeout (src/checks/shutdown.ts)
    server: { http_listen_port: PORTS.loki, grpc_listen_port: PORTS.lokiGrpc, log_level: 'info', graceful_shutdown_timeout: LOKI_GRACEFUL_SHUTDOWN },
    common: {
      path_prefix: d,
      replication_factor: 1,
      // one process: its ring lives in memory and it reaches itself on loopback, whatever the
      // task's interfaces are called
      instance_addr: '127.0.0.1',
      ring: { kvstore: { store: 'inmemory' } },
      storage,
    },
    schema_config: {
      configs: [{ from: LOKI_SCHEMA_FROM, store: 'tsdb', object_store: objectStore, schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    storage_config: {
      tsdb_shipper: { active_index_directory: `${d}/tsdb-index`, cache_location: `${d}/tsdb-cache` },
    },
    ingester: {
      // flush_on_shutdown: a task stopped for a deploy writes the chunks it holds to the store
      // first (the WAL only covers a restart on the same disk; on AWS the disk goes with the task)
      wal: { dir: `${d}/wal`, flush_on_shutdown: true },
      // one flush of a stream's chunks may take this long (10 m by default, which no stop timeout
      // covers: Fargate kills after 120 s at most); a store that takes longer loses them at a stop
      flush_op_timeout: LOKI_FLUSH_OP_TIMEOUT,
    },
    limits_config: {
      retention_period: goHours(spec.logs.retentionHours),
      allow_structured_metadata: true,
    },
    compactor: {
      working_directory: `${d}/compactor`,
      retention_enabled: true,
      // required with retention: where delete requests are kept (the same store as the chunks)
      delete_request_store: objectStore,
    },
    // no phoning home from a team's infrastructure
    analytics: { reporting_enabled: false },
  };
}

