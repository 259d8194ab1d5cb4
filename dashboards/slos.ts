import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import { BURN_RATE_ALERTS, burnRateFactor, ERROR_BUDGET_RECORD, formatFactor, OBJECTIVE_RECORD, SLI_ERROR_WINDOW_RECORD, sliErrorRecord } from '../src/render/slo-rules';
import { humanDuration } from '../src/spec/duration';
import type { ResolvedSlo, ResolvedSpec } from '../src/spec/resolved';
import { baseDashboard, DASHBOARD_UIDS, finish, PROMETHEUS, promTarget, timeseriesPanel, withRow } from './common';

function statPanel(title: string, expr: string, opts: { unit: string; description: string; decimals?: number; thresholds?: { value: number | null; color: string }[] }): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(opts.description)
    .datasource(PROMETHEUS)
    .withTarget(promTarget('A', expr).instant())
    .unit(opts.unit)
    .decimals(opts.decimals ?? 2)
    .span(4)
    .height(5)
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps((opts.thresholds ?? [{ value: null, color: 'text' }]).map((t) => ({ value: t.value, color: t.color }))),
    );
}

/**
 * SLOs: per service and SLO, the objective, the SLI and the error budget left over the SLO
 * window, the burn rate over each alerting window against its alert's factor, and the burn-rate
 * alerts firing now. Everything reads the recording rules of prometheus/rules/slos.yml.
 */
export function slosDashboard(spec: ResolvedSpec): dashboard.Dashboard {
  const window = humanDuration(spec.slo.windowHours);
  let d = baseDashboard(spec, DASHBOARD_UIDS.slos, 'SLOs', `Objectives, error budgets and burn rates of every service's SLOs over ${window} (slo.window in the spec), from the span metrics.`);
  for (const s of spec.services) {
    for (const slo of s.slos) {
      const sel = `{service="${s.name}", slo="${slo.indicator}"}`;
      const budget = `${ERROR_BUDGET_RECORD}${sel}`;
      d = withRow(d, new dashboard.RowBuilder(`${s.name}: ${title(slo)}`), [
        statPanel('Objective', `${OBJECTIVE_RECORD}${sel}`, { unit: 'percentunit', decimals: 3, description: 'The share of requests the SLO promises.' }),
        statPanel(`SLI (${window})`, `1 - ${SLI_ERROR_WINDOW_RECORD}${sel}`, { unit: 'percentunit', decimals: 3, description: `The share of good requests over the SLO window (${window}), from the 5-minute error ratios.` }),
        statPanel('Error budget remaining', `1 - ${SLI_ERROR_WINDOW_RECORD}${sel} / ${budget}`, {
          unit: 'percentunit',
          description: `The part of the window's error budget not yet spent: below 0 the SLO is missed for this window.`,
          thresholds: [
            { value: null, color: 'red' },
            { value: 0, color: 'orange' },
            { value: 0.25, color: 'green' },
          ],
        }),
        statPanel('Burn-rate alerts firing', `count(ALERTS{alertstate="firing", alertname=~"SLOBurnRate.+", service="${s.name}", slo="${slo.indicator}"}) or vector(0)`, {
          unit: 'none',
          decimals: 0,
          description: 'SLOBurnRatePage and SLOBurnRateTicket alerts of this SLO firing now.',
          thresholds: [
            { value: null, color: 'green' },
            { value: 1, color: 'red' },
          ],
        }),
        timeseriesPanel(
          'Burn rate per alert window',
          [...new Set(BURN_RATE_ALERTS.map((a) => a.long))].map((w, i) => promTarget(String.fromCharCode(65 + i), `${sliErrorRecord(w)}${sel} / on (service, slo) ${budget}`, { legend: `${w} (alerts at ${formatFactor(burnRateFactor(BURN_RATE_ALERTS.find((a) => a.long === w)!, spec.slo.windowHours))}×)` })),
          { unit: 'x', width: 8, min: 0, description: 'How many times faster than sustainable the budget burns, over each long window the alerts read; 1× spends exactly the budget in the window.' },
        ),
      ]);
    }
  }
  return finish(d.build());
}

function title(slo: ResolvedSlo): string {
  return slo.indicator === 'availability' ? `${slo.objective}% of requests succeed` : `${slo.objective}% of requests within ${slo.thresholdMs} ms`;
}
