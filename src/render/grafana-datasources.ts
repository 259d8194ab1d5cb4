import { DATASOURCE_UIDS } from '../spec/defaults';
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
          // without a collector the light stack computes no span metrics: no traces-to-metrics link to offer
          jsonData: { nodeGraph: { enabled: true }, ...(m ? { tracesToMetrics: metricsLinks.tracesToMetrics } : {}) },
        };
  return { apiVersion: 1, prune: true, datasources: [prometheus, trace] };
}
