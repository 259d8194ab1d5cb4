/**
 * Shared presets for the stack's dashboards, in the style of the grafana-foundation-sdk
 * examples: datasource refs by the fixed uids, a RED row, a latency panel with exemplars,
 * trace tables. Builders stay builders until `build()` at the edge (each dashboard file).
 */
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE_UIDS } from '../src/spec/defaults';
import type { SpanMetricsSchema } from '../src/render/span-metrics';
import type { ResolvedSpec } from '../src/spec/resolved';

/** What a dashboard needs to know about the stack it is provisioned into. */
export interface StackFacts {
  /** Where traces are stored: Tempo or Jaeger. */
  readonly traceBackend: 'tempo' | 'jaeger';
  /**
   * The span metrics Prometheus holds, in their source's names (Tempo's metrics-generator, or
   * the collector's connectors when it tail-samples).
   * @default - none: no RED panels (Jaeger without a collector)
   */
  readonly spanMetrics?: SpanMetricsSchema;
  /** Whether the service-graph series (`traces_service_graph_*`, the same names from either source) exist. */
  readonly serviceGraph: boolean;
  /**
   * Whether the stack stores the services' logs in Loki (OTLP, with trace ids).
   * @default false
   */
  readonly logs?: boolean;
}

/** Stable dashboard uids: links, bookmarks and provisioning files refer to these. */
export const DASHBOARD_UIDS = {
  serviceOverview: 'o11y-service-overview',
  serviceGraph: 'o11y-service-graph',
  traces: 'o11y-traces',
  stackHealth: 'o11y-stack-health',
  slos: 'o11y-slos',
} as const;

/** Tag every dashboard of the stack carries; the dashboards link to each other by it. */
export const DASHBOARD_TAG = 'o11y-stack';

export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus };
export const TEMPO: common.DataSourceRef = { type: 'tempo', uid: DATASOURCE_UIDS.tempo };
export const JAEGER: common.DataSourceRef = { type: 'jaeger', uid: DATASOURCE_UIDS.jaeger };
export const LOKI: common.DataSourceRef = { type: 'loki', uid: DATASOURCE_UIDS.loki };

/** Grafana's rate window that follows the scrape interval and the zoom. */
export const RATE = '$__rate_interval';

/** The span kinds that are a service's incoming work (requests, consumed messages). */
export const INCOMING_SPAN_KINDS = 'span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"';

/** A dashboard with the stack's defaults: uid, tags, time range, links to its siblings, read-only. */
export function baseDashboard(spec: ResolvedSpec, uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(`${description} Environment: ${spec.environment}.`)
    .tags([DASHBOARD_TAG, spec.name, spec.environment])
    .timezone('browser')
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    // provisioned from the spec: edits in the UI would be lost on the next deploy
    .readonly()
    .link(
      new dashboard.DashboardLinkBuilder('o11y-stack dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    );
}

export interface PromTargetOptions {
  readonly legend?: string;
  /** Ask Prometheus for exemplars (trace links) with the samples. @default false */
  readonly exemplar?: boolean;
}

/** A Prometheus range query with an explicit refId and the datasource set on the target. */
export function promTarget(refId: string, expr: string, opts: PromTargetOptions = {}): prometheus.DataqueryBuilder {
  const t = new prometheus.DataqueryBuilder().datasource(PROMETHEUS).refId(refId).expr(expr).range().exemplar(opts.exemplar ?? false);
  return opts.legend !== undefined ? t.legendFormat(opts.legend) : t;
}

export interface TimeseriesOptions {
  readonly unit: string;
  readonly description?: string;
  /** Grid width out of 24. @default 12 */
  readonly width?: number;
  /** @default 8 */
  readonly height?: number;
  readonly min?: number;
  readonly max?: number;
}

/** A time series panel on the Prometheus datasource with a visible legend. */
export function timeseriesPanel(title: string, targets: readonly prometheus.DataqueryBuilder[], opts: TimeseriesOptions): timeseries.PanelBuilder {
  let p = new timeseries.PanelBuilder()
    .title(title)
    .datasource(PROMETHEUS)
    .targets([...targets])
    .unit(opts.unit)
    .span(opts.width ?? 12)
    .height(opts.height ?? 8)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).calcs([]))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (opts.description) p = p.description(opts.description);
  if (opts.min !== undefined) p = p.min(opts.min);
  if (opts.max !== undefined) p = p.max(opts.max);
  return p;
}

export interface LatencyPanelOptions {
  readonly title: string;
  /** A `_bucket` series of a classic histogram in seconds. */
  readonly bucket: string;
  /** Label matchers inside `{…}`, without braces. @default "" */
  readonly matchers?: string;
  /** Labels to keep besides `le`. */
  readonly by: readonly string[];
  /** @default [0.5, 0.95, 0.99] */
  readonly quantiles?: readonly number[];
  /** Legend after the percentile, e.g. `{{service}}`. */
  readonly legend: string;
  readonly description?: string;
  readonly width?: number;
}

/**
 * Latency percentiles from a histogram, with exemplars on every target: the dots on the
 * graph are trace ids, and a click opens the trace (Prometheus datasource
 * exemplarTraceIdDestinations → trace datasource).
 */
export function latencyPanel(opts: LatencyPanelOptions): timeseries.PanelBuilder {
  const quantiles = opts.quantiles ?? [0.5, 0.95, 0.99];
  const by = ['le', ...opts.by].join(', ');
  const targets = quantiles.map((q, i) =>
    promTarget(
      String.fromCharCode(65 + i),
      `histogram_quantile(${q}, sum by (${by}) (rate(${opts.bucket}{${opts.matchers ?? ''}}[${RATE}])))`,
      { legend: `p${Math.round(q * 100)} ${opts.legend}`.trim(), exemplar: true },
    ),
  );
  return timeseriesPanel(opts.title, targets, {
    unit: 's',
    description: opts.description ?? 'Percentiles from the histogram. Exemplars (dots) link to the trace that produced them.',
    width: opts.width ?? 12,
    min: 0,
  });
}

export interface RedRowOptions {
  readonly title: string;
  /** Counter of calls with a status label. */
  readonly calls: string;
  /** Latency histogram `_bucket` series in seconds. */
  readonly bucket: string;
  /** Label matchers shared by all three panels, without braces. */
  readonly matchers: string;
  /** The matcher that marks a failed call, e.g. `status_code="STATUS_CODE_ERROR"`. */
  readonly errorMatcher: string;
  /** Labels each series keeps. */
  readonly by: readonly string[];
  /** Legend for one series, e.g. `{{service}}`. */
  readonly legend: string;
}

/** Rate, errors, duration: a row and its three panels side by side. */
export function redRow(opts: RedRowOptions): { row: dashboard.RowBuilder; panels: timeseries.PanelBuilder[] } {
  const by = opts.by.join(', ');
  const calls = (extra: string) => `sum by (${by}) (rate(${opts.calls}{${[opts.matchers, extra].filter(Boolean).join(', ')}}[${RATE}]))`;
  return {
    row: new dashboard.RowBuilder(opts.title),
    panels: [
      timeseriesPanel('Request rate', [promTarget('A', calls(''), { legend: opts.legend })], {
        unit: 'reqps',
        width: 8,
        min: 0,
        description: 'Calls per second (span metrics).',
      }),
      timeseriesPanel('Error ratio', [promTarget('A', `${calls(opts.errorMatcher)} / ${calls('')}`, { legend: opts.legend })], {
        unit: 'percentunit',
        width: 8,
        min: 0,
        max: 1,
        description: 'Share of calls whose span status is ERROR.',
      }),
      latencyPanel({ title: 'Latency', bucket: opts.bucket, matchers: opts.matchers, by: opts.by, legend: opts.legend, width: 8 }),
    ],
  };
}

/** Adds a row and its panels to a dashboard in order. */
export function withRow(d: dashboard.DashboardBuilder, row: dashboard.RowBuilder, panels: readonly cog.Builder<dashboard.Panel>[]): dashboard.DashboardBuilder {
  return panels.reduce((acc, p) => acc.withPanel(p), d.withRow(row));
}

export interface LogsPanelOptions {
  readonly description?: string;
  /** @default 24 */
  readonly width?: number;
  /** @default 10 */
  readonly height?: number;
}

/**
 * A logs panel on the Loki datasource, newest first, with log details open to the fields: a
 * line's `trace_id` there is the datasource's derived field, a link into the trace view.
 */
export function logsPanel(title: string, expr: string, opts: LogsPanelOptions = {}): logs.PanelBuilder {
  let p = new logs.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .withTarget(new loki.DataqueryBuilder().datasource(LOKI).refId('A').expr(expr).queryType('range').maxLines(500))
    .span(opts.width ?? 24)
    .height(opts.height ?? 10)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending);
  if (opts.description) p = p.description(opts.description);
  return p;
}

export interface TraceTableOptions {
  readonly description?: string;
  /** @default 20 */
  readonly limit?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * A table of traces from a TraceQL search. Tempo returns the trace id column with a link to
 * the trace view, so each row opens its trace.
 */
export function traceqlTable(title: string, traceql: string, opts: TraceTableOptions = {}): table.PanelBuilder {
  const target = new tempo.DataqueryBuilder()
    .datasource(TEMPO)
    .refId('A')
    .queryType(tempo.TempoQueryType.Traceql)
    .query(traceql)
    .tableType(tempo.SearchTableType.Traces)
    .limit(opts.limit ?? 20);
  return traceTable(title, TEMPO, target, opts);
}

/** Grafana's Jaeger query (grafana/grafana public/app/plugins/datasource/jaeger/types.ts, JaegerQuery). */
export interface JaegerQuery {
  readonly refId: string;
  readonly datasource: common.DataSourceRef;
  readonly queryType?: 'search' | 'upload' | 'dependencyGraph';
  readonly service?: string;
  readonly operation?: string;
  /** logfmt, e.g. `error=true`. */
  readonly tags?: string;
  /** Go duration, e.g. `1s`, `250ms`. */
  readonly minDuration?: string;
  readonly maxDuration?: string;
  readonly limit?: number;
}

/** The foundation SDK has no Jaeger package: a builder for Grafana's JaegerQuery. */
export class JaegerQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor(private readonly query: JaegerQuery) {}
  build(): cog.Dataquery {
    // cog.Dataquery is a marker interface; the JSON is the plain query object
    return { ...this.query } as unknown as cog.Dataquery;
  }
}

/** A table of traces from a Jaeger search; the trace id column links to the trace view. */
export function jaegerSearchTable(title: string, query: Omit<JaegerQuery, 'refId' | 'datasource' | 'queryType'>, opts: TraceTableOptions = {}): table.PanelBuilder {
  return traceTable(title, JAEGER, new JaegerQueryBuilder({ refId: 'A', datasource: JAEGER, queryType: 'search', limit: opts.limit ?? 20, ...query }), opts);
}

function traceTable(title: string, ds: common.DataSourceRef, target: cog.Builder<cog.Dataquery>, opts: TraceTableOptions): table.PanelBuilder {
  let p = new table.PanelBuilder()
    .title(title)
    .datasource(ds)
    .withTarget(target)
    .span(opts.width ?? 12)
    .height(opts.height ?? 10)
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .cellOptions({ type: common.TableCellDisplayMode.Auto });
  if (opts.description) p = p.description(opts.description);
  return p;
}

/**
 * The last step before JSON, applied to every built dashboard. It reconciles the SDK's
 * defaults (0.0.21) with Grafana's own types (@grafana/schema, checked in
 * test/dashboards/schema.test.ts):
 * - numbers panels (rows included) 1…n in layout order: the SDK leaves panel ids unset, and
 *   Grafana needs them for "view panel" links; deterministic;
 * - drops the SDK's default `placement: inControlsMenu` from dashboard links, which would hide
 *   the sibling-dashboards dropdown in the controls menu instead of the top bar;
 * - drops the interval-variable defaults (`auto`, `auto_min`, `auto_count`) the SDK puts on
 *   every variable: the schema's VariableModel has no such fields;
 * - drops the table `footer` option the SDK sets by default: the schema's table Options no
 *   longer has it (the footer moved into the field config).
 */
export function finish(d: dashboard.Dashboard): dashboard.Dashboard {
  let next = 1;
  const tidy = (p: dashboard.Panel): dashboard.Panel => {
    if (p.type !== 'table' || !p.options) return p;
    const { footer: _footer, ...options } = p.options as Record<string, unknown>;
    return { ...p, options };
  };
  const panels = (d.panels ?? []).map((p) => {
    if (p.type === 'row') {
      const row = p as dashboard.RowPanel;
      return { ...row, id: next++, panels: row.panels.map((c) => ({ ...tidy(c), id: next++ })) };
    }
    return { ...tidy(p as dashboard.Panel), id: next++ };
  });
  const links = (d.links ?? []).map(({ placement: _placement, ...link }) => link);
  const list = (d.templating.list ?? []).map((v) => {
    if (v.type === 'interval') return v;
    const { auto: _auto, auto_min: _autoMin, auto_count: _autoCount, ...rest } = v;
    return rest as dashboard.VariableModel;
  });
  return { ...d, links, panels, templating: { ...d.templating, list } };
}
