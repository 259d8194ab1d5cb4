/**
 * The synth-time rule "a panel never queries a metric its stack does not produce":
 * the metric names a PromQL query selects (read by the Prometheus project's own grammar), the emitted metrics read from each stack's deployed configs,
 * and the exact messages of the check.
 */
import { parse, stringify } from 'yaml';
import { stackIssues } from '../../src/checks';
import { checkDashboardMetrics, emittedFamilies, promqlMetricNames } from '../../src/checks/dashboard-metrics';
import type { StackPlan } from '../../src/components/plan';
import { formatIssue } from '../../src/spec/issues';
import { DATASOURCE_UIDS } from '../../src/spec/defaults';
import { planOf } from './support';

describe('promqlMetricNames', () => {
  it.each([
    ['up', ['up']],
    ['sum by (service) (rate(traces_spanmetrics_calls_total{service=~"$service"}[$__rate_interval]))', ['traces_spanmetrics_calls_total']],
    ['histogram_quantile(0.95, sum by (le, service) (rate(traces_spanmetrics_latency_bucket{span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[5m])))', ['traces_spanmetrics_latency_bucket']],
    ['sum without (instance) (a_total) / on (job) group_left (team) b_info', ['a_total', 'b_info']],
    ['topk(10, x) > bool 0.5e-3 and y offset 1h30m unless z @ start()', ['x', 'y', 'z']],
    ['{__name__="scrape_duration_seconds", job="tempo"}', ['scrape_duration_seconds']],
    ['rate(http_requests_total{path="sum(by)"}[5m:1m]) * Inf + NaN', ['http_requests_total']],
    ['count_values("version", build_info) # a comment naming not_a_metric', ['build_info']],
    ['quantile(0.9, x:recorded:rate5m)', ['x:recorded:rate5m']],
    ['label_replace(up, "dst", "$1", "src", "(.*)") * on (job) group_left (team) b_info', ['up', 'b_info']],
    // Prometheus 3's quoted (UTF-8) names, which the hand-written lexer skipped as strings
    ['rate({"http.server.request.duration_seconds_count", job="api"}[5m])', ['http.server.request.duration_seconds_count']],
    ['{"__name__"="up", job="tempo"} == 0', ['up']],
  ])('reads the metric names of %s', (expr, names) => {
    expect(promqlMetricNames(expr)).toEqual({ names, problems: [] });
  });

  it('reports a __name__ regex it cannot check', () => {
    expect(promqlMetricNames('{__name__=~"tempo_.*"}').problems).toEqual(['__name__=~"tempo_.*" selects metric names by pattern; name them explicitly']);
  });

  it('reports a template variable where a metric name could hide', () => {
    expect(promqlMetricNames('rate($metric[5m])').problems).toEqual(['template variable $metric outside a label matcher or range']);
  });

  it('reports where it cannot parse a query, which the hand-written lexer accepted', () => {
    expect(promqlMetricNames('sum(rate(x_total[5m])')).toEqual({ names: ['x_total'], problems: ['cannot parse the query at offset 21: (end)'] });
    expect(promqlMetricNames('foo bar').problems).toEqual(['cannot parse the query at offset 4: "bar"']);
  });
});

describe('emittedFamilies (from the deployed configs)', () => {
  it.each([
    // the collector only forwards: Tempo's generator computes span metrics
    ['local', ['scrapeSeries', 'prometheusSelf', 'alertmanagerSelf', 'lokiSelf', 'tempoSelf', 'tempoGeneratorRegistry', 'tempoGeneratorRemoteWrite', 'tempoSpanMetrics', 'tempoServiceGraphs', 'collectorSelf']],
    // tail sampling: span metrics and the service graph come from the collector, Tempo's generator is off
    ['staging', ['scrapeSeries', 'prometheusSelf', 'alertmanagerSelf', 'lokiSelf', 'tempoSelf', 'collectorSelf', 'collectorSpanMetrics', 'collectorServiceGraph', 'collectorTailSampling']],
    ['prod', ['scrapeSeries', 'prometheusSelf', 'alertmanagerSelf', 'lokiSelf', 'tempoSelf', 'collectorSelf', 'collectorSpanMetrics', 'collectorServiceGraph', 'collectorTailSampling']],
    // Jaeger computes none: the collector does, from every span
    ['local-jaeger', ['scrapeSeries', 'prometheusSelf', 'alertmanagerSelf', 'lokiSelf', 'jaegerSelf', 'collectorSelf', 'collectorSpanMetrics', 'collectorServiceGraph']],
  ] as const)('the %s stack emits %j', (stack, families) => {
    expect(emittedFamilies(planOf(stack))).toEqual(families);
  });

  it('drops the span metrics when tempo.yaml no longer runs the span-metrics processor', () => {
    const plan = withFile(planOf('local'), 'tempo.yaml', (text) => {
      const cfg = parse(text);
      cfg.overrides.defaults.metrics_generator.processors = ['service-graphs'];
      return stringify(cfg);
    });
    expect(emittedFamilies(plan)).not.toContain('tempoSpanMetrics');
    // and the RED dashboard, built for span metrics, now fails the check
    expect(checkDashboardMetrics(plan).map(formatIssue)).toContain(
      "grafana/dashboards/o11y-service-overview.json: panel 'Request rate' targets[0]: queries metric 'traces_spanmetrics_calls_total', which no component of this stack emits" +
        ` (got ${JSON.stringify('sum by (service) (rate(traces_spanmetrics_calls_total{service=~"$service", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[$__rate_interval]))').slice(0, 57)}...)`,
    );
  });
});

/** A copy of a plan with one rendered file changed. */
function withFile(plan: StackPlan, output: string, change: (text: string) => string): StackPlan {
  return { ...plan, files: plan.files.map((f) => (f.output === output ? { ...f, content: change(f.content) } : f)) };
}

/** local-jaeger with the collector's span-metrics and service-graph connectors taken out: nothing computes span metrics. */
function jaegerWithoutSpanMetrics(): StackPlan {
  return withFile(planOf('local-jaeger'), 'otel-collector.yaml', (text) => {
    const cfg = parse(text);
    delete cfg.connectors;
    delete cfg.service.pipelines['metrics/spans'];
    cfg.service.pipelines.traces.exporters = ['otlp_grpc/traces'];
    return stringify(cfg);
  });
}

/** The problems of the added dashboard only (the stack's own overview fails too once its metrics are gone). */
const extraOnly = (lines: string[]) => lines.filter((l) => l.startsWith('grafana/dashboards/extra.json'));

function withDashboard(plan: StackPlan, dashboard: unknown): StackPlan {
  return { ...plan, files: [...plan.files, { output: 'grafana/dashboards/extra.json', content: JSON.stringify(dashboard) }] };
}

describe('checkDashboardMetrics', () => {
  const promPanel = (expr: string) => ({
    panels: [{ type: 'timeseries', title: 'Calls', datasource: { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus }, targets: [{ refId: 'A', expr }] }],
  });

  it('rejects a span-metrics panel in a Jaeger stack whose collector computes none, with the exact message', () => {
    const plan = withDashboard(jaegerWithoutSpanMetrics(), promPanel('sum(rate(traces_spanmetrics_calls_total[5m]))'));
    expect(extraOnly(checkDashboardMetrics(plan).map(formatIssue))).toEqual([
      "grafana/dashboards/extra.json: panel 'Calls' targets[0]: queries metric 'traces_spanmetrics_calls_total', which no component of this stack emits (got \"sum(rate(traces_spanmetrics_calls_total[5m]))\")",
    ]);
  });

  it("rejects a Tempo service map in a stack without Tempo's service graphs", () => {
    const plan = withDashboard(jaegerWithoutSpanMetrics(), {
      panels: [{ type: 'nodeGraph', title: 'Map', datasource: { type: 'tempo', uid: DATASOURCE_UIDS.tempo }, targets: [{ refId: 'A', queryType: 'serviceMap' }] }],
    });
    expect(checkDashboardMetrics(plan).map(formatIssue)).toContain(
      "grafana/dashboards/extra.json: panel 'Map' targets[0]: queries metric 'traces_service_graph_request_total', which no component of this stack emits (got \"serviceMap\")",
    );
  });

  it('checks the metric in a Prometheus query variable (label_values)', () => {
    const plan = withDashboard(jaegerWithoutSpanMetrics(), {
      templating: { list: [{ type: 'query', name: 'service', datasource: { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus }, query: 'label_values(traces_spanmetrics_calls_total, service)' }] },
    });
    expect(extraOnly(checkDashboardMetrics(plan).map(formatIssue))).toEqual([
      "grafana/dashboards/extra.json: variable 'service': queries metric 'traces_spanmetrics_calls_total', which no component of this stack emits (got \"traces_spanmetrics_calls_total\")",
    ]);
  });

  it('refuses a query it cannot check', () => {
    const plan = withDashboard(planOf('local'), promPanel('count({__name__=~"tempo_.+"})'));
    expect(checkDashboardMetrics(plan).map(formatIssue)).toEqual([
      'grafana/dashboards/extra.json: panel \'Calls\' targets[0]: cannot be checked against the metrics this stack emits: __name__=~"tempo_.+" selects metric names by pattern; name them explicitly (got "count({__name__=~\\"tempo_.+\\"})")',
    ]);
  });

  it('is one of the stack checks that run at synth time', () => {
    const plan = withDashboard(planOf('local-jaeger'), promPanel('tempo_discarded_spans_total'));
    expect(stackIssues(plan, [{ component: 'jaeger', purpose: 'otlp-grpc', hosts: ['localhost'], port: 4317 }, { component: 'jaeger', purpose: 'otlp-http', hosts: ['localhost'], port: 4318 }]).map(formatIssue)).toContain(
      "grafana/dashboards/extra.json: panel 'Calls' targets[0]: queries metric 'tempo_discarded_spans_total', which no component of this stack emits (got \"tempo_discarded_spans_total\")",
    );
  });
});
