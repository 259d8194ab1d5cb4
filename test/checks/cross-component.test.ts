import { parse, stringify } from 'yaml';
import { stackIssues } from '../../src/checks';
import { checkServiceEndpoints } from '../../src/checks/endpoints';
import { checkAlertRules } from '../../src/checks/alert-rules';
import { checkExemplarChain } from '../../src/checks/exemplar-chain';
import { checkLogCorrelation } from '../../src/checks/log-correlation';
import { checkRetention } from '../../src/checks/retention';
import { checkScrapeJobs } from '../../src/checks/scrape-jobs';
import { checkShutdown } from '../../src/checks/shutdown';
import { checkSignals } from '../../src/checks/signals';
import type { Component } from '../../src/components/component';
import type { StackPlan } from '../../src/components/plan';
import { formatIssue } from '../../src/spec/issues';
import { publishedPorts } from '../../src/targets/docker/docker-stack';
import { examplePlan } from '../support/plans';

/**
 * Every cross-component rule must be able to fail: each test breaks one hop of a real plan
 * (the example's rendered files, edited as a careless hand-edit would) and expects the exact
 * message. The unbroken plans pass, so a check that always passed would fail here.
 */
type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function editYaml(plan: StackPlan, output: string, edit: (t: Tree) => void): StackPlan {
  return {
    ...plan,
    files: plan.files.map((f) => {
      if (f.output !== output) return f;
      const tree = parse(f.content) as Tree;
      edit(tree);
      return { ...f, content: stringify(tree) };
    }),
  };
}

function editComponent(plan: StackPlan, name: Component['name'], edit: (c: Component) => Component): StackPlan {
  return { ...plan, components: plan.components.map((c) => (c.name === name ? edit(c) : c)) };
}

const lines = (issues: ReturnType<typeof checkExemplarChain>) => issues.map(formatIssue);

describe('the example stacks', () => {
  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const)('%s has no cross-component problem', (stack) => {
    const plan = examplePlan(stack);
    const exposures = stack.startsWith('local') ? publishedPorts(plan).exposures : [];
    expect(lines([...checkExemplarChain(plan), ...checkRetention(plan)])).toEqual([]);
    if (stack.startsWith('local')) expect(lines(stackIssues(plan, exposures))).toEqual([]);
  });
});

describe('scrape jobs', () => {
  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const)('are unique in %s', (stack) => {
    expect(lines(checkScrapeJobs(examplePlan(stack)))).toEqual([]);
  });

  it('fails when two jobs share a name, which Prometheus refuses', () => {
    const plan = editYaml(examplePlan('staging'), 'prometheus.yml', (t) => (t.scrape_configs[3].job_name = 'prometheus'));
    expect(lines(checkScrapeJobs(plan))).toEqual(['prometheus.yml: scrape_configs[3].job_name: duplicates scrape_configs[0].job_name: Prometheus refuses the config (got "prometheus")']);
  });
});

describe('signals and their receivers', () => {
  const withEnv = (plan: StackPlan, service: string, change: Record<string, string | undefined>): StackPlan => ({
    ...plan,
    serviceEnvs: plan.serviceEnvs.map((e) => (e.service === service ? { ...e, env: Object.fromEntries(Object.entries({ ...e.env, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string> } : e)),
  });

  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const)('every signal has a receiver in %s', (stack) => {
    expect(lines(checkSignals(examplePlan(stack)))).toEqual([]);
  });

  it('passes in every example stack: the collector takes all three signals', () => {
    for (const stack of ['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const) expect([stack, lines(checkSignals(examplePlan(stack)))]).toEqual([stack, []]);
  });

  it("fails for every service when the collector's logs pipeline is gone, reading the pipelines as rendered", () => {
    const plan = editYaml(examplePlan('local-jaeger'), 'otel-collector.yaml', (c) => delete c.service.pipelines.logs);
    expect(lines(checkSignals(plan))).toEqual(
      ['checkout', 'cart', 'catalog', 'payments-gateway'].map((s) => `otel/${s}.env: OTEL_LOGS_EXPORTER: sends logs over OTLP, but otel-collector takes traces, metrics there: set none, or send them where they are received (got "otlp")`),
    );
  });

  it('fails when a service would send metrics over OTLP and the metrics pipeline receives no OTLP (unset means otlp)', () => {
    const plan = withEnv(
      editYaml(examplePlan('local'), 'otel-collector.yaml', (c) => (c.service.pipelines.metrics.receivers = [])),
      'checkout',
      { OTEL_METRICS_EXPORTER: undefined },
    );
    expect(lines(checkSignals(plan))).toEqual([
      'otel/checkout.env: OTEL_METRICS_EXPORTER: sends metrics over OTLP, but otel-collector takes traces, logs there: set none, or send them where they are received (got "(unset: otlp)")',
      'otel/catalog.env: OTEL_METRICS_EXPORTER: sends metrics over OTLP, but otel-collector takes traces, logs there: set none, or send them where they are received (got "otlp")',
    ]);
  });

  it('fails when the SDK serves metrics on a port Prometheus does not scrape', () => {
    const plan = withEnv(examplePlan('staging'), 'checkout', { OTEL_EXPORTER_PROMETHEUS_PORT: '9999' });
    expect(lines(checkSignals(plan))).toEqual(['otel/checkout.env: OTEL_METRICS_EXPORTER: serves metrics on port 9999/metrics, which no scrape job of prometheus.yml reads (got "prometheus")']);
  });
});

describe('the exemplar chain', () => {
  const local = examplePlan('local');

  it('fails when Tempo does not generate span metrics', () => {
    const plan = editYaml(local, 'tempo.yaml', (t) => (t.overrides.defaults.metrics_generator.processors = ['service-graphs']));
    expect(lines(checkExemplarChain(plan))).toEqual([`tempo.yaml: overrides.defaults.metrics_generator.processors: must include 'span-metrics': no span metrics, no exemplars (got ["service-graphs"])`]);
  });

  it('fails when the metrics-generator does not send exemplars', () => {
    const plan = editYaml(local, 'tempo.yaml', (t) => (t.metrics_generator.storage.remote_write[0].send_exemplars = false));
    expect(lines(checkExemplarChain(plan))).toEqual(['tempo.yaml: metrics_generator.storage.remote_write[0].send_exemplars: must be true, or exemplars are dropped before they reach Prometheus (got false)']);
  });

  it('fails when the metrics-generator writes to another Prometheus', () => {
    const plan = editYaml(local, 'tempo.yaml', (t) => (t.metrics_generator.storage.remote_write[0].url = 'http://elsewhere:9090/api/v1/write'));
    expect(lines(checkExemplarChain(plan))).toEqual([`tempo.yaml: metrics_generator.storage.remote_write[0].url: must be this stack's Prometheus remote-write receiver (http://prometheus:9090/api/v1/write) (got "http://elsewhere:9090/api/v1/write")`]);
  });

  it('fails when Tempo writes the trace id under a label Grafana does not link', () => {
    const plan = editYaml(local, 'tempo.yaml', (t) => (t.overrides.defaults.metrics_generator.trace_id_label_name = 'trace_identifier'));
    expect(lines(checkExemplarChain(plan))).toEqual([
      `grafana/datasources.yaml: Prometheus jsonData.exemplarTraceIdDestinations: must link exemplar label 'trace_identifier' (written by Tempo's metrics-generator) to the trace datasource (got ["traceID","trace_id"])`,
    ]);
  });

  it("uses Tempo's own default label (traceID) when trace_id_label_name is left out", () => {
    const plan = editYaml(local, 'tempo.yaml', (t) => delete t.overrides.defaults.metrics_generator.trace_id_label_name);
    expect(lines(checkExemplarChain(plan))).toEqual([]);
  });

  it.each([
    ['--enable-feature=exemplar-storage', 'must include --enable-feature=exemplar-storage, or Prometheus discards every exemplar'],
    ['--web.enable-remote-write-receiver', "must include --web.enable-remote-write-receiver, or Tempo's remote write is refused"],
  ])('fails when Prometheus runs without %s', (flag, message) => {
    const plan = editComponent(local, 'prometheus', (c) => ({ ...c, args: c.args.filter((a) => a !== flag) }));
    const [line] = lines(checkExemplarChain(plan));
    expect(line.startsWith(`prometheus flags: ${message} (got [`)).toBe(true);
  });

  it('fails when Grafana links the exemplar to a datasource uid that is not provisioned', () => {
    const plan = editYaml(local, 'grafana/datasources.yaml', (t) => {
      t.datasources.find((d: Tree) => d.type === 'prometheus').jsonData.exemplarTraceIdDestinations[0].datasourceUid = 'tempo';
    });
    expect(lines(checkExemplarChain(plan))).toEqual([`grafana/datasources.yaml: exemplarTraceIdDestinations 'traceID'.datasourceUid: must be the uid of a provisioned trace datasource (o11y-tempo) (got "tempo")`]);
  });

  it("fails in the Jaeger stack when trace_id (the collector's span metrics and the services' metrics) is not linked", () => {
    const plan = editYaml(examplePlan('local-jaeger'), 'grafana/datasources.yaml', (t) => {
      t.datasources.find((d: Tree) => d.type === 'prometheus').jsonData.exemplarTraceIdDestinations = [];
    });
    expect(lines(checkExemplarChain(plan))).toEqual([
      `grafana/datasources.yaml: Prometheus jsonData.exemplarTraceIdDestinations: must link exemplar label 'trace_id' (written by the collector's span_metrics connector (prometheus_remote_write)) to the trace datasource (got [])`,
      `grafana/datasources.yaml: Prometheus jsonData.exemplarTraceIdDestinations: must link exemplar label 'trace_id' (written by the services' OpenTelemetry metrics) to the trace datasource (got [])`,
    ]);
  });

  it('fails when a dashboard latency panel hides exemplars', () => {
    const dash = local.files.find((f) => f.output === 'grafana/dashboards/o11y-service-overview.json')!;
    const tree = JSON.parse(dash.content) as Tree;
    const panels: Tree[] = tree.panels.flatMap((p: Tree) => [p, ...(p.panels ?? [])]);
    const latency = panels.find((p) => (p.targets ?? []).some((t: Tree) => /_bucket\b/.test(t.expr ?? '')))!;
    const index = latency.targets.findIndex((t: Tree) => /_bucket\b/.test(t.expr ?? ''));
    latency.targets[index].exemplar = false;
    const plan = { ...local, files: local.files.map((f) => (f === dash ? { ...f, content: JSON.stringify(tree) } : f)) };
    expect(lines(checkExemplarChain(plan))).toEqual([
      `grafana/dashboards/o11y-service-overview.json: panel '${latency.title}' targets[${index}].exemplar: must be true on a latency histogram, or its exemplars (trace links) are hidden (got false)`,
    ]);
  });
});

describe('retention', () => {
  const local = examplePlan('local');

  it('fails when the backend worker keeps blocks for another time than the scheduler', () => {
    const plan = editYaml(local, 'tempo.yaml', (t) => (t.backend_worker.compaction.block_retention = '336h'));
    expect(lines(checkRetention(plan))).toEqual(['tempo.yaml: backend_worker.compaction.block_retention: must equal tracing.retention (48h) (got "336h")']);
  });

  it('fails when the scheduler retention is missing (Tempo would fall back to its 336h default)', () => {
    const plan = editYaml(local, 'tempo.yaml', (t) => delete t.backend_scheduler.provider);
    expect(lines(checkRetention(plan))).toEqual(['tempo.yaml: backend_scheduler.provider.compaction.compaction.block_retention: must equal tracing.retention (48h) (got nothing)']);
  });

  it("fails when Prometheus's retention flag is not the spec's", () => {
    const plan = editComponent(local, 'prometheus', (c) => ({ ...c, args: c.args.map((a) => (a.startsWith('--storage.tsdb.retention.time=') ? '--storage.tsdb.retention.time=15d' : a)) }));
    expect(lines(checkRetention(plan))).toEqual(['prometheus flags: --storage.tsdb.retention.time: must be set once to metrics.retention (--storage.tsdb.retention.time=4w) (got ["--storage.tsdb.retention.time=15d"])']);
  });
});

describe('service endpoints', () => {
  const local = examplePlan('local');
  const { exposures } = publishedPorts(local);

  function withEndpoint(service: string, endpoint: string): StackPlan {
    return { ...local, serviceEnvs: local.serviceEnvs.map((e) => (e.service === service ? { ...e, env: { ...e.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } } : e)) };
  }

  it('fails when a gRPC service points at the OTLP/HTTP port', () => {
    expect(lines(checkServiceEndpoints(withEndpoint('checkout', 'http://localhost:4318'), exposures))).toEqual([
      "otel/checkout.env: OTEL_EXPORTER_OTLP_ENDPOINT: port 4318 is otel-collector's otlp-http listener, but the service exports with grpc (got \"http://localhost:4318\")",
    ]);
  });

  it('fails when a service points at a port nothing publishes', () => {
    expect(lines(checkServiceEndpoints(withEndpoint('cart', 'http://localhost:14318'), exposures))).toEqual([
      'otel/cart.env: OTEL_EXPORTER_OTLP_ENDPOINT: no component of the stack is reachable there; http/protobuf is served at localhost:4318 (got "http://localhost:14318")',
    ]);
  });

  it('fails when a service points at a component that is not the trace entry point', () => {
    expect(lines(checkServiceEndpoints(withEndpoint('cart', 'http://localhost:9090'), [{ component: 'prometheus', purpose: 'otlp-http', hosts: ['localhost'], port: 9090 }])).filter((l) => l.startsWith('otel/cart.env'))).toEqual([
      "otel/cart.env: OTEL_EXPORTER_OTLP_ENDPOINT: points at prometheus, but this stack's OTLP entry point is otel-collector: it alone routes traces, metrics and logs to their stores (and samples and counts spans where the stack says so) (got \"http://localhost:9090\")",
    ]);
  });

  it('fails when the endpoint is not a URL', () => {
    expect(lines(checkServiceEndpoints(withEndpoint('cart', 'localhost 4318'), exposures))).toEqual(['otel/cart.env: OTEL_EXPORTER_OTLP_ENDPOINT: is not a URL (got "localhost 4318")']);
  });
});

describe('logs and traces, both ways (log correlation)', () => {
  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const)('%s links logs to traces and traces to logs', (stack) => {
    expect(lines(checkLogCorrelation(examplePlan(stack)))).toEqual([]);
  });

  it("fails when the derived field reads another field than the one Loki stores OTLP trace ids under", () => {
    const plan = editYaml(examplePlan('local'), 'grafana/datasources.yaml', (t) => {
      t.datasources.find((d: Tree) => d.type === 'loki').jsonData.derivedFields[0].matcherRegex = 'traceID';
    });
    expect(lines(checkLogCorrelation(plan))).toEqual([
      `grafana/datasources.yaml: Loki jsonData.derivedFields: must turn the field 'trace_id' (matcherType label: where Loki keeps an OTLP record's trace id) into a trace link (got ["label:traceID"])`,
    ]);
  });

  it('fails when the derived field links to a trace datasource that is not provisioned', () => {
    const plan = editYaml(examplePlan('local-jaeger'), 'grafana/datasources.yaml', (t) => {
      t.datasources.find((d: Tree) => d.type === 'loki').jsonData.derivedFields[0].datasourceUid = 'o11y-tempo';
    });
    expect(lines(checkLogCorrelation(plan))).toEqual([`grafana/datasources.yaml: Loki derivedFields 'TraceID'.datasourceUid: must be the uid of a provisioned trace datasource (o11y-jaeger) (got "o11y-tempo")`]);
  });

  it("fails when traces → logs uses Grafana's line filter on the trace id (OTLP lines do not contain it) or maps service.name wrongly", () => {
    const plan = editYaml(examplePlan('prod'), 'grafana/datasources.yaml', (t) => {
      const back = t.datasources.find((d: Tree) => d.type === 'tempo').jsonData.tracesToLogsV2;
      back.customQuery = false;
      back.filterByTraceID = true;
      back.tags = [{ key: 'service.name', value: 'service' }];
    });
    expect(lines(checkLogCorrelation(plan))).toEqual([
      `grafana/datasources.yaml: Tempo jsonData.tracesToLogsV2.tags: must map service.name to 'service_name', the label Loki indexes it under (got ["service.name→service"])`,
      `grafana/datasources.yaml: Tempo jsonData.tracesToLogsV2.query: must filter on 'trace_id' (structured metadata): a line filter on the trace id misses OTLP logs, whose lines do not contain it (got "(no custom query)")`,
    ]);
  });

  it("fails when the collector's logs go anywhere but this stack's Loki OTLP endpoint", () => {
    const plan = editYaml(examplePlan('staging'), 'otel-collector.yaml', (c) => (c.exporters['otlp_http/loki'].endpoint = 'http://elsewhere:3100/otlp'));
    expect(lines(checkLogCorrelation(plan))).toEqual([
      'otel-collector.yaml: exporters.otlp_http/loki.endpoint: must be this stack\'s Loki OTLP endpoint (http://loki.shop-staging.o11y.internal:3100/otlp) (got "http://elsewhere:3100/otlp")',
    ]);
  });

  it('fails when Loki refuses structured metadata', () => {
    const plan = editYaml(examplePlan('local'), 'loki.yaml', (l) => (l.limits_config.allow_structured_metadata = false));
    expect(lines(checkLogCorrelation(plan))).toEqual([
      "loki.yaml: limits_config.allow_structured_metadata: must not be false: Loki keeps an OTLP record's trace id as structured metadata (trace_id), and refuses OTLP logs without it (got false)",
    ]);
  });
});

describe("Loki's retention", () => {
  it("fails when loki.yaml's retention is not the spec's, or the compactor does not apply it", () => {
    const plan = editYaml(examplePlan('prod'), 'loki.yaml', (l) => {
      l.limits_config.retention_period = '168h';
      l.compactor.retention_enabled = false;
    });
    expect(lines(checkRetention(plan))).toEqual([
      'loki.yaml: limits_config.retention_period: must equal logs.retention (720h) (got "168h")',
      'loki.yaml: compactor.retention_enabled: must be true: only the compactor deletes logs older than logs.retention (got false)',
    ]);
  });
});

describe('the alert rules can fire', () => {
  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const)('%s: every rule reads metrics the stack emits, and every latency threshold is a bucket', (stack) => {
    expect(lines(checkAlertRules(examplePlan(stack)))).toEqual([]);
  });

  it('fails for an alert over a metric no component emits', () => {
    const plan = editYaml(examplePlan('staging'), 'prometheus/rules/stack.yml', (r) => (r.groups[0].rules[0].expr = 'sum(rate(otelcol_receiver_refused_spanz_total[5m])) > 0'));
    expect(lines(checkAlertRules(plan))).toEqual([
      `prometheus/rules/stack.yml: stack-otel-collector/CollectorRefusingSpans: reads metric 'otelcol_receiver_refused_spanz_total', which no component of this stack emits: it can never fire (got "sum(rate(otelcol_receiver_refused_spanz_total[5m])) > 0")`,
    ]);
  });

  it("fails when a latency threshold is not a bucket of the span metrics as deployed (the collector's connector, Go durations)", () => {
    const plan = editYaml(examplePlan('staging'), 'otel-collector.yaml', (c) => (c.connectors.span_metrics.histogram.explicit.buckets = ['100ms', '0.25s', '500ms', '1s']));
    expect(lines(checkAlertRules(plan))).toEqual([`services.checkout.slos[1].threshold: must be a bucket boundary of the span metrics as deployed (0.1, 0.25, 0.5, 1 s): the SLI counts the requests in the bucket le="0.3" (got "300ms")`]);
  });

  it("fails when a latency threshold is not a bucket of the span metrics as deployed (Tempo's generator)", () => {
    const plan = editYaml(examplePlan('local'), 'tempo.yaml', (t) => (t.metrics_generator.processor.span_metrics.histogram_buckets = [0.1, 0.25, 0.5, 1]));
    expect(lines(checkAlertRules(plan))).toEqual([`services.checkout.slos[1].threshold: must be a bucket boundary of the span metrics as deployed (0.1, 0.25, 0.5, 1 s): the SLI counts the requests in the bucket le="0.3" (got "300ms")`]);
  });
});

describe('shutdown within the stop timeout', () => {
  it.each(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak'] as const)("%s: every component's shutdown fits its stop timeout", (stack) => {
    expect(lines(checkShutdown(examplePlan(stack)))).toEqual([]);
  });

  it("refuses Loki's upstream flush_op_timeout (10 m): a stop would kill it mid-flush", () => {
    const plan = editYaml(examplePlan('prod'), 'loki.yaml', (t) => (t.ingester.flush_op_timeout = '10m'));
    expect(lines(checkShutdown(plan))).toEqual([
      "loki.yaml: ingester.flush_op_timeout: loki's shutdown may take 600 s here (with server.graceful_shutdown_timeout 30 s: 630 s), longer than its stop timeout of 120 s: the runtime would kill it before it finishes; more than Fargate's longest stop timeout (120 s) (got \"10m\")",
    ]);
  });

  it('counts a timeout that is not set at its upstream default', () => {
    const plan = editYaml(examplePlan('local'), 'loki.yaml', (t) => delete t.ingester.flush_op_timeout);
    expect(lines(checkShutdown(plan))).toEqual([expect.stringMatching(/^loki\.yaml: ingester\.flush_op_timeout: loki's shutdown may take 600 s here .* \(got "600 s \(default\)"\)$/)]);
  });

  it("refuses Fargate's default stop timeout (30 s) for Loki", () => {
    const plan = editComponent(examplePlan('prod'), 'loki', (c) => ({ ...c, stopTimeoutSeconds: 30 }));
    expect(lines(checkShutdown(plan))).toEqual([
      "loki.yaml: ingester.flush_op_timeout: loki's shutdown may take 60 s here (with server.graceful_shutdown_timeout 30 s: 90 s), longer than its stop timeout of 30 s: the runtime would kill it before it finishes (got \"1m\")",
    ]);
  });

  it("refuses a collector exporter whose request timeout outlasts the collector's stop timeout", () => {
    const plan = editYaml(examplePlan('staging'), 'otel-collector.yaml', (t) => (t.exporters['otlp_http/loki'].timeout = '45s'));
    expect(lines(checkShutdown(plan))).toEqual([
      "otel-collector.yaml: exporters.otlp_http/loki.timeout: otel-collector's shutdown may take 45 s here, longer than its stop timeout of 30 s: the runtime would kill it before it finishes (got \"45s\")",
    ]);
  });

  it("refuses a Tempo role whose steps add up past Fargate's 120 s", () => {
    const plan = editYaml(examplePlan('prod'), 'tempo.yaml', (t) => (t.backend_worker.finish_on_shutdown_timeout = '2m'));
    expect(lines(checkShutdown(plan))).toEqual([
      "tempo.yaml: backend_worker.finish_on_shutdown_timeout: tempo's shutdown may take 120 s here (with server.graceful_shutdown_timeout 30 s, the live-store's flush of its remaining blocks (fixed) 30 s: 180 s), longer than its stop timeout of 120 s: the runtime would kill it before it finishes; more than Fargate's longest stop timeout (120 s) (got \"2m\")",
    ]);
  });

  it('refuses a stop timeout beyond what Fargate allows, and less than all of it for Prometheus, which has no bound of its own', () => {
    let plan = editComponent(examplePlan('prod'), 'otel-collector', (c) => ({ ...c, stopTimeoutSeconds: 150 }));
    plan = editComponent(plan, 'prometheus', (c) => ({ ...c, stopTimeoutSeconds: 60 }));
    expect(lines(checkShutdown(plan))).toEqual([
      'otel-collector: stopTimeout: must be at most 120 s, the longest Fargate allows (got 150)',
      'prometheus: stopTimeout: must be 120 s, the longest Fargate allows: closing the TSDB waits for a running head compaction, and Prometheus has no flag to bound it (got 60)',
    ]);
  });
});
