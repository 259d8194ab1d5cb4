/**
 * What a path of a rendered config means to a reviewer, where we know it: a change there
 * reads `tracing retention 336h → 504h` instead of
 * `backend_worker.compaction.block_retention: 336h → 504h`. Paths are written as
 * {@link formatPath} writes them; array items named by a field read `[name=checkout]`.
 */
interface Meaning {
  readonly file: RegExp;
  readonly path: RegExp;
  /** The label, with `$1`… standing for the path pattern's groups. */
  readonly label: string;
}

const SERVICE_ENV = /^otel\/[^/]+\.(env|json)$/;

const MEANINGS: readonly Meaning[] = [
  // Tempo 3.x: the scheduler plans deletions, the worker carries them out; both hold the retention
  { file: /^tempo\.yaml$/, path: /^(backend_worker\.compaction|backend_scheduler\.provider\.compaction\.compaction)\.block_retention$/, label: 'tracing retention' },
  { file: /^tempo\.yaml$/, path: /^metrics_generator\.storage\.remote_write\[\d+\]\.send_exemplars$/, label: 'exemplars with span metrics' },
  { file: /^tempo\.yaml$/, path: /^metrics_generator\.storage\.remote_write\[\d+\]\.url$/, label: 'span metrics remote write URL' },
  { file: /^tempo\.yaml$/, path: /^overrides\.defaults\.metrics_generator\.processors$/, label: 'metrics-generator processors' },
  { file: /^tempo\.yaml$/, path: /^storage\.trace\.backend$/, label: 'trace storage' },
  { file: /^tempo\.yaml$/, path: /^storage\.trace\.s3\.bucket$/, label: 'traces bucket' },
  { file: /^tempo\.yaml$/, path: /^storage\.trace\.s3\.sse\.type$/, label: 'traces bucket encryption' },
  { file: /^tempo\.yaml$/, path: /^storage\.trace\.s3\.sse\.kms_key_id$/, label: 'traces bucket KMS key' },
  { file: /^loki\.yaml$/, path: /^limits_config\.retention_period$/, label: 'logs retention' },
  { file: /^loki\.yaml$/, path: /^common\.storage\.s3\.bucketnames$/, label: 'logs bucket' },
  { file: /^prometheus\.ya?ml$/, path: /^global\.scrape_interval$/, label: 'scrape interval' },
  { file: /^prometheus\.ya?ml$/, path: /^global\.evaluation_interval$/, label: 'rule evaluation interval' },
  { file: /^prometheus\.ya?ml$/, path: /^scrape_configs\[job_name=([^\]]+)\]$/, label: 'scrape job $1' },
  { file: /^prometheus\.ya?ml$/, path: /^scrape_configs\[job_name=([^\]]+)\]\.static_configs\[\d+\]\.targets(\[\d+\])?$/, label: 'scrape job $1 target' },
  { file: /^prometheus\.ya?ml$/, path: /^scrape_configs\[job_name=([^\]]+)\]\.metrics_path$/, label: 'scrape job $1 path' },
  { file: SERVICE_ENV, path: /^OTEL_TRACES_SAMPLER_ARG$/, label: 'sampling ratio' },
  { file: SERVICE_ENV, path: /^OTEL_TRACES_SAMPLER$/, label: 'sampler' },
  { file: SERVICE_ENV, path: /^OTEL_EXPORTER_OTLP_ENDPOINT$/, label: 'OTLP endpoint' },
  { file: SERVICE_ENV, path: /^OTEL_EXPORTER_OTLP_PROTOCOL$/, label: 'OTLP protocol' },
  { file: SERVICE_ENV, path: /^OTEL_PROPAGATORS$/, label: 'propagators' },
  { file: SERVICE_ENV, path: /^OTEL_RESOURCE_ATTRIBUTES$/, label: 'resource attributes' },
  { file: /datasources\.ya?ml$/, path: /^datasources\[name=([^\]]+)\]$/, label: 'datasource $1' },
  { file: /datasources\.ya?ml$/, path: /^datasources\[name=([^\]]+)\]\.url$/, label: '$1 datasource URL' },
  { file: /datasources\.ya?ml$/, path: /^datasources\[name=([^\]]+)\]\.jsonData\.exemplarTraceIdDestinations\[name=([^\]]+)\]$/, label: '$1 exemplar link $2' },
  { file: /^otel-collector\.ya?ml$/, path: /^processors\.(tail_sampling[^.]*)\.policies\[name=([^\]]+)\]\.probabilistic\.sampling_percentage$/, label: 'tail sampling $2 percentage' },
  { file: /^otel-collector\.ya?ml$/, path: /^processors\.(tail_sampling[^.]*)\.decision_wait$/, label: 'tail sampling decision wait' },
  { file: /^otel-collector\.ya?ml$/, path: /^processors\.(tail_sampling[^.]*)\.num_traces$/, label: 'tail sampling traces in memory' },
  { file: /^otel-collector\.ya?ml$/, path: /^processors\.(tail_sampling[^.]*)\.policies\[name=([^\]]+)\]$/, label: 'tail sampling policy $2' },
  { file: /^o11y-stack\.json$/, path: /^services\[name=([^\]]+)\]$/, label: 'service $1' },
  { file: /^o11y-stack\.json$/, path: /^services\[name=([^\]]+)\]\.samplerArg$/, label: '$1 sampling ratio' },
  { file: /^o11y-stack\.json$/, path: /^services\[name=([^\]]+)\]\.sampler$/, label: '$1 sampler' },
  { file: /^o11y-stack\.json$/, path: /^services\[name=([^\]]+)\]\.endpoint$/, label: '$1 OTLP endpoint' },
  { file: /^o11y-stack\.json$/, path: /^components\[name=([^\]]+)\]$/, label: 'component $1' },
  { file: /^o11y-stack\.json$/, path: /^components\[name=([^\]]+)\]\.image$/, label: '$1 image' },
];

/** The reviewer's name for a path of a config file, or undefined where we know none. */
export function meaningOf(file: string, path: string): string | undefined {
  for (const m of MEANINGS) {
    if (!m.file.test(file)) continue;
    const match = m.path.exec(path);
    if (match) return m.label.replace(/\$(\d)/g, (_, i: string) => match[Number(i)] ?? '');
  }
  return undefined;
}
