import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedSpec } from '../src/spec/resolved';
import { baseDashboard, DASHBOARD_UIDS, finish, promTarget, RATE, StackFacts, timeseriesPanel, withRow } from './common';

const rate = (expr: string) => `rate(${expr}[${RATE}])`;

/**
 * Stack health: the observability stack watching itself. Scrape health for every job; the
 * collector (spans, metric points, log records; with tail sampling its buffer and decisions); trace ingestion (Tempo's distributor and
 * discards, or Jaeger's receiver and exporter); Tempo's metrics-generator remote write when it
 * computes span metrics; Prometheus' exemplar storage and remote-write receiver.
 * Metric names and their sources: src/checks/dashboard-metrics.ts (METRIC_FAMILIES).
 */
export function stackHealthDashboard(spec: ResolvedSpec, facts: StackFacts): dashboard.Dashboard {
  let d = baseDashboard(spec, DASHBOARD_UIDS.stackHealth, 'Stack health', 'Is the observability stack itself healthy: scrapes, trace ingestion, span-metrics delivery and exemplar storage.');
  d = withRow(d, new dashboard.RowBuilder('Scrapes'), [
    timeseriesPanel('Targets up', [promTarget('A', 'up', { legend: '{{job}} {{instance}}' })], {
      unit: 'none',
      width: 8,
      min: 0,
      max: 1,
      description: '1 when the last scrape of the target succeeded.',
    }),
    timeseriesPanel('Scrape duration', [promTarget('A', 'scrape_duration_seconds', { legend: '{{job}}' })], { unit: 's', width: 8, min: 0 }),
    timeseriesPanel('Samples per scrape', [promTarget('A', 'scrape_samples_scraped', { legend: '{{job}}' })], { unit: 'none', width: 8, min: 0 }),
  ]);
  d = collectorRows(d, spec.tracing.tailSampling !== undefined, (spec.tracing.tailSampling?.samplers ?? 1) > 1);
  if (facts.traceBackend === 'tempo') {
    const generator = facts.spanMetrics?.source === 'tempo';
    d = withRow(d, new dashboard.RowBuilder('Tempo ingestion'), [
      timeseriesPanel('Spans received', [promTarget('A', `sum by (tenant) (${rate('tempo_distributor_spans_received_total')})`, { legend: 'received ({{tenant}})' })], {
        unit: 'cps',
        width: 8,
        min: 0,
      }),
      timeseriesPanel('Spans discarded', [promTarget('A', `sum by (reason) (${rate('tempo_discarded_spans_total')})`, { legend: '{{reason}}' })], {
        unit: 'cps',
        width: 8,
        min: 0,
        description: 'Spans Tempo refused or dropped (rate limits, trace too large, live traces exceeded …), by reason.',
      }),
      ...(generator
        ? [
            timeseriesPanel(
              'Metrics-generator: spans in and discarded',
              [
                promTarget('A', `sum(${rate('tempo_metrics_generator_spans_received_total')})`, { legend: 'received' }),
                promTarget('B', `sum by (reason) (${rate('tempo_metrics_generator_spans_discarded_total')})`, { legend: 'discarded: {{reason}}' }),
              ],
              { unit: 'cps', width: 8, min: 0, description: 'Spans outside the ingestion slack are not counted in span metrics.' },
            ),
          ]
        : []),
    ]);
  }
  if (facts.spanMetrics?.source === 'tempo') {
    d = withRow(d, new dashboard.RowBuilder('Metrics-generator remote write (Tempo → Prometheus)'), [
      timeseriesPanel(
        'Samples and exemplars sent',
        [
          promTarget('A', `sum(${rate('prometheus_remote_storage_samples_total{job="tempo"}')})`, { legend: 'samples' }),
          promTarget('B', `sum(${rate('prometheus_remote_storage_exemplars_total{job="tempo"}')})`, { legend: 'exemplars' }),
        ],
        { unit: 'cps', width: 12, min: 0 },
      ),
      timeseriesPanel(
        'Remote-write failures',
        [
          promTarget('A', `sum(${rate('prometheus_remote_storage_samples_failed_total{job="tempo"}')})`, { legend: 'samples failed' }),
          promTarget('B', `sum(${rate('prometheus_remote_storage_samples_dropped_total{job="tempo"}')})`, { legend: 'samples dropped' }),
          promTarget('C', `sum(${rate('prometheus_remote_storage_exemplars_failed_total{job="tempo"}')})`, { legend: 'exemplars failed' }),
        ],
        { unit: 'cps', width: 12, min: 0, description: 'Non-zero means span metrics (and their exemplars) are not reaching Prometheus.' },
      ),
    ]);
  }
  if (facts.traceBackend === 'jaeger') {
    d = withRow(d, new dashboard.RowBuilder('Jaeger ingestion'), [
      timeseriesPanel(
        'Spans received',
        [
          promTarget('A', `sum by (receiver) (${rate('otelcol_receiver_accepted_spans_total{job="jaeger"}')})`, { legend: 'accepted ({{receiver}})' }),
          promTarget('B', `sum by (receiver) (${rate('otelcol_receiver_refused_spans_total{job="jaeger"}')})`, { legend: 'refused ({{receiver}})' }),
        ],
        { unit: 'cps', width: 12, min: 0 },
      ),
      timeseriesPanel(
        'Spans stored',
        [
          promTarget('A', `sum by (exporter) (${rate('otelcol_exporter_sent_spans_total{job="jaeger"}')})`, { legend: 'sent ({{exporter}})' }),
          promTarget('B', `sum by (exporter) (${rate('otelcol_exporter_send_failed_spans_total{job="jaeger"}')})`, { legend: 'failed ({{exporter}})' }),
        ],
        { unit: 'cps', width: 12, min: 0, description: 'Spans written to Jaeger storage; accepted and sent should stay close.' },
      ),
    ]);
  }
  d = withRow(d, new dashboard.RowBuilder('Prometheus: exemplars and remote-write receiver'), [
    timeseriesPanel(
      'Exemplar storage',
      [
        promTarget('A', 'prometheus_tsdb_exemplar_exemplars_in_storage', { legend: 'in storage' }),
        promTarget('B', 'prometheus_tsdb_exemplar_max_exemplars', { legend: 'capacity' }),
      ],
      { unit: 'none', width: 8, min: 0, description: 'A full circular buffer means old exemplars (trace links) are being overwritten.' },
    ),
    timeseriesPanel(
      'Exemplars appended',
      [
        promTarget('A', rate('prometheus_tsdb_exemplar_exemplars_appended_total'), { legend: 'appended' }),
        promTarget('B', rate('prometheus_tsdb_exemplar_out_of_order_exemplars_total'), { legend: 'out of order (rejected)' }),
      ],
      { unit: 'cps', width: 8, min: 0 },
    ),
    timeseriesPanel('Remote-write receiver requests', [promTarget('A', `sum by (code) (${rate('prometheus_http_requests_total{handler="/api/v1/write"}')})`, { legend: 'HTTP {{code}}' })], {
      unit: 'reqps',
      width: 8,
      min: 0,
      description: facts.spanMetrics
        ? `Writes to /api/v1/write: ${facts.spanMetrics.source === 'tempo' ? "Tempo's metrics-generator" : 'the collector'} delivers span metrics here. Anything but 2xx is lost span metrics.`
        : 'Writes to /api/v1/write. Nothing in this stack remote-writes, so any traffic here comes from outside it.',
    }),
  ]);
  return finish(d.build());
}

/** The collector, the stack's OTLP entry point: spans, metric points and log records in and out; with tail sampling, its buffer and decisions. */
function collectorRows(d: dashboard.DashboardBuilder, tail: boolean, scaledOut: boolean): dashboard.DashboardBuilder {
  const job = '{job="otel-collector"}';
  // behind a load-balancing tier the samplers send traces and decide: summed over every sampler
  const traces = scaledOut ? '{job="otel-sampler"}' : job;
  const entry = [
    timeseriesPanel(
      'Spans received',
      [
        promTarget('A', `sum(${rate(`otelcol_receiver_accepted_spans_total${job}`)})`, { legend: 'accepted' }),
        promTarget('B', `sum(${rate(`otelcol_receiver_refused_spans_total${job}`)})`, { legend: 'refused (memory limiter)' }),
      ],
      { unit: 'cps', width: 8, min: 0, description: 'Refused spans mean the collector is at its memory limit: raise tracing.tailSampling.expectedSpansPerSecond.' },
    ),
    timeseriesPanel(
      'Spans sent to the trace store',
      [
        promTarget('A', `sum(${rate(`otelcol_exporter_sent_spans_total${traces}`)})`, { legend: tail ? 'sent (kept by tail sampling)' : 'sent' }),
        promTarget('B', `sum(${rate(`otelcol_exporter_send_failed_spans_total${traces}`)})`, { legend: 'failed' }),
      ],
      { unit: 'cps', width: 8, min: 0, description: tail ? 'Sent ÷ accepted is the share of spans tail sampling keeps.' : 'Every accepted span is forwarded.' },
    ),
    timeseriesPanel(
      'Metric points sent to Prometheus',
      [
        promTarget('A', `sum(${rate(`otelcol_exporter_sent_metric_points_total${job}`)})`, { legend: 'points sent' }),
        promTarget('B', `sum(${rate(`otelcol_exporter_send_failed_metric_points_total${job}`)})`, { legend: 'points failed' }),
      ],
      { unit: 'cps', width: 8, min: 0, description: "The services' OTLP metrics, and span metrics and the service graph where the collector computes them." },
    ),
    timeseriesPanel(
      'Log records to Loki',
      [
        promTarget('A', `sum(${rate(`otelcol_receiver_accepted_log_records_total${job}`)})`, { legend: 'accepted' }),
        promTarget('B', `sum(${rate(`otelcol_exporter_sent_log_records_total${job}`)})`, { legend: 'sent' }),
        promTarget('C', `sum(${rate(`otelcol_exporter_send_failed_log_records_total${job}`)})`, { legend: 'failed' }),
      ],
      { unit: 'cps', width: 8, min: 0, description: "The services' logs, with their trace ids, on their way to Loki." },
    ),
  ];
  if (!tail) return withRow(d, new dashboard.RowBuilder('Collector: the OTLP entry point'), entry);
  return withRow(d, new dashboard.RowBuilder(scaledOut ? 'Collectors: load-balancing tier and samplers' : 'Collector: tail sampling and span metrics'), [
    ...entry,
    timeseriesPanel(
      'Traces decided too early',
      [promTarget('A', `sum(${rate(`otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total${traces}`)})`, { legend: 'evicted before their decision' })],
      { unit: 'cps', width: 8, min: 0, description: 'Traces evicted from the buffer (num_traces) before decision_wait ended: raise tracing.tailSampling.expectedSpansPerSecond.' },
    ),
    timeseriesPanel(
      'Traces waiting for a decision',
      [promTarget('A', `sum(otelcol_processor_tail_sampling_sampling_traces_on_memory${traces})`, { legend: 'in memory' })],
      { unit: 'none', width: 8, min: 0, description: 'Undecided traces held in memory: about new traces/s × decision_wait.' },
    ),
    timeseriesPanel(
      'Decision time (p95)',
      [promTarget('A', `histogram_quantile(0.95, sum by (le) (${rate(`otelcol_processor_tail_sampling_sampling_decision_timer_latency_milliseconds_bucket${traces}`)}))`, { legend: 'p95 per decision tick', exemplar: true })],
      { unit: 'ms', width: 8, min: 0, description: 'Time to evaluate the policies of one tick of traces; near 1 s, decisions fall behind decision_wait.' },
    ),
  ]);
}
