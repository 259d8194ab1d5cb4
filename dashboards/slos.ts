import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { BURN_RATE_ALERTS, burnRateFactor, ERROR_BUDGET_RECORD, formatFactor, OBJECTIVE_RECORD, SLI_ERROR_WINDOW_RECORD, sliErrorRecord } from '../src/render/slo-rules';
import { humanDuration } from '../src/spec/duration';
import type { ResolvedSpec } from '../src/spec/resolved';
import { baseDashboard, DASHBOARD_UIDS, finish, PROMETHEUS, promTarget, timeseriesPanel, withRow } from './common';

/** Every SLO of the selected services: the series of the SLO rules carry `service` and `slo`. */
const SEL = '{service=~"$service", slo=~"$slo"}';
const BUDGET = `${ERROR_BUDGET_RECORD}${SEL}`;
const SLI = `1 - ${SLI_ERROR_WINDOW_RECORD}${SEL}`;
const BUDGET_LEFT = `1 - ${SLI_ERROR_WINDOW_RECORD}${SEL} / on (service, slo) ${BUDGET}`;
const burnRate = (window: string) => `${sliErrorRecord(window)}${SEL} / on (service, slo) ${BUDGET}`;
const FIRING = `ALERTS{alertstate="firing", alertname=~"SLOBurnRate.+", service=~"$service", slo=~"$slo"}`;
/** The long windows the burn-rate alerts read, each with its alert's factor for the SLO window in use. */
function longWindows(windowHours: number): { window: string; factor: string }[] {
  return [...new Set(BURN_RATE_ALERTS.map((a) => a.long))].map((w) => ({ window: w, factor: formatFactor(burnRateFactor(BURN_RATE_ALERTS.find((a) => a.long === w)!, windowHours)) }));
}

const BUDGET_THRESHOLDS = [
  { value: null, color: 'red' },
  { value: 0, color: 'orange' },
  { value: 0.25, color: 'green' },
];

function thresholds(steps: readonly { value: number | null; color: string }[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps.map((t) => ({ value: t.value, color: t.color })));
}

/**
 * A template variable over the SLO series: its values are read from Prometheus when the
 * dashboard loads, so the dashboard stays the same size however many services the spec has.
 */
function sloVariable(name: string, label: string, query: string, description: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(PROMETHEUS)
    .query(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+');
}

/** One value per SLO of the row's service (the legend names the SLO). */
function statPanel(title: string, expr: string, opts: { unit: string; description: string; decimals?: number; legend?: string; thresholds?: { value: number | null; color: string }[] }): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(opts.description)
    .datasource(PROMETHEUS)
    .withTarget(promTarget('A', expr, { legend: opts.legend ?? '{{slo}}' }).instant())
    .unit(opts.unit)
    .decimals(opts.decimals ?? 2)
    .span(4)
    .height(5)
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(thresholds(opts.thresholds ?? [{ value: null, color: 'text' }]));
}

/**
 * An instant query in table form: one line per service × SLO, its value in the column
 * `Value #<refId>`. Aggregated to exactly those two labels, so the columns' frames merge into
 * one line per SLO whatever other labels a series carries.
 */
function tableTarget(refId: string, expr: string): prometheus.DataqueryBuilder {
  return promTarget(refId, `max by (service, slo) (${expr})`).instant().format(prometheus.PromQueryFormat.Table);
}

/**
 * Every selected SLO on one line each, the most spent error budget first: the table an
 * organisation of 1000 services reads to find the SLO that burns, before opening its row.
 */
function overviewTable(window: string): table.PanelBuilder {
  const columns = [
    { refId: 'A', name: 'Objective', expr: `${OBJECTIVE_RECORD}${SEL}`, unit: 'percentunit', decimals: 3 },
    { refId: 'B', name: `SLI (${window})`, expr: SLI, unit: 'percentunit', decimals: 3 },
    { refId: 'C', name: 'Error budget remaining', expr: BUDGET_LEFT, unit: 'percentunit', decimals: 2 },
    { refId: 'D', name: `Burn rate (${BURN_RATE_ALERTS[0].long})`, expr: burnRate(BURN_RATE_ALERTS[0].long), unit: 'x', decimals: 2 },
  ];
  let p = new table.PanelBuilder()
    .title('Every selected SLO')
    .description(`One line per service and SLO: objective, SLI and error budget remaining over ${window}, and the burn rate over the shortest alert window. Sorted by budget remaining, lowest first.`)
    .datasource(PROMETHEUS)
    .targets(columns.map((c) => tableTarget(c.refId, c.expr)))
    // the instant queries' frames joined on their labels (service, slo): one line per SLO
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, indexByName: { service: 0, slo: 1 } } })
    .span(24)
    .height(8)
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .cellOptions({ type: common.TableCellDisplayMode.Auto })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Error budget remaining').desc(false)]);
  for (const c of columns) {
    const props: dashboard.DynamicConfigValue[] = [
      { id: 'displayName', value: c.name },
      { id: 'unit', value: c.unit },
      { id: 'decimals', value: c.decimals },
    ];
    if (c.refId === 'C') {
      props.push({ id: 'thresholds', value: thresholds(BUDGET_THRESHOLDS).build() }, { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorText } });
    }
    p = p.overrideByName(`Value #${c.refId}`, props);
  }
  return p;
}

/**
 * SLOs: the objective, the SLI and the error budget left over the SLO window, the burn rate
 * over each alerting window against its alert's factor, and the burn-rate alerts firing now.
 * Everything reads the recording rules of prometheus/rules/slos.yml through the variables
 * `$service` and `$slo` (label_values of the objective series): a table of every selected SLO,
 * then a row per selected service (Grafana repeats it), its SLOs side by side in each panel.
 * Nothing here is per service, so the dashboard is the same for 4 services or 1000.
 */
export function slosDashboard(spec: ResolvedSpec): dashboard.Dashboard {
  const window = humanDuration(spec.slo.windowHours);
  let d = baseDashboard(spec, DASHBOARD_UIDS.slos, 'SLOs', `Objectives, error budgets and burn rates of every service's SLOs over ${window} (slo.window in the spec), from the span metrics.`)
    .withVariable(sloVariable('service', 'Service', `label_values(${OBJECTIVE_RECORD}, service)`, 'Services with SLOs (label_values of the objective series).'))
    .withVariable(sloVariable('slo', 'SLO', `label_values(${OBJECTIVE_RECORD}{service=~"$service"}, slo)`, 'SLOs of the selected services.'));
  d = withRow(d, new dashboard.RowBuilder('Every selected SLO'), [overviewTable(window)]);
  d = withRow(d, new dashboard.RowBuilder('$service').repeat('service'), [
    statPanel('Objective', `${OBJECTIVE_RECORD}${SEL}`, { unit: 'percentunit', decimals: 3, description: 'The share of requests each SLO of $service promises.' }),
    statPanel(`SLI (${window})`, SLI, { unit: 'percentunit', decimals: 3, description: `The share of good requests over the SLO window (${window}), from the 5-minute error ratios.` }),
    statPanel('Error budget remaining', BUDGET_LEFT, {
      unit: 'percentunit',
      description: `The part of the window's error budget not yet spent: below 0 the SLO is missed for this window.`,
      thresholds: BUDGET_THRESHOLDS,
    }),
    statPanel('Burn-rate alerts firing', `count(${FIRING}) or vector(0)`, {
      unit: 'none',
      decimals: 0,
      legend: 'firing',
      description: 'SLOBurnRatePage and SLOBurnRateTicket alerts of the selected SLOs of $service firing now.',
      thresholds: [
        { value: null, color: 'green' },
        { value: 1, color: 'red' },
      ],
    }),
    timeseriesPanel(
      'Burn rate per alert window',
      longWindows(spec.slo.windowHours).map((w, i) => promTarget(String.fromCharCode(65 + i), burnRate(w.window), { legend: `{{slo}} ${w.window} (alerts at ${w.factor}×)` })),
      { unit: 'x', width: 8, min: 0, description: 'How many times faster than sustainable the budget burns, over each long window the alerts read; 1× spends exactly the budget in the window.' },
    ),
  ]);
  return finish(d.build());
}
