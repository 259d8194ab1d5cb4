/**
 * The Loki 3.7.6 configuration reference as an oracle for loki.yaml: the parser must read every
 * block of upstream's generated reference, and the checker must accept upstream's own example
 * and report misspelt keys wherever they sit (top level, nested, list element, named block).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { LokiBlock, LokiType, lokiReference, parseLokiReference, unknownLokiKeys } from '../support/loki-reference';

const LOCAL_CONFIG = '/work/shared/reference/loki-3.7.6-local-config.yaml';

const reference = lokiReference();

/** Upstream's single-binary example, parsed afresh so each test can mutate its copy. */
function localConfig(): Record<string, any> {
  return parse(readFileSync(LOCAL_CONFIG, 'utf8'));
}

/** Named blocks reachable from loki.yaml's top level, through fields, lists, maps and embeds. */
function reachableBlocks(): Set<string> {
  const seen = new Set<string>();
  const visitType = (t: LokiType | undefined): void => {
    if (t?.kind === 'inline') visitBlock(t.block);
    else if (t?.kind === 'list' || t?.kind === 'map') visitType(t.of);
    else if (t?.kind === 'block' && !seen.has(t.name)) {
      seen.add(t.name);
      visitBlock(reference.blocks.get(t.name)!);
    }
  };
  const visitBlock = (b: LokiBlock): void => {
    b.embeds.forEach((name) => visitType({ kind: 'block', name }));
    [...b.fields.values(), b.anyKey].forEach(visitType);
  };
  visitBlock(reference.root);
  return seen;
}

describe('the Loki 3.7.6 configuration reference', () => {
  it('parses more than 40 named blocks, among them those loki.yaml is built from', () => {
    expect(reference.blocks.size).toBeGreaterThan(40);
    for (const name of ['common', 'storage_config', 'limits_config', 'period_config', 'aws_storage_config', 's3_storage_config', 'tls_config']) {
      expect(reference.blocks.has(name)).toBe(true);
    }
  });

  it('resolves every <block_name> it references, leaving open only the types upstream never documents', () => {
    // upstream's generator names these Go types (or truncates their names) without a section of their own
    expect(reference.undocumented).toEqual([
      '<RemoteWriteConfig>',
      '<blocked_query...>',
      '<headers>',
      '<list of StreamRetentions>',
      '<map of string to >',
      '<map of string to Header>',
      '<map of string to NamedAzureStorageConfig>',
      '<map of string to NamedFilesystemStorageConfig>',
      '<map of string to NamedGCSStorageConfig>',
      '<map of string to NamedS3StorageConfig>',
      '<map of string to NamedSwiftStorageConfig>',
      '<map of string to RemoteWriteConfig>',
      '<map of string to list of PriorityStreams>',
      '<relabel_config...>',
      'external_labels: (no children)',
    ]);
  });

  it('reaches every named block from the top level of loki.yaml', () => {
    expect([...reference.blocks.keys()].filter((name) => !reachableBlocks().has(name))).toEqual([]);
  });

  it('throws on a line inside a schema block that it cannot classify', () => {
    const markdown = [
      '## Configuration file reference',
      '### Supported contents and default values of `loki.yaml`',
      '```yaml',
      '[auth_enabled: <boolean> | default = true]',
      'target = all',
      '```',
    ].join('\n');
    expect(() => parseLokiReference(markdown, 'test.md')).toThrow('test.md:5: cannot classify this line: target = all');
  });

  it('looks through embedded blocks and into lists, maps and inline maps', () => {
    // aws_storage_config embeds `[<s3_storage_config>]`; named_stores maps names to named blocks
    expect(reference.typeAt('storage_config.aws.bucketnames')).toEqual({ kind: 'scalar', name: 'string' });
    expect(reference.typeAt('storage_config.named_stores.aws.store-1.sse.type')).toEqual({ kind: 'scalar', name: 'string' });
    // `http_headers:` holds `[: <map of string to Header>]`: any header name
    expect(reference.typeAt('pattern_ingester.metric_aggregation.http_client_config.http_headers.X-Anything')).toEqual({ kind: 'undocumented', name: 'Header' });
    expect(reference.keysAt('schema_config.configs[0]')).toEqual(expect.arrayContaining(['from', 'store', 'object_store', 'schema', 'index', 'chunks', 'row_shards']));
  });
});

describe('unknownLokiKeys', () => {
  it("finds no unknown key in upstream's single-binary example", () => {
    expect(unknownLokiKeys(localConfig())).toEqual([]);
  });

  it('reports misspelt keys at the top level, in nested blocks, in list elements and in named blocks, by path', () => {
    const config = localConfig();
    config.auth_enabeld = false;
    config.common.storage.filesystem.chunk_directory = '/tmp/loki/chunks';
    config.schema_config.configs[0].indx = { prefix: 'index_' };
    config.compactor = { retention_enabeld: true, working_directory: '/tmp/loki/compactor' };
    config.limits_config.retention_perod = '744h';
    expect(unknownLokiKeys(config)).toEqual([
      'auth_enabeld',
      'common.storage.filesystem.chunk_directory',
      'compactor.retention_enabeld',
      'limits_config.retention_perod',
      'schema_config.configs[0].indx',
    ]);
  });

  it('reports a mapping given to a scalar key or to a list', () => {
    const config = localConfig();
    config.server.http_listen_port = { x: 3100 };
    config.schema_config.configs = config.schema_config.configs[0];
    expect(unknownLokiKeys(config)).toEqual(['schema_config.configs (not a list)', 'server.http_listen_port (not a block)']);
  });

  it('checks the values of a map of named blocks but accepts any key of a map', () => {
    const config = { storage_config: { named_stores: { aws: { 'store-1': { bucketnames: 'b', bucket_name: 'b' } } } } };
    expect(unknownLokiKeys(config)).toEqual(['storage_config.named_stores.aws.store-1.bucket_name']);
  });

  it('accepts any label under ruler.external_labels, whose contents the reference does not document', () => {
    expect(reference.typeAt('ruler.external_labels')?.kind).toBe('undocumented');
    expect(unknownLokiKeys({ ruler: { external_labels: { env: 'prod', team: 'o11y' } } })).toEqual([]);
  });
});

describe('the Loki keys the project renders', () => {
  const SCALAR_KEYS = [
    'auth_enabled',
    'analytics.reporting_enabled',
    'common.path_prefix',
    'common.replication_factor',
    'common.ring.kvstore.store',
    'common.ring.instance_addr',
    'common.storage.filesystem.chunks_directory',
    'common.storage.filesystem.rules_directory',
    'common.storage.s3.bucketnames',
    'common.storage.s3.region',
    'common.storage.s3.sse.type',
    'common.storage.s3.sse.kms_key_id',
    'compactor.working_directory',
    'compactor.retention_enabled',
    'compactor.delete_request_store',
    'compactor.compaction_interval',
    'compactor.retention_delete_delay',
    'limits_config.retention_period',
    'limits_config.allow_structured_metadata',
    'ingester.wal.dir',
    'ingester.wal.flush_on_shutdown',
    'ingester.max_chunk_age',
    'storage_config.tsdb_shipper.active_index_directory',
    'storage_config.tsdb_shipper.cache_location',
    'schema_config.configs[].from',
    'schema_config.configs[].store',
    'schema_config.configs[].object_store',
    'schema_config.configs[].schema',
    'schema_config.configs[].index.prefix',
    'schema_config.configs[].index.period',
    'server.http_listen_port',
    'server.grpc_listen_port',
    'server.log_level',
    'ruler.alertmanager_url',
    'pattern_ingester.enabled',
  ];

  it.each(SCALAR_KEYS)('include %s, a scalar key of Loki 3.7.6', (path) => {
    expect(reference.typeAt(path)?.kind).toBe('scalar');
  });

  it('include limits_config.otlp_config.resource_attributes.attributes_config, a list of blocks with action and attributes', () => {
    const path = 'limits_config.otlp_config.resource_attributes.attributes_config';
    expect(reference.typeAt(path)).toEqual({ kind: 'list', of: { kind: 'block', name: 'attributes_config' } });
    expect(reference.keysAt(`${path}[]`)).toEqual(expect.arrayContaining(['action', 'attributes']));
  });

  it('set flush_on_shutdown under ingester.wal, since ingester has no such key despite the flag -ingester.flush-on-shutdown', () => {
    expect(reference.typeAt('ingester.flush_on_shutdown')).toBeUndefined();
    expect(unknownLokiKeys({ ingester: { flush_on_shutdown: true, wal: { flush_on_shutdown: true } } })).toEqual(['ingester.flush_on_shutdown']);
  });
});
