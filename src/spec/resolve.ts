import {
  DEFAULT_METRICS_PATH,
  DEFAULT_LOGS_RETENTION,
  DEFAULT_SLO_WINDOW,
  MAX_SLO_WINDOW_HOURS,
  MIN_SLO_WINDOW_HOURS,
  LONGEST_BURN_RATE_WINDOW_HOURS,
  DEFAULT_METRICS_RETENTION,
  DEFAULT_PROPAGATORS,
  DEFAULT_PROTOCOL,
  DEFAULT_SAMPLING_RATIO,
  DEFAULT_DECISION_WAIT,
  DEFAULT_EXPECTED_SPANS_PER_SECOND,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_TAIL_SAMPLING_RATIO,
  DEFAULT_SLOWER_THAN,
  DEFAULT_TRACING_RETENTION,
  MAX_BUFFERED_SPANS,
  MAX_EXPECTED_SPANS_PER_SECOND,
  SAMPLER_SPANS_PER_SECOND,
  MIN_LOGS_RETENTION_HOURS,
  MAX_RETENTION_HOURS,
  MIN_METRICS_RETENTION_HOURS,
  MIN_TRACING_RETENTION_HOURS,
  DEFAULT_KAFKA_RETENTION,
  DEFAULT_MSK_INSTANCE_TYPE,
  MIN_KAFKA_RETENTION_HOURS,
  MAX_TEMPO_PARTITIONS,
  MAX_TEMPO_REPLICAS,
  TEMPO_BYTES_PER_SECOND_PER_DISTRIBUTOR,
  TEMPO_BYTES_PER_SECOND_PER_PARTITION,
  TEMPO_BYTES_PER_SECOND_PER_QUERIER,
  TEMPO_BYTES_PER_SPAN,
  TEMPO_MONOLITH_SPANS_PER_SECOND,
} from './defaults';
import { durationHours, humanDuration, intervalSeconds, latencyMs } from './duration';
import { issue, Issue, throwIfAny } from './issues';
import { ResolvedService, ResolvedSpec, ResolvedTailSampling, ResolvedTempo } from './resolved';
import { validateSpec } from './validate';
import type { AlertingSpec, ObservabilitySpec, TailSamplingSpec, TempoDistributedSpec, TempoMode } from './types';

/**
 * Applies defaults and the environment's overrides. Validates first (a spec written in
 * TypeScript gets the same checks as a YAML file), so this throws one
 * `O11yValidationError` listing every problem, or returns a complete ResolvedSpec.
 */
export function resolveSpec(spec: ObservabilitySpec, environment: string): ResolvedSpec {
  validateSpec(spec);
  const env = spec.environments?.[environment] ?? {};
  const services: ResolvedService[] = spec.services.map((s) => {
    const o = env.services?.[s.name] ?? {};
    const attrs = { ...(s.attributes ?? {}), ...(o.attributes ?? {}) };
    return {
      name: s.name,
      ...(s.version !== undefined ? { version: s.version } : {}),
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
      protocol: s.protocol ?? DEFAULT_PROTOCOL,
      samplingRatio: o.sampling?.ratio ?? env.sampling?.ratio ?? s.sampling?.ratio ?? spec.sampling?.ratio ?? DEFAULT_SAMPLING_RATIO,
      ...(s.metrics ? { metrics: { port: s.metrics.port, path: s.metrics.path ?? DEFAULT_METRICS_PATH } } : {}),
      attributes: Object.fromEntries(Object.entries(attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      slos: (s.slos ?? []).map((x) => ({ indicator: x.name, objective: x.objective, ...(x.threshold !== undefined ? { thresholdMs: latencyMs(x.threshold) } : {}) })),
    };
  });
  const tracingRetention = env.tracing?.retention ?? spec.tracing?.retention ?? DEFAULT_TRACING_RETENTION;
  const sloWindowHours = durationHours(env.slo?.window ?? spec.slo?.window ?? DEFAULT_SLO_WINDOW);
  const hasSlos = spec.services.some((s) => (s.slos ?? []).length > 0);
  // the default keeps the whole SLO window: the error budget and the alerts read all of it
  const defaultMetricsRetention = hasSlos && sloWindowHours > durationHours(DEFAULT_METRICS_RETENTION) ? humanDuration(sloWindowHours) : DEFAULT_METRICS_RETENTION;
  const metricsRetention = env.metrics?.retention ?? spec.metrics?.retention ?? defaultMetricsRetention;
  const logsRetention = env.logs?.retention ?? spec.logs?.retention ?? DEFAULT_LOGS_RETENTION;
  const slowerThanMs = latencyMs(env.tracing?.slowerThan ?? spec.tracing?.slowerThan ?? DEFAULT_SLOWER_THAN);
  const tailSampling = resolveTailSampling({ ...spec.tracing?.tailSampling, ...env.tracing?.tailSampling }, !!(spec.tracing?.tailSampling ?? env.tracing?.tailSampling), slowerThanMs);
  const resolved: ResolvedSpec = {
    name: spec.name,
    environment,
    services,
    propagators: [...(spec.propagators ?? DEFAULT_PROPAGATORS)],
    tracing: {
      retentionHours: durationHours(tracingRetention),
      slowerThanMs,
      ...(tailSampling ? { tailSampling } : {}),
      tempo: resolveTempo(env.tracing?.mode ?? spec.tracing?.mode, { ...spec.tracing?.distributed, ...env.tracing?.distributed, kafka: { ...spec.tracing?.distributed?.kafka, ...env.tracing?.distributed?.kafka } }, tailSampling),
    },
    metrics: {
      retentionHours: durationHours(metricsRetention),
      scrapeIntervalSeconds: intervalSeconds(env.metrics?.scrapeInterval ?? spec.metrics?.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL),
    },
    logs: { retentionHours: durationHours(logsRetention) },
    slo: { windowHours: sloWindowHours },
    // an environment's alerting replaces the base spec's whole: receivers are per environment
    alerting: resolveAlerting(env.alerting ?? spec.alerting),
  };
  const where = (section: 'tracing' | 'metrics' | 'logs') => (env[section]?.retention ? `environments.${environment}.${section}.retention` : `${section}.retention`);
  const windowPath = env.slo?.window ? `environments.${environment}.slo.window` : 'slo.window';
  throwIfAny(`spec for environment '${environment}'`, [...resolvedRules(resolved, where('tracing'), where('metrics'), where('logs')), ...sloWindowRules(resolved, windowPath), ...(hasSlos ? sloRetentionRules(resolved, windowPath, where('metrics')) : [])]);
  return resolved;
}

function resolveAlerting(a: AlertingSpec | undefined): ResolvedSpec['alerting'] {
  return { receivers: [...(a?.receivers ?? [])], route: { ...a?.route }, ...(a?.heartbeat ? { heartbeat: { ...a.heartbeat } } : {}) };
}

/** The environment's fields win one by one over the base spec's; absent or `enabled: false` is off. */
function resolveTailSampling(t: TailSamplingSpec, present: boolean, slowerThanMs: number): ResolvedTailSampling | undefined {
  if (!present || t.enabled === false) return undefined;
  const spans = t.expectedSpansPerSecond ?? DEFAULT_EXPECTED_SPANS_PER_SECOND;
  return {
    keepErrors: t.keepErrors ?? true,
    slowerThanMs: t.slowerThan !== undefined ? latencyMs(t.slowerThan) : slowerThanMs,
    ratio: t.ratio ?? DEFAULT_TAIL_SAMPLING_RATIO,
    decisionWaitSeconds: intervalSeconds(t.decisionWait ?? DEFAULT_DECISION_WAIT),
    expectedSpansPerSecond: spans,
    samplers: t.samplers ?? Math.max(1, Math.ceil(spans / SAMPLER_SPANS_PER_SECOND)),
  };
}

/**
 * Tempo's mode and, distributed, its counts: the spec's where given, else from the volume and
 * Tempo 3.0.3's sizing guide (the figures and their sources are in defaults.ts).
 */
function resolveTempo(mode: TempoMode | undefined, d: TempoDistributedSpec, tail: ResolvedTailSampling | undefined): ResolvedTempo {
  const ingest = tail ? Math.ceil(tail.expectedSpansPerSecond * tail.ratio) : undefined;
  const resolvedMode: TempoMode = mode ?? (ingest !== undefined && ingest > TEMPO_MONOLITH_SPANS_PER_SECOND ? 'distributed' : 'monolithic');
  const base = { mode: resolvedMode, modeFrom: mode ? ('spec' as const) : ('volume' as const), ...(ingest !== undefined ? { ingestSpansPerSecond: ingest } : {}) };
  if (resolvedMode === 'monolithic') return base;
  const bytes = (ingest ?? 0) * TEMPO_BYTES_PER_SPAN;
  const partitions = d.partitions ?? Math.max(2, Math.ceil(bytes / TEMPO_BYTES_PER_SECOND_PER_PARTITION));
  return {
    ...base,
    distributed: {
      partitions,
      liveStores: d.liveStores ?? partitions,
      blockBuilders: d.blockBuilders ?? partitions,
      distributors: d.distributors ?? Math.max(2, Math.ceil(bytes / TEMPO_BYTES_PER_SECOND_PER_DISTRIBUTOR)),
      queriers: d.queriers ?? Math.max(2, Math.ceil(bytes / TEMPO_BYTES_PER_SECOND_PER_QUERIER)),
      queryFrontends: d.queryFrontends ?? 2,
      backendWorkers: d.backendWorkers ?? 2,
      // behind a tail-sampling collector the collector computes span metrics: no generator
      metricsGenerators: tail ? 0 : (d.metricsGenerators ?? Math.min(2, partitions)),
      kafka: {
        instanceType: d.kafka?.instanceType ?? DEFAULT_MSK_INSTANCE_TYPE,
        retentionHours: durationHours(d.kafka?.retention ?? DEFAULT_KAFKA_RETENTION),
        ...(d.kafka?.volumeGiB !== undefined ? { volumeGiB: d.kafka.volumeGiB } : {}),
      },
    },
  };
}

/** The burn-rate alerts look back up to 3 days: a window must hold that several times over. */
function sloWindowRules(r: ResolvedSpec, path: string): Issue[] {
  const h = r.slo.windowHours;
  if (h < MIN_SLO_WINDOW_HOURS || h > MAX_SLO_WINDOW_HOURS) {
    return [issue(path, `must be between ${humanDuration(MIN_SLO_WINDOW_HOURS)} and ${humanDuration(MAX_SLO_WINDOW_HOURS)}: the burn-rate alerts look back up to 3d, and their factors are made for windows of weeks`, humanDuration(h))];
  }
  return [];
}

/**
 * The SLOs read Prometheus' own history: the error budget spends over the whole SLO window and
 * the slowest ticket looks back 3 days. A window longer than the retention would silently be
 * computed over what is left.
 */
function sloRetentionRules(r: ResolvedSpec, windowPath: string, metricsPath: string): Issue[] {
  const kept = r.metrics.retentionHours;
  const issues: Issue[] = [];
  if (r.slo.windowHours > kept) {
    issues.push(issue(windowPath, `must fit in the metrics retention of environment '${r.environment}' (${metricsPath}: ${humanDuration(kept)}): the error budget is spent over the whole SLO window, from Prometheus' history; shorten the window or keep metrics longer`, humanDuration(r.slo.windowHours)));
  }
  if (LONGEST_BURN_RATE_WINDOW_HOURS > kept) {
    issues.push(issue(metricsPath, `must be at least the longest burn-rate alert window (${humanDuration(LONGEST_BURN_RATE_WINDOW_HOURS)}, the slowest ticket's) in environment '${r.environment}'`, humanDuration(kept)));
  }
  return issues;
}

/** Rules on values that only exist once defaults and overrides are merged. */
function resolvedRules(r: ResolvedSpec, tracingPath: string, metricsPath: string, logsPath: string): Issue[] {
  const issues: Issue[] = [];
  if (r.tracing.retentionHours < MIN_TRACING_RETENTION_HOURS) {
    issues.push(issue(tracingPath, `must be at least ${MIN_TRACING_RETENTION_HOURS}h: Tempo compacts in 1h windows and keeps compacted blocks 1h`, humanDuration(r.tracing.retentionHours)));
  }
  if (r.metrics.retentionHours < MIN_METRICS_RETENTION_HOURS) {
    issues.push(issue(metricsPath, `must be at least ${MIN_METRICS_RETENTION_HOURS}h: Prometheus persists samples in 2h blocks`, humanDuration(r.metrics.retentionHours)));
  }
  if (r.logs.retentionHours < MIN_LOGS_RETENTION_HOURS) {
    issues.push(issue(logsPath, `must be at least ${MIN_LOGS_RETENTION_HOURS}h: Loki keeps its index in daily tables and refuses a shorter retention_period`, humanDuration(r.logs.retentionHours)));
  }
  const t = r.tracing.tailSampling;
  // each sampler holds its share of the traces: the spans/s of one collector and its buffer
  if (t && (t.expectedSpansPerSecond / t.samplers) * t.decisionWaitSeconds > MAX_BUFFERED_SPANS) {
    issues.push(
      issue(
        `tracing.tailSampling (environment '${r.environment}')`,
        `expectedSpansPerSecond ÷ samplers × decisionWait must be at most ${MAX_BUFFERED_SPANS} spans: that is what one collector can hold on the largest Fargate task (120 GiB); shorten decisionWait or add samplers`,
        `${t.expectedSpansPerSecond} ÷ ${t.samplers} × ${t.decisionWaitSeconds}s`,
      ),
    );
  }
  if (t && t.expectedSpansPerSecond / t.samplers > MAX_EXPECTED_SPANS_PER_SECOND) {
    issues.push(
      issue(
        `tracing.tailSampling.samplers (environment '${r.environment}')`,
        `must be at least ${Math.ceil(t.expectedSpansPerSecond / MAX_EXPECTED_SPANS_PER_SECOND)} for ${t.expectedSpansPerSecond} spans/s: one collector carries at most ${MAX_EXPECTED_SPANS_PER_SECOND} spans/s on the largest Fargate task`,
        t.samplers,
      ),
    );
  }
  issues.push(...tempoDistributedRules(r));
  for (const [path, hours] of [[tracingPath, r.tracing.retentionHours], [metricsPath, r.metrics.retentionHours], [logsPath, r.logs.retentionHours]] as const) {
    if (hours > MAX_RETENTION_HOURS) issues.push(issue(path, `must be at most ${humanDuration(MAX_RETENTION_HOURS)} (10 years)`, humanDuration(hours)));
  }
  return issues;
}

/**
 * The counts that must agree with the Kafka topic (Tempo 3.0.3 assigns partitions by ordinal:
 * live-store-N consumes partition N; block-builder-N consumes partitions_per_instance from N × it).
 */
function tempoDistributedRules(r: ResolvedSpec): Issue[] {
  const d = r.tracing.tempo.distributed;
  if (!d) return [];
  const at = (field: string) => `tracing.distributed.${field} (environment '${r.environment}')`;
  const issues: Issue[] = [];
  if (d.liveStores !== d.partitions) {
    issues.push(issue(at('liveStores'), `must equal partitions (${d.partitions}): each live-store consumes exactly the partition of its ordinal, so a partition without one is never served to queries and a live-store without one fails to start`, d.liveStores));
  }
  if (d.partitions % d.blockBuilders !== 0) {
    issues.push(issue(at('blockBuilders'), `must divide partitions (${d.partitions}): each block-builder consumes partitions ÷ blockBuilders partitions from its ordinal on, so with a remainder some partitions are never written to S3`, d.blockBuilders));
  }
  // counts computed from the volume obey the limits a spec's own counts do
  const computed: [keyof typeof d, number][] = [['partitions', MAX_TEMPO_PARTITIONS], ['distributors', MAX_TEMPO_REPLICAS], ['queriers', MAX_TEMPO_REPLICAS]];
  for (const [field, max] of computed) {
    const n = d[field] as number;
    if (n > max) issues.push(issue(at(field), `is ${n} from ${r.tracing.tempo.ingestSpansPerSecond} spans/s into Tempo, above the ${max} a stack runs: set it (and the counts that follow it) in the spec`, n));
  }
  if (d.metricsGenerators > d.partitions) {
    issues.push(issue(at('metricsGenerators'), `must be at most partitions (${d.partitions}): the generators share the partitions as one consumer group, and one without a partition idles`, d.metricsGenerators));
  }
  if (d.kafka.retentionHours < MIN_KAFKA_RETENTION_HOURS) {
    issues.push(issue(at('kafka.retention'), `must be at least ${MIN_KAFKA_RETENTION_HOURS}h: a block-builder or live-store that was down replays what it missed from Kafka, and a deploy or an outage takes hours`, humanDuration(d.kafka.retentionHours)));
  }
  return issues;
}
