import type { ResolvedSlo, ResolvedSpec } from '../spec/resolved';
import { humanDuration } from '../spec/duration';
import type { SpanMetricsSchema } from './span-metrics';

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs", table 5-8):
 * an alert fires when the error budget burns `factor` times too fast over both a long window
 * (it matters) and a short one (it is still happening, so the alert resets soon after a fix).
 * Each pair stands for a share of the budget spent within its long window (2 % in 1h pages);
 * the factor follows from that share and the SLO window in use (`burnRateFactor`), as Sloth
 * derives it: 14.4× over 1h for 30 days, 13.44× for 28 days.
 */
export const BURN_RATE_ALERTS = [
  { severity: 'page', long: '1h', short: '5m', longHours: 1, budgetSpent: 0.02 },
  { severity: 'page', long: '6h', short: '30m', longHours: 6, budgetSpent: 0.05 },
  { severity: 'ticket', long: '1d', short: '2h', longHours: 24, budgetSpent: 0.1 },
  { severity: 'ticket', long: '3d', short: '6h', longHours: 72, budgetSpent: 0.1 },
] as const;

export type BurnRateAlert = (typeof BURN_RATE_ALERTS)[number];

/**
 * How many times faster than "exactly the whole budget over the SLO window" the budget burns
 * when `budgetSpent` of it goes within the alert's long window: 0.02 × 672h / 1h = 13.44.
 */
export function burnRateFactor(alert: BurnRateAlert, windowHours: number): number {
  return round((alert.budgetSpent * windowHours) / alert.longHours);
}

/** Every window a burn-rate alert reads, shortest first: one recording rule each. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** The SLI's error ratio over the whole SLO window (the mean of the 5-minute ratios, as Sloth records it). */
export const SLI_ERROR_WINDOW_RECORD = 'slo:sli_error:ratio_window';
/** The objective as a ratio (0.999), and the error budget (0.001), recorded for dashboards. */
export const OBJECTIVE_RECORD = 'slo:objective:ratio';
export const ERROR_BUDGET_RECORD = 'slo:error_budget:ratio';

/** The recorded error ratio of an SLI over a window: `slo:sli_error:ratio_rate1h{service, slo}`. */
export function sliErrorRecord(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** The label value Prometheus gives a bucket boundary (Go's shortest float formatting, as the remote-write exporters write it). */
export function leLabel(seconds: number): string {
  return String(seconds);
}

export const SLO_RULES_FILE = 'prometheus/rules/slos.yml';

export interface SloRulesOptions {
  /** The span metrics Prometheus holds, in the names of their source. */
  readonly spanMetrics: SpanMetricsSchema;
  /** Where a firing alert points people: the trace search of the failing service (a Grafana path). */
  readonly traceSearchPath: (service: string) => string;
}

/** The runbook of every burn-rate alert: what the page means and how to respond. */
export const SLO_RUNBOOK = 'https://sre.google/workbook/alerting-on-slos/';

/**
 * `prometheus/rules/slos.yml`: per service and SLO, the SLI's error ratio recorded over every
 * window the alerts read, and the page and ticket alerts. The SLI counts the service's incoming
 * requests (server and consumer spans) in the span metrics the stack really produces: errors are
 * spans with status ERROR; slow ones are those above the latency threshold's bucket.
 */
export function renderSloRules(spec: ResolvedSpec, opts: SloRulesOptions): Record<string, unknown> {
  const m = opts.spanMetrics;
  const groups = spec.services.flatMap((s) =>
    s.slos.map((slo) => ({
      name: `slo-${s.name}-${slo.indicator}`,
      rules: [
        ...SLI_WINDOWS.map((w) => ({ record: sliErrorRecord(w), expr: sliErrorExpr(m, s.name, slo, w), labels: { service: s.name, slo: slo.indicator } })),
        // the whole window from the 5-minute ratios: one cheap series instead of a rate over weeks
        // (each 5 minutes weighs the same, whatever its traffic)
        {
          record: SLI_ERROR_WINDOW_RECORD,
          expr: `avg_over_time(${sliErrorRecord('5m')}{service="${s.name}", slo="${slo.indicator}"}[${humanDuration(spec.slo.windowHours)}])`,
          labels: { service: s.name, slo: slo.indicator },
        },
        { record: OBJECTIVE_RECORD, expr: `vector(${round(slo.objective / 100)})`, labels: { service: s.name, slo: slo.indicator } },
        { record: ERROR_BUDGET_RECORD, expr: `vector(${round(1 - slo.objective / 100)})`, labels: { service: s.name, slo: slo.indicator } },
        ...alerts(spec, s.name, slo, opts),
      ],
    })),
  );
  return { groups };
}

/**
 * The error ratio, recorded only while there is traffic (a window without requests has no
 * ratio, not NaN: a NaN would turn every mean over the SLO window into NaN), and 0 while the
 * service has never failed (its error series does not exist yet).
 */
function sliErrorExpr(m: SpanMetricsSchema, service: string, slo: ResolvedSlo, window: string): string {
  const sel = (extra: string) => `{${[`${m.serviceLabel}="${service}"`, 'span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"', extra].filter(Boolean).join(', ')}}`;
  if (slo.indicator === 'availability') {
    const all = `sum(rate(${m.calls}${sel('')}[${window}]))`;
    return `(sum(rate(${m.calls}${sel('status_code="STATUS_CODE_ERROR"')}[${window}])) or 0 * ${all}) / (${all} > 0)`;
  }
  const le = leLabel(slo.thresholdMs! / 1000);
  // requests above the threshold: all (le="+Inf") minus those at or under it
  return `1 - sum(rate(${m.latencyBucket}${sel(`le="${le}"`)}[${window}])) / (sum(rate(${m.latencyBucket}${sel('le="+Inf"')}[${window}])) > 0)`;
}

function alerts(spec: ResolvedSpec, service: string, slo: ResolvedSlo, opts: SloRulesOptions): Record<string, unknown>[] {
  const budget = round((100 - slo.objective) / 100);
  const sel = `{service="${service}", slo="${slo.indicator}"}`;
  return (['page', 'ticket'] as const).map((severity) => {
    const pairs = BURN_RATE_ALERTS.filter((a) => a.severity === severity);
    const factor = (a: BurnRateAlert) => burnRateFactor(a, spec.slo.windowHours);
    const expr = pairs.map((a) => `(${sliErrorRecord(a.long)}${sel} > ${round(factor(a) * budget)} and ${sliErrorRecord(a.short)}${sel} > ${round(factor(a) * budget)})`).join(' or ');
    return {
      alert: `SLOBurnRate${severity === 'page' ? 'Page' : 'Ticket'}`,
      expr,
      labels: { severity, service, slo: slo.indicator },
      annotations: sloAlertAnnotations(spec, service, slo, severity, `{{ with query \`${sliErrorRecord('1h')}${sel}\` }}{{ . | first | value | humanizePercentage }}{{ end }}`, opts),
    };
  });
}

/**
 * What a firing burn-rate alert of this SLO says, with `ratio` for the error ratio over the last
 * hour (a template in the rule; the value Prometheus renders in tests).
 */
export function sloAlertAnnotations(spec: ResolvedSpec, service: string, slo: ResolvedSlo, severity: 'page' | 'ticket', ratio: string, opts: Pick<SloRulesOptions, 'traceSearchPath'>): Record<string, string> {
  const budget = round((100 - slo.objective) / 100);
  const what = slo.indicator === 'availability' ? `${slo.objective}% of requests succeed` : `${slo.objective}% of requests take at most ${slo.thresholdMs}ms`;
  const window = humanDuration(spec.slo.windowHours);
  const windows = BURN_RATE_ALERTS.filter((a) => a.severity === severity)
    .map((a) => `${formatFactor(burnRateFactor(a, spec.slo.windowHours))}× over ${a.long} and ${a.short}`)
    .join(', or ');
  return {
    summary: `${service} is burning its ${slo.indicator} error budget too fast (${severity})`,
    description: `SLO: ${what} over ${window}, an error budget of ${round(budget * 100)}% of requests. This fires when the budget burns ${windows} faster than the rate that would spend it exactly in ${window}. Error ratio over the last hour: ${ratio}.`,
    runbook_url: SLO_RUNBOOK,
    traces: opts.traceSearchPath(service),
  };
}

/** A factor as people read it: 13.44, 0.933. */
export function formatFactor(f: number): string {
  return String(Math.round(f * 1000) / 1000);
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
