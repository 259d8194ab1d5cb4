import type { ResolvedSpec } from '../spec/resolved';
import type { ComponentName } from '../components/component';

export const STACK_ALERTS_FILE = 'prometheus/rules/stack.yml';

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

function rule(component: ComponentName, alert: string, expr: string, summary: string, action: string, opts: { for?: string; severity?: string } = {}): AlertRule {
  return { alert, expr, for: opts.for ?? '5m', labels: { severity: opts.severity ?? 'ticket', component }, annotations: { summary, description: action } };
}

/**
 * `prometheus/rules/stack.yml`: the stack watching itself, for the components it runs: the
 * collector (refused or dropped data, send failures, queues filling, traces decided too early),
 * Prometheus (config reloads, rule evaluation, compactions, its receivers answering errors),
 * Tempo (discarded spans). Every metric here is one the component really exposes
 * (checked at synth against the same families as the dashboards).
 */
export function renderStackAlerts(spec: ResolvedSpec, components: readonly ComponentName[]): Record<string, unknown> {
  const groups: { name: string; rules: AlertRule[] }[] = [];
  const job = (c: string) => `{job="${c}"}`;
  if (components.includes('otel-collector')) {
    const j = job('otel-collector');
    const rules = [
      rule('otel-collector', 'CollectorRefusingSpans', `sum(rate(otelcol_receiver_refused_spans_total${j}[5m])) > 0`, 'The collector refuses spans: it is at its memory limit', 'The services lose these spans. Raise the collector task size (sizing, or tracing.tailSampling.expectedSpansPerSecond) or shed load.'),
      ...(['spans', 'metric_points', 'log_records'] as const).map((what) =>
        rule('otel-collector', `CollectorFailingToSend${{ spans: 'Spans', metric_points: 'MetricPoints', log_records: 'LogRecords' }[what]}`, `sum by (exporter) (rate(otelcol_exporter_send_failed_${what}_total${j}[5m])) > 0`, `The collector's {{ $labels.exporter }} exporter fails to send ${what.replace('_', ' ')}`, 'Data is dropped after the retries: check the store it sends to (Tempo/Jaeger, Prometheus, Loki) is up and reachable.'),
      ),
      rule('otel-collector', 'CollectorQueueNearlyFull', `max by (exporter) (otelcol_exporter_queue_size${j} / otelcol_exporter_queue_capacity${j}) > 0.8`, "The collector's {{ $labels.exporter }} queue is more than 80 % full", 'Its store is slow or down; once full, new data is dropped.'),
    ];
    if (spec.tracing.tailSampling) {
      rules.push(rule('otel-collector', 'CollectorTracesDecidedTooEarly', `sum(rate(otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total${j}[5m])) > 0`, 'Tail sampling evicts traces before their decision', 'num_traces is too small for the span rate: raise tracing.tailSampling.expectedSpansPerSecond.'));
    }
    groups.push({ name: 'stack-otel-collector', rules });
  }
  if (components.includes('prometheus')) {
    const j = job('prometheus');
    groups.push({
      name: 'stack-prometheus',
      rules: [
        rule('prometheus', 'PrometheusConfigReloadFailed', `max(prometheus_config_last_reload_successful${j}) == 0`, "Prometheus could not load its configuration", 'It keeps running the previous one: look at its log for the error.', { for: '10m' }),
        rule('prometheus', 'PrometheusRuleEvaluationFailures', `sum(rate(prometheus_rule_evaluation_failures_total${j}[5m])) > 0`, 'Prometheus fails to evaluate rules', 'Recording rules and alerts (SLOs included) are not evaluated: look at its log.'),
        rule('prometheus', 'PrometheusCompactionsFailing', `increase(prometheus_tsdb_compactions_failed_total${j}[3h]) > 0`, 'Prometheus TSDB compactions fail', 'The disk may be full or corrupt; retention cannot be applied.', { for: '0m' }),
        rule('prometheus', 'PrometheusReceiverErrors', `sum by (handler) (rate(prometheus_http_requests_total{job="prometheus", handler=~"/api/v1/write|/api/v1/otlp/v1/metrics", code=~"5.."}[5m])) > 0`, 'Prometheus answers {{ $labels.handler }} with server errors', "Span metrics (remote write) or the services' metrics (OTLP) are being lost."),
      ],
    });
  }
  if (components.includes('tempo')) {
    groups.push({
      name: 'stack-tempo',
      rules: [rule('tempo', 'TempoDiscardingSpans', `sum by (reason) (rate(tempo_discarded_spans_total${job('tempo')}[5m])) > 0`, 'Tempo discards spans ({{ $labels.reason }})', "Spans are refused by Tempo's limits (rate, trace size, live traces): raise the overrides or reduce the load.")],
    });
  }
  return { groups };
}
