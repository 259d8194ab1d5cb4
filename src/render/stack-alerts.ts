import type { ResolvedSpec } from '../spec/resolved';
import type { ComponentName } from '../components/component';
import { SPAN_METRICS, spanMetricsSource } from './span-metrics';
import { isTempoComponent } from '../components/tempo-distributed';
import type { ScrapeTarget } from './prometheus';

export const STACK_ALERTS_FILE = 'prometheus/rules/stack.yml';

/** The always-firing alert Alertmanager sends to the heartbeat only (render/alertmanager.ts). */
export const WATCHDOG_ALERT = 'Watchdog';

export interface StackAlertsOptions {
  /**
   * The scrape jobs of prometheus.yml: a job with no target left (a DNS-discovered job whose
   * tasks are all gone has no `up` series at all) fires TargetsMissing.
   * @default [] (no TargetsMissing)
   */
  readonly targets?: readonly Pick<ScrapeTarget, 'job' | 'labels'>[];
}

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
 * Tempo (discarded spans, blocklist polls, backend jobs, retention, its metrics-generator), Loki
 * (request errors, refused log lines, retention); and the stack going dark: a Watchdog that always
 * fires (a heartbeat service raises the alarm when its pings stop), scrape targets down or gone,
 * and services with SLOs whose span metrics stop. Every metric here is one the component really exposes
 * (checked at synth against the same families as the dashboards).
 */
export function renderStackAlerts(spec: ResolvedSpec, components: readonly ComponentName[], opts: StackAlertsOptions = {}): Record<string, unknown> {
  const groups: { name: string; rules: AlertRule[] }[] = [];
  const job = (c: string) => `{job="${c}"}`;
  if (components.includes('otel-collector')) {
    // with samplers behind it, the same collector alerts cover both tiers, per job
    const scaled = components.includes('otel-sampler');
    const j = scaled ? '{job=~"otel-collector|otel-sampler"}' : job('otel-collector');
    const rules = [
      rule('otel-collector', 'CollectorRefusingSpans', `sum(rate(otelcol_receiver_refused_spans_total${j}[5m])) > 0`, 'The collector refuses spans: it is at its memory limit', 'The services lose these spans. Raise the collector task size (sizing, or tracing.tailSampling.expectedSpansPerSecond) or shed load.'),
      ...(['spans', 'metric_points', 'log_records'] as const).map((what) =>
        rule('otel-collector', `CollectorFailingToSend${{ spans: 'Spans', metric_points: 'MetricPoints', log_records: 'LogRecords' }[what]}`, `sum by (exporter) (rate(otelcol_exporter_send_failed_${what}_total${j}[5m])) > 0`, `The collector's {{ $labels.exporter }} exporter fails to send ${what.replace('_', ' ')}`, 'Data is dropped after the retries: check the store it sends to (Tempo/Jaeger, Prometheus, Loki) is up and reachable.'),
      ),
      rule('otel-collector', 'CollectorQueueNearlyFull', `max by (exporter) (otelcol_exporter_queue_size${j} / otelcol_exporter_queue_capacity${j}) > 0.8`, "The collector's {{ $labels.exporter }} queue is more than 80 % full", 'Its store is slow or down; once full, new data is dropped.'),
    ];
    if (spec.tracing.tailSampling) {
      rules.push(rule(scaled ? 'otel-sampler' : 'otel-collector', 'CollectorTracesDecidedTooEarly', `sum(rate(otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total${scaled ? job('otel-sampler') : j}[5m])) > 0`, 'Tail sampling evicts traces before their decision', 'num_traces is too small for the span rate: raise tracing.tailSampling.expectedSpansPerSecond.'));
    }
    if (scaled) {
      // the gateway's resolver drops a sampler that stops answering; its traces in flight are lost,
      // and the others take its share until it is back
      rules.push(rule('otel-sampler', 'CollectorSamplerDown', `count(up${job('otel-sampler')} == 0) > 0`, '{{ $value }} tail-sampling collector(s) down', 'The load-balancing tier routes their traces to the others, which now carry more: check the sampler tasks (memory, restarts).'));
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
        ...(components.includes('alertmanager')
          ? [
              rule('prometheus', 'PrometheusNotConnectedToAlertmanager', `max(prometheus_notifications_alertmanagers_discovered${j}) < 1`, 'Prometheus knows no Alertmanager', 'Alerts fire but reach nobody: check prometheus.yml alerting and that Alertmanager resolves and runs.', { for: '10m', severity: 'page' }),
              rule('prometheus', 'PrometheusFailingToSendAlerts', `sum(rate(prometheus_notifications_errors_total${j}[5m])) / sum(rate(prometheus_notifications_sent_total${j}[5m])) > 0.01`, 'Prometheus fails to send alerts to Alertmanager', 'Alerts are delayed or lost: Alertmanager is down or unreachable from Prometheus.', { for: '15m', severity: 'page' }),
            ]
          : []),
      ],
    });
  }
  if (components.includes('alertmanager')) {
    const j = job('alertmanager');
    groups.push({
      name: 'stack-alertmanager',
      rules: [
        rule('alertmanager', 'AlertmanagerConfigReloadFailed', `max(alertmanager_config_last_reload_successful${j}) == 0`, 'Alertmanager could not load its configuration', 'It keeps routing with the previous one: look at its log for the error.', { for: '10m' }),
        // a page, sent to every receiver the route would use: a notification channel that fails
        // is the one thing no other alert can tell anyone about
        rule('alertmanager', 'AlertmanagerNotificationsFailing', `sum by (integration) (rate(alertmanager_notifications_failed_total${j}[5m])) > 0`, 'Alertmanager fails to notify {{ $labels.integration }}', "Check the receiver's secret (webhook URL, routing key) and that Alertmanager reaches it (egress to 443).", { for: '15m', severity: 'page' }),
      ],
    });
  }
  // the monolith, or distributed Tempo's roles: all scraped as job tempo
  if (components.some(isTempoComponent)) {
    const j = job('tempo');
    // the metrics-generator gets spans (and collects, and remote-writes) only where Tempo computes the span metrics
    const generator = spanMetricsSource(spec, 'tempo') === 'tempo';
    groups.push({
      name: 'stack-tempo',
      rules: [
        rule('tempo', 'TempoDiscardingSpans', `sum by (reason) (rate(tempo_discarded_spans_total${job('tempo')}[5m])) > 0`, 'Tempo discards spans ({{ $labels.reason }})', "Spans are refused by Tempo's limits (rate, trace size, live traces): raise the overrides or reduce the load."),
        // the monolith's backend-worker polls every blocklist_poll (5 m, left at its default) and
        // counts only a failure to list the tenants in the bucket: three in half an hour is a
        // backend Tempo cannot read. Its blocklist then goes stale, and blocks the live-store has
        // flushed and let go of can no longer be searched.
        rule('tempo', 'TempoBlocklistPollsFailing', `sum(increase(tempodb_blocklist_poll_errors_total${j}[30m])) > 2`, 'Tempo cannot list the blocks in its trace storage', 'Traces older than what the live-store still holds stop being found, and compaction and retention work from a stale list: check the bucket (s3:ListBucket, the endpoint reachable from Tempo) or the local volume, and look at Tempo\'s log ("failed to poll blocklist").', { severity: 'page' }),
        // 3.0 has no compactor: the backend-scheduler hands compaction and retention jobs to the
        // backend-worker, both inside the monolith. A monolith gets a few jobs an hour, so the
        // ratio is taken over an hour.
        rule('tempo', 'TempoBackendJobsFailing', `sum by (job_type) (increase(tempo_backend_scheduler_jobs_failed_total${j}[1h])) / sum by (job_type) (increase(tempo_backend_scheduler_jobs_created_total${j}[1h])) > 0.1`, "Tempo's backend worker fails {{ $labels.job_type }} jobs", 'Blocks stay uncompacted: searches read more, slower, and storage grows. Look at Tempo\'s log ("job failed") for the cause, often the bucket (s3:GetObject, PutObject, DeleteObject) or a full disk.', { for: '15m' }),
        // a retention job reports success even when blocks could not be marked or deleted: only
        // this counter tells. Retention runs hourly; a 90-minute window held for 2 hours means
        // two runs in a row failed.
        rule('tempo', 'TempoRetentionFailing', `sum(increase(tempodb_retention_errors_total${j}[90m])) > 0`, 'Tempo fails to delete traces past their retention', 'Traces are kept longer than tracing.retentionHours and storage keeps growing: check that Tempo may delete in the bucket (s3:DeleteObject) or write to its volume, and look at its log.', { for: '2h' }),
        // distributed: a consumer group falling behind on a partition. The block-builders read in
        // 5-minute cycles (consume_cycle_duration), so their lag saws up to about 5 minutes; 15 held
        // for 15 means recent traces are missing from queries (live-stores) or blocks are late in S3
        // (block-builders), and past Kafka's retention spans are lost
        ...(components.includes('tempo-live-store')
          ? [
              rule('tempo', 'TempoKafkaConsumerLagging', `max by (group, partition) (tempo_ingest_group_partition_lag_seconds${j}) > 900`, 'Tempo\'s {{ $labels.group }} is more than 15 minutes behind on Kafka partition {{ $labels.partition }}', "Recent traces are missing from searches (live-store) or reach S3 late (block-builder); past the topic's retention (tracing.distributed.kafka.retention) spans are lost. Check that the partition's consumer runs (tempo-live-store-N for partition N, or the block-builder whose partitions include N) and is not starved of CPU or memory.", { for: '15m' }),
            ]
          : []),
        ...(generator
          ? [
              rule('tempo', 'TempoGeneratorCollectionsFailing', `sum by (tenant) (rate(tempo_metrics_generator_registry_collections_failed_total${j}[5m])) / sum by (tenant) (rate(tempo_metrics_generator_registry_collections_total${j}[5m])) > 0.1`, "Tempo's metrics-generator fails to collect span metrics", 'Span metrics and the service graph get gaps, and the SLO alerts read them: the generator cannot write its WAL (disk full?) or its samples are refused. Look at Tempo\'s log ("collecting metrics failed").', { for: '10m' }),
              // samples_total counts every send attempt, a retry included: failed (refused, lost)
              // plus retried (Prometheus unreachable or answering 5xx) over it is the share not landing
              rule('tempo', 'TempoGeneratorRemoteWriteFailing', `sum by (url) (rate(prometheus_remote_storage_samples_failed_total${j}[5m]) + rate(prometheus_remote_storage_samples_retried_total${j}[5m])) / sum by (url) (rate(prometheus_remote_storage_samples_total${j}[5m])) > 0.05`, "Tempo's metrics-generator cannot remote-write to {{ $labels.url }}", 'Span metrics and the service graph stop reaching Prometheus, so dashboards and SLO alerts go blind: check that Prometheus is up, reachable from Tempo and runs its remote-write receiver. Refused samples (out of order, too old) are lost.', { for: '15m' }),
            ]
          : []),
      ],
    });
  }
  if (components.includes('loki')) groups.push({ name: 'stack-loki', rules: lokiRules() });
  groups.push({ name: 'stack-health', rules: healthRules(spec, components, opts.targets ?? []) });
  return { groups };
}

/**
 * What tells that the stack, or a service, went dark, which no alert on a metric's value can:
 * a stopped Prometheus evaluates nothing and a stopped Alertmanager sends nothing, so the
 * Watchdog fires always and its absence is the alarm (at a heartbeat service, off the stack).
 */
function healthRules(spec: ResolvedSpec, components: readonly ComponentName[], targets: readonly Pick<ScrapeTarget, 'job' | 'labels'>[]): AlertRule[] {
  const rules = [
    {
      alert: WATCHDOG_ALERT,
      expr: 'vector(1)',
      for: '0m',
      labels: { severity: 'none', component: 'prometheus' },
      annotations: {
        summary: 'Always firing: the alert pipeline (Prometheus, its rules, Alertmanager) is alive',
        description: 'Routed only to the heartbeat receiver (alerting.heartbeat), about once a minute: a heartbeat service alarms when it stops. Never silence it.',
      },
    },
    // one rule for every job: a job with a single task is down as a whole, a replicated one
    // (DNS-discovered tasks, Docker replicas) reports how many of its targets are
    rule('prometheus', 'TargetDown', `count by (job) (up${components.includes('otel-sampler') ? '{job!="otel-sampler"}' : ''} == 0) > 0`, '{{ $value }} target(s) of job {{ $labels.job }} down', "Prometheus cannot scrape them: the component or service is down, restarting, or unreachable (DNS, security group). Its own alerts cannot fire while it is, and what it sends may be lost: look at its task or container and its log."),
  ];
  if (targets.length > 0) {
    // a job of the stack's own components that has no target at all (absent() keeps the job
    // label of an equality matcher: one term per component, whatever the number of services),
    // or any job, a service's too, that had targets in the last day and has none now (one
    // regex, so the rule grows by a name per service, never by a term)
    const own = targets.filter((t) => t.labels?.service === undefined).map((t) => `absent(up{job="${t.job}"})`);
    const gone = `(group by (job) (max_over_time(up{job=~"${targets.map((t) => t.job).join('|')}"}[1d])) unless on (job) group by (job) (up))`;
    rules.push(rule('prometheus', 'TargetsMissing', [...own, gone].join(' or '), 'Prometheus has no target for job {{ $labels.job }}', 'The job discovers no target (every task of a DNS-discovered job gone, or its name no longer resolves) so nothing of it is scraped and TargetDown cannot fire: check that its service runs and is registered (Cloud Map). A job gone for more than a day is no longer told apart from one never deployed.', { for: '10m' }));
  }
  const slo = spec.services.filter((s) => s.slos.length > 0).map((s) => s.name);
  if (slo.length > 0) {
    const m = SPAN_METRICS[spanMetricsSource(spec, components.some(isTempoComponent) ? 'tempo' : 'jaeger')];
    const sel = `{${m.serviceLabel}=~"${slo.join('|')}", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}`;
    // the requests its SLOs count, 10 to 70 minutes ago, and none in the last 10: the series
    // gone (the collector or Tempo restarted, the service stopped) or standing still
    const had = `sum by (${m.serviceLabel}) (rate(${m.calls}${sel}[1h] offset 10m)) > 0`;
    const has = `sum by (${m.serviceLabel}) (rate(${m.calls}${sel}[10m])) > 0`;
    const expr = `${had} unless ${has}`;
    rules.push(
      rule(
        m.source === 'tempo' ? 'tempo' : 'otel-collector',
        'SpanMetricsMissing',
        // the alert's `service` label, whichever label the source writes
        m.serviceLabel === 'service' ? expr : `label_replace(${expr}, "service", "$1", "${m.serviceLabel}", "(.*)")`,
        'No requests of {{ $labels.service }} in the span metrics for 10 minutes, after traffic the hour before',
        "Its SLO alerts now see no errors and cannot fire. Either the service stopped serving (check it), its spans stopped arriving (SDK exporter, the collector's receiver), or the span metrics stopped (the collector's span_metrics connector or Tempo's metrics-generator, their remote write): look at the traces of the service and at CollectorFailingToSendMetricPoints / TempoGeneratorRemoteWriteFailing. A service whose traffic really stops (nightly) resolves this after an hour.",
        { for: '0m', severity: 'page' },
      ),
    );
  }
  return rules;
}

/**
 * Loki's own, scraped as job loki. Names read from grafana/loki at v3.7.6:
 * - loki_request_duration_seconds{method,route,status_code,ws}: dskit's server middleware
 *   (vendor/github.com/grafana/dskit/server/metrics.go, namespace from pkg/loki/loki.go
 *   `c.Server.MetricsNamespace = constants.Loki`); route is the HTTP route, status_code the
 *   HTTP code (gRPC: "success", "error", "cancel").
 * - loki_discarded_samples_total{reason,tenant,…}: pkg/validation/validate.go (DiscardedSamples);
 *   reasons there too: `rate_limited` (the tenant's ingestion rate), `per_stream_rate_limit`,
 *   `line_too_long`, `greater_than_max_sample_age`, `stream_limit`… A CounterVec: no series until
 *   the first refusal.
 * - loki_compactor_apply_retention_operation_total{status="success"|"failure"}:
 *   pkg/compactor/metrics.go, counted per compaction run that applies retention
 *   (pkg/compactor/tables_manager.go runCompaction); registered on the default registry
 *   without a prefix. Retention runs with every compaction (compaction_interval, 10m, and
 *   apply_retention_interval 0, left at their defaults).
 */
function lokiRules(): AlertRule[] {
  const j = 'job="loki"';
  return [
    rule('loki', 'LokiRequestErrors', `sum by (route) (rate(loki_request_duration_seconds_count{${j}, status_code=~"5.."}[5m])) / sum by (route) (rate(loki_request_duration_seconds_count{${j}}[5m])) > 0.05`, 'Loki answers more than 5 % of {{ $labels.route }} requests with server errors', 'On a push route logs are lost once the collector gives up retrying; on a query route Grafana shows errors. Look at Loki\'s log: its storage (S3, the volume) is often the cause.', { for: '15m' }),
    rule('loki', 'LokiIngestionRateLimited', `sum by (reason) (rate(loki_discarded_samples_total{${j}, reason=~"rate_limited|per_stream_rate_limit"}[5m])) > 0`, 'Loki refuses log lines over its rate limits ({{ $labels.reason }})', 'These log lines are lost: raise limits_config.ingestion_rate_mb / per_stream_rate_limit, or make the services log less.', { for: '10m' }),
    rule('loki', 'LokiDiscardingSamples', `sum by (reason) (rate(loki_discarded_samples_total{${j}, reason!~"rate_limited|per_stream_rate_limit"}[5m])) > 0`, 'Loki discards log lines ({{ $labels.reason }})', 'Lines Loki validates and refuses (too long, too old, too many streams or labels) are lost: the reason names the limit in limits_config.', { for: '15m' }),
    // no run of the last hour succeeded and some failed (a run every 10 minutes), held for
    // one more run: logs are kept past their retention and storage keeps growing
    rule('loki', 'LokiRetentionFailing', `sum(increase(loki_compactor_apply_retention_operation_total{${j}, status="failure"}[1h])) > 0 unless sum(increase(loki_compactor_apply_retention_operation_total{${j}, status="success"}[1h])) > 0`, "Loki's compactor fails to apply retention", 'Logs are kept longer than logs.retention and storage keeps growing: look at the compactor in Loki\'s log (delete permission on the bucket or volume, the delete request store).', { for: '10m' }),
  ];
}
