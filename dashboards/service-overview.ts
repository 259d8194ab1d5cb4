import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedSpec } from '../src/spec/resolved';
import { baseDashboard, DASHBOARD_UIDS, INCOMING_SPAN_KINDS, latencyPanel, finish, PROMETHEUS, promTarget, RATE, redRow, StackFacts, timeseriesPanel, withRow } from './common';

/** Tempo's span-metrics series (grafana/tempo modules/generator/processor/spanmetrics). */
const CALLS = 'traces_spanmetrics_calls_total';
const LATENCY_BUCKET = 'traces_spanmetrics_latency_bucket';
const ERROR = 'status_code="STATUS_CODE_ERROR"';

/**
 * Service overview (RED): per service, request rate, error ratio and latency percentiles
 * from Tempo's span metrics, with exemplars on every latency panel. Needs the
 * `span-metrics` processor: a stack without it gets no overview (see `dashboardsFor`).
 */
export function serviceOverviewDashboard(spec: ResolvedSpec, facts: StackFacts): dashboard.Dashboard {
  if (!facts.generatorProcessors.includes('span-metrics')) {
    throw new Error("service overview needs Tempo's span-metrics processor; this stack does not run it");
  }
  const service = 'service=~"$service"';
  const matchers = `${service}, ${INCOMING_SPAN_KINDS}`;
  const red = redRow({
    title: 'Incoming requests (server and consumer spans)',
    calls: CALLS,
    bucket: LATENCY_BUCKET,
    matchers,
    errorMatcher: ERROR,
    by: ['service'],
    legend: '{{service}}',
  });
  const opCalls = (extra: string) => `sum by (service, span_name) (rate(${CALLS}{${[matchers, extra].filter(Boolean).join(', ')}}[${RATE}]))`;
  let d = baseDashboard(spec, DASHBOARD_UIDS.serviceOverview, 'Service overview (RED)', 'Request rate, error ratio and latency per service, from the span metrics Tempo derives from every trace.')
    .withVariable(
      new dashboard.QueryVariableBuilder('service')
        .label('Service')
        .description('Services that reported spans (label_values of the span metrics).')
        .datasource(PROMETHEUS)
        .query(`label_values(${CALLS}, service)`)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.+'),
    );
  d = withRow(d, red.row, red.panels);
  d = withRow(d, new dashboard.RowBuilder('Operations (span names) of $service'), [
    timeseriesPanel('Top operations by request rate', [promTarget('A', `topk(10, ${opCalls('')})`, { legend: '{{service}} {{span_name}}' })], {
      unit: 'reqps',
      width: 8,
      min: 0,
    }),
    timeseriesPanel('Top operations by error rate', [promTarget('A', `topk(10, ${opCalls(ERROR)})`, { legend: '{{service}} {{span_name}}' })], {
      unit: 'reqps',
      width: 8,
      min: 0,
    }),
    latencyPanel({
      title: 'Operation latency p95',
      bucket: LATENCY_BUCKET,
      matchers,
      by: ['service', 'span_name'],
      quantiles: [0.95],
      legend: '{{service}} {{span_name}}',
      width: 8,
    }),
  ]);
  d = withRow(d, new dashboard.RowBuilder('Outgoing calls (client and producer spans)'), [
    latencyPanel({
      title: 'Outgoing call latency',
      bucket: LATENCY_BUCKET,
      matchers: `${service}, span_kind=~"SPAN_KIND_CLIENT|SPAN_KIND_PRODUCER"`,
      by: ['service'],
      legend: '{{service}}',
      width: 24,
      description: 'What $service waits for downstream. Exemplars link to the traces.',
    }),
  ]);
  return finish(d.build());
}
