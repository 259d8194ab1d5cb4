import { DATASOURCE_UIDS, LOKI_SERVICE_LABEL, LOKI_TRACE_ID_FIELD } from '../spec/defaults';
import type { SpanMetricsSchema } from './span-metrics';

export type TraceStore = { readonly kind: 'tempo'; readonly url: string } | { readonly kind: 'jaeger'; readonly url: string };

export interface ExemplarDestination {
  /** The exemplar label that holds the trace id. */
  readonly label: string;
  /** Where it comes from, shown in the link. */
  readonly source: string;
}

export interface GrafanaDatasourcesOptions {
  readonly prometheusUrl: string;
  readonly prometheusVersion: string;
  readonly traceStore: TraceStore;
  /** Exemplar labels Prometheus will hold; each links to the trace store. */
  readonly exemplarLabels: readonly ExemplarDestination[];
  /** The span metrics Prometheus holds (traces → metrics and the service map read them). @default - none */
  readonly spanMetrics?: SpanMetricsSchema;
  /** Loki's URL: a Loki datasource linking trace ids to the trace store, and traces → logs. @default - no logs */
  readonly lokiUrl?: string;
  /** Alertmanager's URL: its alerts and silences in Grafana's alerting pages. @default - none */
  readonly alertmanagerUrl?: string;
}

/**
 * Grafana provisions files through its env-var expansion: `$x` and `${x}` are replaced, so a
 * literal `$` (as in the `$__tags` macro) must be written `$$`.
 */
export function escapeProvisioning(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

/** Span-metrics queries offered from a span in the trace view (traces → metrics), in the source's names. */
function tracesToMetricsQueries(m: SpanMetricsSchema): { name: string; query: string }[] {
  const by = `${m.serviceLabel}, span_name`;
  const calls = (extra: string) => `sum by (${by}) (rate(${m.calls}{$__tags${extra}}[5m]))`;
  return [
    { name: 'Request rate', query: calls('') },
    { name: 'Error ratio', query: `${calls(', status_code="STATUS_CODE_ERROR"')} / ${calls('')}` },
    { name: 'Latency p95', query: `histogram_quantile(0.95, sum by (le, ${by}) (rate(${m.latencyBucket}{$__tags}[5m])))` },
  ].map((q) => ({ name: q.name, query: escapeProvisioning(q.query) }));
}

/**
 * Traces → logs, for Tempo and Jaeger alike: from a span, the lines of its service that carry
 * its trace id. Loki keeps an OTLP record's trace id as structured metadata, not in the line, so
 * the query filters on that field (`| trace_id="…"`) rather than Grafana's default line filter.
 */
export function tracesToLogs(): Record<string, unknown> {
  return {
    datasourceUid: DATASOURCE_UIDS.loki,
    spanStartTimeShift: '-5m',
    spanEndTimeShift: '5m',
    tags: [{ key: 'service.name', value: LOKI_SERVICE_LABEL }],
    filterByTraceID: false,
    filterBySpanID: false,
    customQuery: true,
    query: escapeProvisioning(`{\${__tags}} | ${LOKI_TRACE_ID_FIELD}="\${__trace.traceId}"`),
  };
}

/** The Loki datasource: each line's trace id (structured metadata) becomes a link into the trace store. */
function lokiDatasource(url: string, traceUid: string, traceName: string): Record<string, unknown> {
  return {
    name: 'Loki',
    type: 'loki',
    uid: DATASOURCE_UIDS.loki,
    access: 'proxy',
    url,
    editable: false,
    jsonData: {
      maxLines: 1000,
      derivedFields: [
        {
          name: 'TraceID',
          // `label` matches a label or structured-metadata field by name (the regex is the name)
          matcherType: 'label',
          matcherRegex: LOKI_TRACE_ID_FIELD,
          datasourceUid: traceUid,
          url: escapeProvisioning('${__value.raw}'),
          urlDisplayLabel: `Trace in ${traceName}`,
        },
      ],
    },
  };
}

/** `grafana/provisioning/datasources/datasources.yaml`, wired both ways with fixed uids. */
export function renderGrafanaDatasources(opts: GrafanaDatasourcesOptions): Record<string, unknown> {
  const traceUid = opts.traceStore.kind === 'tempo' ? DATASOURCE_UIDS.tempo : DATASOURCE_UIDS.jaeger;
  const traceName = opts.traceStore.kind === 'tempo' ? 'Tempo' : 'Jaeger';
  const prometheus = {
    name: 'Prometheus',
    type: 'prometheus',
    uid: DATASOURCE_UIDS.prometheus,
    access: 'proxy',
    url: opts.prometheusUrl,
    isDefault: true,
    editable: false,
    jsonData: {
      httpMethod: 'POST',
      prometheusType: 'Prometheus',
      prometheusVersion: opts.prometheusVersion,
      exemplarTraceIdDestinations: opts.exemplarLabels.map((e) => ({
        name: e.label,
        datasourceUid: traceUid,
        urlDisplayLabel: `Trace in ${traceName} (${e.source})`,
      })),
    },
  };
  const m = opts.spanMetrics;
  const metricsLinks = m
    ? {
        serviceMap: { datasourceUid: DATASOURCE_UIDS.prometheus },
        tracesToMetrics: {
          datasourceUid: DATASOURCE_UIDS.prometheus,
          spanStartTimeShift: '-5m',
          spanEndTimeShift: '5m',
          tags: [{ key: 'service.name', value: m.serviceLabel }],
          queries: tracesToMetricsQueries(m),
        },
      }
    : {};
  const logsLinks = opts.lokiUrl !== undefined ? { tracesToLogsV2: tracesToLogs() } : {};
  const trace =
    opts.traceStore.kind === 'tempo'
      ? {
          name: 'Tempo',
          type: 'tempo',
          uid: DATASOURCE_UIDS.tempo,
          access: 'proxy',
          url: opts.traceStore.url,
          editable: false,
          jsonData: {
            nodeGraph: { enabled: true },
            ...metricsLinks,
            ...logsLinks,
            search: { hide: false },
            traceQuery: { timeShiftEnabled: true, spanStartTimeShift: '-1h', spanEndTimeShift: '1h' },
            streamingEnabled: { search: true, metrics: true },
          },
        }
      : {
          name: 'Jaeger',
          type: 'jaeger',
          uid: DATASOURCE_UIDS.jaeger,
          access: 'proxy',
          url: opts.traceStore.url,
          editable: false,
          jsonData: { nodeGraph: { enabled: true }, ...(m ? { tracesToMetrics: metricsLinks.tracesToMetrics } : {}), ...logsLinks },
        };
  const loki = opts.lokiUrl !== undefined ? [lokiDatasource(opts.lokiUrl, traceUid, traceName)] : [];
  const alertmanager =
    opts.alertmanagerUrl !== undefined
      ? [
          {
            name: 'Alertmanager',
            type: 'alertmanager',
            uid: DATASOURCE_UIDS.alertmanager,
            access: 'proxy',
            url: opts.alertmanagerUrl,
            editable: false,
            // Prometheus's Alertmanager, not Grafana's own alerting (which this stack does not use)
            jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
          },
        ]
      : [];
  return { apiVersion: 1, prune: true, datasources: [prometheus, trace, ...loki, ...alertmanager] };
}
