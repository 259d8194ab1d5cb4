/**
 * Every otel-collector.yaml the project renders, checked against the collector's documented
 * component settings (test/fixtures/otelcol/contrib-components.yaml, written down from the
 * upstream config.go / config.schema.yaml files named in its header), and against what the spec
 * asks for. Expected figures are worked out by hand from the spec and the documented sizing
 * formula, never copied from the renderer's output.
 */
import { parse } from 'yaml';
import { COLLECTOR_QUEUE_DIR, collectorSizing } from '../../src/components/otel-collector';
import type { StackPlan } from '../../src/components/plan';
import { SPAN_METRICS } from '../../src/render/span-metrics';
import { IMAGES } from '../../src/spec/defaults';
import type { TailSamplingSpec } from '../../src/spec/types';
import {
  deprecatedComponentTypes,
  goDurationMs,
  idType,
  isJsonMap,
  loadOtelcolReference,
  otelcolConfigProblems,
  otelcolPipelineProblems,
} from '../support/otelcol-reference';
import { dockerPlan, exampleSpec, renderedFile } from '../support/plans';
import { TAIL_STACKS, tailPlan, TailStack, withTailSampling } from '../support/tail-sampling';

type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const reference = loadOtelcolReference();
const spec = exampleSpec();

/** The collector config as deployed: the rendered file's text, parsed. */
function collectorConfig(plan: StackPlan): Tree {
  const doc: unknown = parse(renderedFile(plan, 'otel-collector.yaml'));
  if (!isJsonMap(doc)) throw new Error('otel-collector.yaml is not a mapping');
  return doc;
}

/** A local (Tempo) plan with these tail-sampling settings. */
function localWith(tail: TailSamplingSpec): StackPlan {
  return dockerPlan(withTailSampling(spec, 'local', tail), 'local', 'tempo');
}

const PLANS: Record<TailStack, StackPlan> = Object.fromEntries(TAIL_STACKS.map((s) => [s, tailPlan(s, spec)])) as Record<TailStack, StackPlan>;

/**
 * What each stack must render, worked out by hand from stacks/o11y.yaml and the sizing formula
 * (num_traces = max(10 000, 2 × spans/s × decision_wait)):
 * staging 500/s × 10 s → 10 000; prod 5000/s × 10 s → 100 000; the Docker variants take the
 * defaults 1000/s × 10 s → 20 000.
 */
const EXPECTED: Record<TailStack, { percentage: number; decisionWait: string; numTraces: number; perSecond: number; traces: string; remoteWrite: string }> = {
  staging: { percentage: 25, decisionWait: '10s', numTraces: 10_000, perSecond: 500, traces: 'tempo.shop-staging.o11y.internal:4317', remoteWrite: 'http://prometheus.shop-staging.o11y.internal:9090/api/v1/write' },
  prod: { percentage: 10, decisionWait: '10s', numTraces: 100_000, perSecond: 5000, traces: 'tempo.shop-prod.o11y.internal:4317', remoteWrite: 'http://prometheus.shop-prod.o11y.internal:9090/api/v1/write' },
  'local+tail': { percentage: 10, decisionWait: '10s', numTraces: 20_000, perSecond: 1000, traces: 'tempo:4317', remoteWrite: 'http://prometheus:9090/api/v1/write' },
  'local-jaeger+tail': { percentage: 10, decisionWait: '10s', numTraces: 20_000, perSecond: 1000, traces: 'jaeger:4317', remoteWrite: 'http://prometheus:9090/api/v1/write' },
};

const pipelinesOf = (cfg: Tree): [string, Tree][] => Object.entries(cfg.service.pipelines as Record<string, Tree>);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

describe('the reference (contrib-components.yaml)', () => {
  it('lists the component types the renderer uses, and marks the pre-2026 names as deprecated aliases', () => {
    expect(Object.keys(reference.tree.processors as Tree)).toEqual(expect.arrayContaining(['tail_sampling', 'memory_limiter', 'batch']));
    expect(Object.keys(reference.tree.connectors as Tree)).toEqual(expect.arrayContaining(['span_metrics', 'service_graph']));
    expect(Object.fromEntries(reference.deprecated.connectors)).toEqual({ spanmetrics: 'span_metrics', servicegraph: 'service_graph' });
    expect(Object.fromEntries(reference.deprecated.exporters)).toEqual({ prometheusremotewrite: 'prometheus_remote_write', otlp: 'otlp_grpc', otlphttp: 'otlp_http' });
    expect(reference.deprecated.processors.size).toBe(0);
  });

  it('describes the probabilistic policy with hash_salt (the upstream key), not hash_seed', () => {
    const policy = (reference.tree.processors as Tree).tail_sampling.policies[0];
    expect(Object.keys(policy.probabilistic).sort()).toEqual(['hash_salt', 'sampling_percentage']);
  });
});

describe.each(TAIL_STACKS)('the rendered otel-collector.yaml of %s', (stack) => {
  const plan = PLANS[stack];
  const cfg = collectorConfig(plan);
  const tail = plan.spec.tracing.tailSampling!;
  const want = EXPECTED[stack];

  it('has only key paths the reference knows, with the reference types', () => {
    expect(otelcolConfigProblems(cfg, reference)).toEqual([]);
  });

  it('wires every pipeline to components it defines, and every connector both ways', () => {
    expect(otelcolPipelineProblems(cfg)).toEqual([]);
  });

  it('uses the 2026 component type names, none of their deprecated aliases', () => {
    expect(deprecatedComponentTypes(cfg, reference)).toEqual([]);
  });

  it('keeps errors (status_code ERROR), slow traces (latency ≥ slowerThan) and a share of the rest (probabilistic), in that order', () => {
    const policies: Tree[] = cfg.processors.tail_sampling.policies;
    expect(policies.map(({ name: _name, ...rest }) => rest)).toEqual([
      { type: 'status_code', status_code: { status_codes: ['ERROR'] } },
      { type: 'latency', latency: { threshold_ms: 1000 } },
      { type: 'probabilistic', probabilistic: { sampling_percentage: want.percentage } },
    ]);
    const names = policies.map((p) => p.name);
    expect(names.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('sizes the trace buffer from the spec: decision_wait, num_traces and expected_new_traces_per_sec', () => {
    const ts = cfg.processors.tail_sampling;
    expect({ decision_wait: ts.decision_wait, num_traces: ts.num_traces, expected_new_traces_per_sec: ts.expected_new_traces_per_sec }).toEqual({
      decision_wait: want.decisionWait,
      num_traces: want.numTraces,
      expected_new_traces_per_sec: want.perSecond,
    });
    expect(goDurationMs(ts.decision_wait)).toBe(tail.decisionWaitSeconds * 1000);
    expect(ts.num_traces).toBe(collectorSizing(tail).numTraces);
  });

  it('puts memory_limiter first in every traces pipeline, checking more often than never', () => {
    const traces = pipelinesOf(cfg).filter(([id]) => idType(id) === 'traces');
    expect(traces.length).toBeGreaterThan(0);
    for (const [, p] of traces) expect(list(p.processors)[0]).toBe('memory_limiter');
    const ml = cfg.processors.memory_limiter;
    expect(goDurationMs(ml.check_interval)).toBeGreaterThan(0);
    // one of the limits must be set (limit_mib wins when both are), and the spike must stay below it
    const [limit, spike] = ml.limit_mib !== undefined ? [ml.limit_mib, ml.spike_limit_mib ?? 0] : [ml.limit_percentage, ml.spike_limit_percentage ?? 0];
    expect(limit).toBeGreaterThan(0);
    expect(spike).toBeLessThan(limit);
  });

  it('feeds span_metrics and service_graph from a pipeline that receives otlp and samples nothing', () => {
    for (const connector of ['span_metrics', 'service_graph']) {
      const feeding = pipelinesOf(cfg).filter(([, p]) => list(p.exporters).includes(connector));
      expect(feeding.map(([id]) => idType(id))).toEqual(['traces']);
      for (const [, p] of feeding) {
        expect(list(p.receivers)).toEqual(['otlp']);
        expect(list(p.processors)).not.toContain('tail_sampling');
        expect(list(p.processors).filter((x) => /sampl/.test(x))).toEqual([]);
      }
    }
  });

  it('tail-samples every traces pipeline that exports to the trace store, and exports it there in plaintext gRPC', () => {
    const exporting = pipelinesOf(cfg).filter(([, p]) => list(p.exporters).some((e) => idType(e) === 'otlp_grpc'));
    expect(exporting).toHaveLength(1);
    const [[, sampled]] = exporting;
    expect(list(sampled.receivers)).toEqual(['otlp']);
    expect(list(sampled.processors)).toEqual(['memory_limiter', 'tail_sampling']);
    const [exporter] = list(sampled.exporters);
    expect(cfg.exporters[exporter]).toMatchObject({ endpoint: want.traces, tls: { insecure: true } });
  });

  it('batches in the trace exporter (sending_queue.batch), not with the batch processor', () => {
    expect(Object.keys(cfg.processors)).not.toContain('batch');
    for (const [, p] of pipelinesOf(cfg)) expect(list(p.processors).map(idType)).not.toContain('batch');
    const exporter = Object.keys(cfg.exporters).find((e) => idType(e) === 'otlp_grpc')!;
    expect(isJsonMap(cfg.exporters[exporter].sending_queue?.batch)).toBe(true);
  });

  it("keeps every exporter's sending queue in file_storage on the collector's queue volume (remote write has no storage option), with a timeout that bounds a stop", () => {
    expect(cfg.extensions['file_storage/queue']).toMatchObject({ directory: COLLECTOR_QUEUE_DIR, compaction: { directory: COLLECTOR_QUEUE_DIR } });
    for (const [id, e] of Object.entries(cfg.exporters as Record<string, Record<string, unknown>>)) {
      expect([id, e.timeout]).toEqual([id, '10s']);
      if (idType(id) === 'prometheus_remote_write') expect(e.sending_queue).toBeUndefined();
      else expect([id, (e.sending_queue as { storage?: string }).storage]).toEqual([id, 'file_storage/queue']);
    }
  });

  it('remote-writes the connectors\' metrics to this stack\'s Prometheus', () => {
    const out = pipelinesOf(cfg).filter(([, p]) => list(p.receivers).includes('span_metrics'));
    expect(out.map(([id, p]) => [idType(id), list(p.receivers).sort(), list(p.exporters)])).toEqual([['metrics', ['service_graph', 'span_metrics'], ['prometheus_remote_write']]]);
    expect(cfg.exporters.prometheus_remote_write.http.endpoint).toBe(want.remoteWrite);
    // the nested http block wins over the deprecated flat one: no second, contradicting endpoint
    expect(cfg.exporters.prometheus_remote_write.endpoint).toBeUndefined();
  });

  it('turns exemplars on and names the histogram unit explicitly (s), so the series are what the dashboards query', () => {
    const sm = cfg.connectors.span_metrics;
    expect(sm.exemplars).toEqual({ enabled: true });
    expect(sm.histogram.unit).toBe('s');
    expect(sm.histogram.explicit.buckets.length).toBeGreaterThan(0);
    // Prometheus name translation (pkg/translator/prometheus, UnderscoreEscapingWithSuffixes):
    // dots become underscores, counters get _total, the unit s becomes _seconds, histograms _bucket
    const base = String(sm.namespace).replace(/\./g, '_');
    const unit = { s: 'seconds', ms: 'milliseconds' }[sm.histogram.unit as 's' | 'ms'];
    expect({ calls: `${base}_calls_total`, latencyBucket: `${base}_duration_${unit}_bucket` }).toEqual({
      calls: SPAN_METRICS['otel-collector'].calls,
      latencyBucket: SPAN_METRICS['otel-collector'].latencyBucket,
    });
  });

  it('binds health_check and the OTLP receivers to 0.0.0.0 (their defaults are localhost since 0.104)', () => {
    expect(cfg.extensions.health_check.endpoint).toBe('0.0.0.0:13133');
    expect(cfg.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
    expect(list(cfg.service.extensions)).toEqual(['health_check', 'file_storage/queue']);
  });

  it("exposes the collector's own metrics on 0.0.0.0:8888, where Prometheus scrapes them", () => {
    expect(cfg.service.telemetry.metrics.readers).toEqual([{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888, without_type_suffix: false } } } }]);
    const prom = parse(renderedFile(plan, 'prometheus.yml')) as Tree;
    const targets = (prom.scrape_configs as Tree[]).flatMap((sc) => ((sc.static_configs ?? []) as Tree[]).flatMap((s) => s.targets as string[]));
    expect(targets).toContain(`${plan.topology.hostOf('otel-collector')}:8888`);
  });
});

describe('the policies follow the spec', () => {
  const policiesOf = (tail: TailSamplingSpec) => (collectorConfig(localWith(tail)).processors.tail_sampling.policies as Tree[]).map(({ name: _name, ...rest }) => rest);

  it('leaves out status_code when keepErrors is false', () => {
    expect(policiesOf({ keepErrors: false }).map((p) => p.type)).toEqual(['latency', 'probabilistic']);
  });

  it('leaves out probabilistic when the ratio is 0: only errors and slow traces are kept', () => {
    expect(policiesOf({ ratio: 0 }).map((p) => p.type)).toEqual(['status_code', 'latency']);
  });

  it('writes threshold_ms in milliseconds, from tailSampling.slowerThan or else tracing.slowerThan', () => {
    expect(policiesOf({ slowerThan: '250ms' })[1]).toEqual({ type: 'latency', latency: { threshold_ms: 250 } });
    expect(policiesOf({ slowerThan: '3s' })[1]).toEqual({ type: 'latency', latency: { threshold_ms: 3000 } });
    const plan = dockerPlan(withTailSampling({ ...spec, tracing: { ...spec.tracing, slowerThan: '750ms' } }, 'local'), 'local', 'tempo');
    expect((collectorConfig(plan).processors.tail_sampling.policies as Tree[])[1].latency).toEqual({ threshold_ms: 750 });
  });

  it.each([
    [0.07, 7],
    [0.333, 33.3],
    [0.5, 50],
    [1, 100],
  ])('writes ratio %p as sampling_percentage %p (no float noise)', (ratio, percentage) => {
    expect(policiesOf({ ratio })[2]).toEqual({ type: 'probabilistic', probabilistic: { sampling_percentage: percentage } });
  });

  it('writes the longest decision wait in seconds and sizes num_traces for it', () => {
    // 300 spans/s × 120 s × 2 = 72 000 traces
    const ts = collectorConfig(localWith({ decisionWait: '2m', expectedSpansPerSecond: 300 })).processors.tail_sampling;
    expect([ts.decision_wait, ts.num_traces, ts.expected_new_traces_per_sec]).toEqual(['120s', 72_000, 300]);
  });

  it('renders a config with only the latency policy that the reference still accepts', () => {
    const cfg = collectorConfig(localWith({ keepErrors: false, ratio: 0 }));
    expect((cfg.processors.tail_sampling.policies as Tree[]).map((p) => p.type)).toEqual(['latency']);
    expect(otelcolConfigProblems(cfg, reference)).toEqual([]);
  });
});

describe('the pinned collector image', () => {
  it('is a fixed contrib release, at least as new as the newest setting the renderer relies on', () => {
    const image = IMAGES['otel-collector'];
    expect(image.repository).toBe('otel/opentelemetry-collector-contrib');
    expect(image.tag).toMatch(/^\d+\.\d+\.\d+$/);
    // the newest things we use: prometheus_remote_write's nested `http` block (v0.158.0, contrib
    // PR #49755), the type renames otlp_grpc (core v0.144.0), span_metrics/service_graph
    // (contrib v0.151.0) and prometheus_remote_write (v0.154.0); see /tmp/facts/otel-collector.md
    const minor = Number(image.tag.split('.')[1]);
    expect(image.tag.startsWith('0.')).toBe(true);
    expect(minor).toBeGreaterThanOrEqual(158);
  });
});

describe('otelcolConfigProblems (the checker itself)', () => {
  const fresh = () => collectorConfig(PLANS.prod);

  it('rejects a misspelt key deep in a processor', () => {
    const cfg = fresh();
    cfg.processors.tail_sampling.decison_wait = cfg.processors.tail_sampling.decision_wait;
    delete cfg.processors.tail_sampling.decision_wait;
    expect(otelcolConfigProblems(cfg, reference)).toEqual(['processors.tail_sampling.decison_wait: not in the reference (contrib-components.yaml)']);
  });

  it('rejects hash_seed in a probabilistic policy (the key is hash_salt)', () => {
    const cfg = fresh();
    cfg.processors.tail_sampling.policies[2].probabilistic.hash_seed = 'o11y';
    expect(otelcolConfigProblems(cfg, reference)).toEqual(['processors.tail_sampling.policies[2].probabilistic.hash_seed: not in the reference (contrib-components.yaml)']);
    cfg.processors.tail_sampling.policies[2].probabilistic = { hash_salt: 'o11y', sampling_percentage: 10 };
    expect(otelcolConfigProblems(cfg, reference)).toEqual([]);
  });

  it('rejects a component type the distribution does not have', () => {
    const cfg = fresh();
    cfg.processors.tailsampling = cfg.processors.tail_sampling;
    expect(otelcolConfigProblems(cfg, reference)).toEqual([
      "processors.tailsampling: no processor type 'tailsampling' in the reference (known: tail_sampling, memory_limiter, batch)",
    ]);
  });

  it('checks a named component (type/name) against its type', () => {
    const cfg = fresh();
    cfg.exporters['otlp_grpc/traces'].compresion = 'gzip';
    expect(otelcolConfigProblems(cfg, reference)).toEqual(['exporters.otlp_grpc/traces.compresion: not in the reference (contrib-components.yaml)']);
  });

  it('rejects a pipeline id whose signal is not traces, metrics or logs', () => {
    const cfg = fresh();
    cfg.service.pipelines['trace/extra'] = cfg.service.pipelines['traces/sampled'];
    expect(otelcolConfigProblems(cfg, reference)).toEqual(["service.pipelines.trace/extra: 'trace' is not a pipeline signal (traces, metrics, logs)"]);
  });

  it('rejects the deprecated telemetry address key (replaced by readers in 0.123)', () => {
    const cfg = fresh();
    cfg.service.telemetry.metrics.address = '0.0.0.0:8888';
    expect(otelcolConfigProblems(cfg, reference)).toEqual(['service.telemetry.metrics.address: not in the reference (contrib-components.yaml)']);
  });

  it('rejects a scalar of the wrong type, and a mapping where the reference has a scalar', () => {
    const cfg = fresh();
    cfg.processors.tail_sampling.num_traces = '100000';
    cfg.connectors.span_metrics.exemplars.enabled = 'true';
    cfg.processors.memory_limiter.check_interval = { seconds: 1 };
    expect(otelcolConfigProblems(cfg, reference)).toEqual([
      'processors.memory_limiter.check_interval: expected a string like the reference\'s default ("0s"), got a mapping',
      'processors.tail_sampling.num_traces: expected a number like the reference\'s default (50000), got string "100000"',
      'connectors.span_metrics.exemplars.enabled: expected a boolean like the reference\'s default (false), got string "true"',
    ]);
  });

  it('accepts the batch processor: it is a valid, not yet deprecated component (the renderer not using it is checked above)', () => {
    // Upstream has not deprecated `batch` (only announced exporter-side batching as the direction),
    // so the 0.160 collector loads it; flagging it here would make this walker disagree with the
    // collector. The project's own rule (no batch processor, batch in sending_queue) is its own test.
    const cfg = fresh();
    cfg.processors.batch = { timeout: '200ms', send_batch_size: 8192 };
    cfg.service.pipelines['traces/sampled'].processors.push('batch');
    expect(otelcolConfigProblems(cfg, reference)).toEqual([]);
    cfg.processors.batch.send_batch_sise = 1;
    expect(otelcolConfigProblems(cfg, reference)).toEqual(['processors.batch.send_batch_sise: not in the reference (contrib-components.yaml)']);
  });

  it('accepts a deprecated alias (the collector still loads it) but deprecatedComponentTypes names it', () => {
    const cfg = fresh();
    cfg.connectors.spanmetrics = cfg.connectors.span_metrics;
    delete cfg.connectors.span_metrics;
    cfg.exporters['otlp/tempo'] = cfg.exporters['otlp_grpc/traces'];
    expect(otelcolConfigProblems(cfg, reference)).toEqual([]);
    expect(deprecatedComponentTypes(cfg, reference)).toEqual([
      "exporters.otlp/tempo: 'otlp' is a deprecated alias of 'otlp_grpc'",
      "connectors.spanmetrics: 'spanmetrics' is a deprecated alias of 'span_metrics'",
    ]);
  });
});

describe('otelcolPipelineProblems (the checker itself)', () => {
  const fresh = () => collectorConfig(PLANS.prod);

  it('rejects a pipeline naming a processor that is not configured', () => {
    const cfg = fresh();
    cfg.service.pipelines['traces/sampled'].processors = ['memory_limiter', 'tail_sampling/errors'];
    expect(otelcolPipelineProblems(cfg)).toEqual(["service.pipelines.traces/sampled.processors: 'tail_sampling/errors' is not a configured processor"]);
  });

  it('rejects a connector that nothing receives from', () => {
    const cfg = fresh();
    cfg.service.pipelines['metrics/spans'].receivers = ['span_metrics'];
    expect(otelcolPipelineProblems(cfg)).toEqual(['connectors.service_graph: no pipeline receives from it']);
  });

  it('rejects an exporter id that is neither an exporter nor a connector', () => {
    const cfg = fresh();
    cfg.service.pipelines['traces/sampled'].exporters = ['otlp_grpc/tempo'];
    expect(otelcolPipelineProblems(cfg)).toEqual(["service.pipelines.traces/sampled.exporters: 'otlp_grpc/tempo' is neither a configured exporter nor a connector"]);
  });
});

describe.each([
  ['local', 'tempo'],
  ['local-jaeger', 'jaeger'],
] as const)('the forwarding collector of %s (no tail sampling)', (stack, backend) => {
  const cfg = collectorConfig(dockerPlan(spec, stack, backend));

  it('has only key paths the reference knows, and every pipeline wired', () => {
    expect(otelcolConfigProblems(cfg, reference)).toEqual([]);
    expect(otelcolPipelineProblems(cfg)).toEqual([]);
    expect(Object.keys(cfg.processors)).toEqual(['memory_limiter']);
  });

  it("takes all three signals over OTLP: traces to the trace store, the services' metrics to Prometheus's OTLP receiver, logs to Loki's", () => {
    const p = cfg.service.pipelines;
    expect(Object.keys(p).sort()).toEqual(backend === 'tempo' ? ['logs', 'metrics', 'traces'] : ['logs', 'metrics', 'metrics/spans', 'traces']);
    for (const id of ['traces', 'metrics', 'logs']) expect([id, p[id].receivers, p[id].processors]).toEqual([id, ['otlp'], ['memory_limiter']]);
    expect(cfg.exporters['otlp_grpc/traces'].endpoint).toBe(`${backend}:4317`);
    expect(p.metrics.exporters).toEqual(['otlp_http/prometheus']);
    expect(cfg.exporters['otlp_http/prometheus'].endpoint).toBe('http://prometheus:9090/api/v1/otlp');
    expect(p.logs.exporters).toEqual(['otlp_http/loki']);
    expect(cfg.exporters['otlp_http/loki'].endpoint).toBe('http://loki:3100/otlp');
  });

  it(backend === 'tempo' ? "computes no span metrics: Tempo's generator does" : 'computes span metrics and the service graph from every span: Jaeger computes none', () => {
    const traces = cfg.service.pipelines.traces.exporters;
    if (backend === 'tempo') {
      expect(traces).toEqual(['otlp_grpc/traces']);
      expect(cfg.connectors).toBeUndefined();
    } else {
      expect(traces).toEqual(['span_metrics', 'service_graph', 'otlp_grpc/traces']);
      expect(cfg.service.pipelines['metrics/spans']).toEqual({ receivers: ['span_metrics', 'service_graph'], exporters: ['prometheus_remote_write'] });
    }
  });
});

describe('the span-metrics connector of every stack that computes span metrics', () => {
  it.each([
    ['staging', tailPlan('staging', spec)],
    ['local-jaeger', dockerPlan(spec, 'local-jaeger', 'jaeger')],
  ] as const)('in %s aggregates per service and environment, not per SDK instance (instances would collide in Prometheus)', (_stack, plan) => {
    const cfg = collectorConfig(plan);
    expect(cfg.connectors.span_metrics.resource_metrics_key_attributes).toEqual(['service.name', 'service.namespace', 'deployment.environment.name']);
  });

  it("has every latency SLO threshold of the spec among its buckets (checkout's 300 ms)", () => {
    expect(collectorConfig(tailPlan('staging', spec)).connectors.span_metrics.histogram.explicit.buckets).toContain('0.3s');
  });
});
