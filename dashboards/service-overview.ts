import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedSpec } from '../src/spec/resolved';
import { LOKI_SERVICE_LABEL } from '../src/spec/defaults';
import { baseDashboard, DASHBOARD_UIDS, INCOMING_SPAN_KINDS, latencyPanel, finish, logsPanel, PROMETHEUS, promTarget, RATE, redRow, StackFacts, timeseriesPanel, withRow } from './common';

const ERROR = 'status_code="STATUS_CODE_ERROR"';
/** OTel severity numbers 17–24 are ERROR and FATAL; Loki keeps the number as structured metadata of an OTLP record. */
const ERROR_SEVERITY = 'severity_number >= 17';

/**
 * Service overview (RED): per service, request rate, error ratio and latency percentiles
 * from the stack's span metrics (Tempo's generator or the collector's connector, each in its
 * own names), with exemplars on every latency panel. A stack without span metrics gets no
 * overview (see `dashboardsFor`).
 */
export function serviceOverviewDashboard(spec: ResolvedSpec, facts: StackFacts): dashboard.Dashboard {
  const m = facts.spanMetrics;
  if (!m) throw new Error('service overview needs span metrics (Tempo\'s span-metrics processor or the collector\'s spanmetrics connector); this stack has none');
  const CALLS = m.calls;
  const LATENCY_BUCKET = m.latencyBucket;
  const svc = m.serviceLabel;
  const service = `${svc}=~"$service"`;
  const matchers = `${service}, ${INCOMING_SPAN_KINDS}`;
  const red = redRow({
    title: 'Incoming requests (server and consumer spans)',
    calls: CALLS,
    bucket: LATENCY_BUCKET,
    matchers,
    errorMatcher: ERROR,
    by: [svc],
    legend: `{{${svc}}}`,
  });
  const opCalls = (extra: string) => `sum by (${svc}, span_name) (rate(${CALLS}{${[matchers, extra].filter(Boolean).join(', ')}}[${RATE}]))`;
  let d = baseDashboard(spec, DASHBOARD_UIDS.serviceOverview, 'Service overview (RED)', `Request rate, error ratio and latency per service, from the span metrics ${m.source === 'tempo' ? 'Tempo derives from the traces it stores' : 'the collector derives from every span, before tail sampling'}.`)
    .withVariable(
      new dashboard.QueryVariableBuilder('service')
        .label('Service')
        .description('Services that reported spans (label_values of the span metrics).')
        .datasource(PROMETHEUS)
        .query(`label_values(${CALLS}, ${svc})`)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.+'),
    );
  d = withRow(d, red.row, red.panels);
  d = withRow(d, new dashboard.RowBuilder('Operations (span names) of $service'), [
    timeseriesPanel('Top operations by request rate', [promTarget('A', `topk(10, ${opCalls('')})`, { legend: `{{${svc}}} {{span_name}}` })], {
      unit: 'reqps',
      width: 8,
      min: 0,
    }),
    timeseriesPanel('Top operations by error rate', [promTarget('A', `topk(10, ${opCalls(ERROR)})`, { legend: `{{${svc}}} {{span_name}}` })], {
      unit: 'reqps',
      width: 8,
      min: 0,
    }),
    latencyPanel({
      title: 'Operation latency p95',
      bucket: LATENCY_BUCKET,
      matchers,
      by: [svc, 'span_name'],
      quantiles: [0.95],
      legend: `{{${svc}}} {{span_name}}`,
      width: 8,
    }),
  ]);
  d = withRow(d, new dashboard.RowBuilder('Outgoing calls (client and producer spans)'), [
    latencyPanel({
      title: 'Outgoing call latency',
      bucket: LATENCY_BUCKET,
      matchers: `${service}, span_kind=~"SPAN_KIND_CLIENT|SPAN_KIND_PRODUCER"`,
      by: [svc],
      legend: `{{${svc}}}`,
      width: 24,
      description: 'What $service waits for downstream. Exemplars link to the traces.',
    }),
  ]);
  if (facts.logs) {
    const lines = `{${LOKI_SERVICE_LABEL}=~"$service"}`;
    d = withRow(d, new dashboard.RowBuilder('Logs of $service'), [
      logsPanel('Errors of $service', `${lines} | ${ERROR_SEVERITY}`, {
        height: 8,
        description: 'Log records at ERROR or FATAL severity, newest first. Open a line: its trace_id links to the trace it was written in.',
      }),
      logsPanel('Logs of $service', lines, { description: 'Every log line, newest first; lines written inside a span link to their trace (trace_id).' }),
    ]);
  }
  return finish(d.build());
}
