/**
 * Every Tempo config the project renders, checked key by key against Tempo 3.0.3's own
 * manifest (its complete default configuration). Tempo refuses to start on an unknown key,
 * and there is no Tempo binary here, so the manifest is the upstream reference.
 */
import { parse } from 'yaml';
import type { ObservabilitySpec } from '../../src/spec/types';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { awsPlan, examplePlan, exampleSpec, renderedFile } from '../support/plans';
import {
  ALLOWED_ABSENT_KEYS,
  at,
  hasPath,
  isMap,
  loadTempoManifest,
  TEMPO_2X_SECTIONS,
  tempoConfigProblems,
} from '../support/tempo-manifest';

const manifest = loadTempoManifest();
const spec = exampleSpec();
const KMS_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/0b7e6c1a-8d1f-4a57-9c3e-2f5d4b6a7c8d';

/** The example's AWS region and bucket, for the two storage variants built here. */
const AWS = { region: EXAMPLE_AWS_INPUTS.staging.region, tracesBucket: 'shop-test-tempo-traces' };

/**
 * Every Tempo config the project renders: the example stacks, and S3 storage both without and
 * with a KMS key (built here, so both stay covered whatever the example stacks choose).
 */
const TEMPO_CONFIGS: ReadonlyArray<readonly [string, () => string]> = [
  ['the local stack', () => renderedFile(examplePlan('local', spec), 'tempo.yaml')],
  ['the staging stack', () => renderedFile(examplePlan('staging', spec), 'tempo.yaml')],
  ['the prod stack', () => renderedFile(examplePlan('prod', spec), 'tempo.yaml')],
  ['an AWS stack without kmsKeyArn (S3, SSE-S3)', () => renderedFile(awsPlan(spec, 'prod', AWS), 'tempo.yaml')],
  ['an AWS stack with kmsKeyArn (S3, SSE-KMS)', () => renderedFile(awsPlan(spec, 'prod', { ...AWS, kmsKeyArn: KMS_KEY_ARN }), 'tempo.yaml')],
  // distributed: every role's -target= reads this one file
  ['the prod-peak stack (distributed, the collector computing span metrics)', () => renderedFile(examplePlan('prod-peak', spec), 'tempo.yaml')],
  ['a distributed AWS stack where Tempo computes span metrics (metrics-generators)', () => renderedFile(awsPlan(distributedWithGenerator(), 'prod', { ...AWS, kmsKeyArn: KMS_KEY_ARN }), 'tempo.yaml')],
];

/** prod without tail sampling and Tempo distributed by the spec: Tempo's metrics-generators run. */
function distributedWithGenerator(): ObservabilitySpec {
  const prod = spec.environments!.prod!;
  return { ...spec, environments: { ...spec.environments, prod: { ...prod, tracing: { retention: '30d', mode: 'distributed' } } } };
}

function localConfig(): Record<string, unknown> {
  const doc: unknown = parse(renderedFile(examplePlan('local', spec), 'tempo.yaml'));
  if (!isMap(doc)) throw new Error('tempo.yaml is not a mapping');
  return doc;
}

describe('the Tempo 3.0.3 manifest used as the reference', () => {
  it('is a 3.x manifest: it has the live-store and backend scheduler/worker and none of the 2.x sections', () => {
    expect(Object.keys(manifest)).toEqual(expect.arrayContaining(['live_store', 'backend_scheduler', 'backend_worker', 'distributor', 'metrics_generator']));
    for (const section of TEMPO_2X_SECTIONS) expect(manifest).not.toHaveProperty([section]);
  });

  it('really lacks every allow-listed key, so the allow-list holds nothing the manifest could check', () => {
    const present = ALLOWED_ABSENT_KEYS.filter((a) => {
      // `distributor.receivers` is printed as an empty map: its contents are what is allowed
      const value = at(manifest, a.path);
      return hasPath(manifest, a.path) && !(isMap(value) && Object.keys(value).length === 0);
    });
    expect(present.map((a) => a.path)).toEqual([]);
  });

  it('names an upstream source for every allow-listed key', () => {
    for (const a of ALLOWED_ABSENT_KEYS) expect(a.documentedAt).toMatch(/^[\w-]+\/[\w.-]+@[0-9a-f]{8}:\S+/);
  });
});

describe.each(TEMPO_CONFIGS)('the rendered tempo.yaml of %s', (_name, render) => {
  const config: unknown = parse(render());

  it('has only key paths that Tempo 3.0.3 knows, with the manifest types', () => {
    expect(tempoConfigProblems(config, manifest)).toEqual([]);
  });

  it('has no top-level key outside the manifest except stream_over_http_enabled', () => {
    expect(isMap(config)).toBe(true);
    const unknown = Object.keys(config as Record<string, unknown>).filter((k) => !(k in manifest));
    expect(unknown).toEqual(['stream_over_http_enabled']);
  });
});

describe('the storage variants under test', () => {
  it('cover local disk, S3 without a KMS key and S3 with SSE-KMS', () => {
    const [local, , , sseS3, sseKms] = TEMPO_CONFIGS.map(([, render]) => parse(render()) as unknown);
    expect(at(local, 'storage.trace.backend')).toBe('local');
    expect(at(sseS3, 'storage.trace.backend')).toBe('s3');
    expect(hasPath(sseS3, 'storage.trace.s3.sse')).toBe(false);
    expect(at(sseKms, 'storage.trace.backend')).toBe('s3');
    expect(at(sseKms, 'storage.trace.s3.sse')).toEqual({ type: 'SSE-KMS', kms_key_id: KMS_KEY_ARN });
  });
});

describe('tempoConfigProblems (the checker itself)', () => {
  it('rejects a Tempo 2.x compactor section', () => {
    const config = { ...localConfig(), compactor: { compaction: { block_retention: '48h' } } };
    expect(tempoConfigProblems(config, manifest)).toEqual(['compactor: a Tempo 2.x section, removed in 3.0']);
  });

  it('rejects every 2.x-only section', () => {
    const config = { ...localConfig(), ingester: {}, ingester_client: {}, metrics_generator_client: {} };
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'ingester: a Tempo 2.x section, removed in 3.0',
      'ingester_client: a Tempo 2.x section, removed in 3.0',
      'metrics_generator_client: a Tempo 2.x section, removed in 3.0',
    ]);
  });

  it('rejects a misspelled key deep in the tree', () => {
    const config = localConfig();
    const worker = config.backend_worker as { compaction: Record<string, unknown> };
    worker.compaction = { block_retentoin: worker.compaction.block_retention };
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'backend_worker.compaction.block_retentoin: not in the Tempo 3.0.3 manifest and not an allow-listed empty-default key',
    ]);
  });

  it('rejects an unknown top-level key', () => {
    expect(tempoConfigProblems({ ...localConfig(), querier_typo: {} }, manifest)).toEqual([
      'querier_typo: not in the Tempo 3.0.3 manifest and not an allow-listed empty-default key',
    ]);
  });

  it('rejects a removed 3.0 key that 2.x examples still carry (metrics_generator.traces_storage)', () => {
    const config = localConfig();
    (config.metrics_generator as Record<string, unknown>).traces_storage = { path: '/var/tempo/generator/traces' };
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'metrics_generator.traces_storage: not in the Tempo 3.0.3 manifest and not an allow-listed empty-default key',
    ]);
  });

  it('rejects a scalar whose type differs from the manifest default', () => {
    const config = localConfig();
    (config.server as Record<string, unknown>).http_listen_port = '3200';
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'server.http_listen_port: expected a number like the manifest\'s default (3200), got string "3200"',
    ]);
  });

  it('rejects a mapping where the manifest has a scalar', () => {
    const config = localConfig();
    config.target = { all: true };
    expect(tempoConfigProblems(config, manifest)).toEqual(['target: expected a string like the manifest, got a mapping']);
  });

  it('rejects a remote_write entry with a key Prometheus does not know', () => {
    const config = localConfig();
    const storage = (config.metrics_generator as Record<string, Record<string, unknown>>).storage;
    storage.remote_write = [{ url: 'http://prometheus:9090/api/v1/write', send_exemplar: true }];
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'metrics_generator.storage.remote_write[0].send_exemplar: not a Prometheus remote_write key',
    ]);
  });

  it('rejects a remote_write entry without a URL', () => {
    const config = localConfig();
    const storage = (config.metrics_generator as Record<string, Record<string, unknown>>).storage;
    storage.remote_write = [{ send_exemplars: 'yes' }];
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'metrics_generator.storage.remote_write[0].url: expected an http(s) URL, got nothing',
      'metrics_generator.storage.remote_write[0].send_exemplars: expected a boolean, got string "yes"',
    ]);
  });

  it('rejects the local-blocks processor that 3.0 removed', () => {
    const config = localConfig();
    const overrides = config.overrides as { defaults: { metrics_generator: Record<string, unknown> } };
    overrides.defaults.metrics_generator.processors = ['service-graphs', 'local-blocks'];
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'overrides.defaults.metrics_generator.processors[1]: string "local-blocks" is not a Tempo 3.0 processor (service-graphs, span-metrics, host-info)',
    ]);
  });

  it('rejects a legacy flat override next to the scoped defaults', () => {
    const config = localConfig();
    (config.overrides as Record<string, unknown>).metrics_generator_processors = ['span-metrics'];
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'overrides.metrics_generator_processors: not in the Tempo 3.0.3 manifest and not an allow-listed empty-default key',
    ]);
  });

  it('rejects OTLP receiver settings beyond the allow-listed endpoint', () => {
    const config = localConfig();
    const receivers = (config.distributor as { receivers: { otlp: { protocols: Record<string, unknown> } } }).receivers;
    receivers.otlp.protocols.grpc = { endpoint: '0.0.0.0:4317', max_recv_msg_size_mib: 16 };
    receivers.otlp.protocols.http = { endpoint: '4318' };
    expect(tempoConfigProblems(config, manifest)).toEqual([
      'distributor.receivers.otlp.protocols.grpc.max_recv_msg_size_mib: not an allow-listed key of the OTLP grpc server (only endpoint is)',
      'distributor.receivers.otlp.protocols.http.endpoint: expected host:port, got string "4318"',
    ]);
  });

  it('rejects an allow-listed key with the wrong type', () => {
    const config = { ...localConfig(), stream_over_http_enabled: 'true' };
    expect(tempoConfigProblems(config, manifest)).toEqual(['stream_over_http_enabled: expected a boolean, got string "true"']);
  });

  it('reports every problem at once', () => {
    const config = { ...localConfig(), compactor: {}, stream_over_http_enabled: 1 };
    expect(tempoConfigProblems(config, manifest)).toHaveLength(2);
  });
});
