import type { ResolvedSlo, ResolvedSpec } from '../spec/resolved';
import { SLO_INDICATORS } from '../spec/types';
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
/** The objective as a ratio (0.999), and the error budget (0.001), recorded for dashboards and alerts. */
export const OBJECTIVE_RECORD = 'slo:objective:ratio';
export const ERROR_BUDGET_RECORD = 'slo:error_budget:ratio';
/** A latency SLO's threshold in seconds (0.3), `{service, slo="latency"}`. */
export const THRESHOLD_RECORD = 'slo:threshold:seconds';

/** The recorded error ratio of an SLI over a window: `slo:sli_error:ratio_rate1h{service, slo}`. */
export function sliErrorRecord(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** The label value Prometheus gives a bucket boundary (Go's shortest float formatting, as the remote-write exporters write it). */
export function leLabel(seconds: number): string {
  return String(seconds);
}

export const SLO_RULES_FILE = 'prometheus/rules/slos.yml';
/** The one group of slos.yml: its rules run in order, so each reads what the ones before it recorded in the same round. */
export const SLO_RULES_GROUP = 'slos';

export interface SloRulesOptions {
  /** The span metrics Prometheus holds, in the names of their source. */
  readonly spanMetrics: SpanMetricsSchema;
  /**
   * Where a firing alert points people: the trace search of the failing service (a Grafana
   * path), given the service as a URL query value (in the rules, a template that renders it).
   */
  readonly traceSearchPath: (serviceQueryValue: string) => string;
}

/** The runbook of every burn-rate alert: what the page means and how to respond. */
export const SLO_RUNBOOK = 'https://sre.google/workbook/alerting-on-slos/';

/**
 * `prometheus/rules/slos.yml`: the SLIs' error ratios over every window the alerts read, and the
 * page and ticket alerts, in a number of rules that does not grow with the number of services:
 * - the spec as series: `slo:objective:ratio{service, slo}` (one rule per kind of SLO, a term per
 *   SLO), `slo:error_budget:ratio` from it (one rule, a term per distinct objective), the latency
 *   thresholds `slo:threshold:seconds` (one rule);
 * - per window, one rule computing every availability SLO's error ratio `by (service)`, and one
 *   for the latency SLOs with a term per distinct threshold (each reads its own bucket); each
 *   keeps the services that have such an SLO;
 * - one page and one ticket alert, comparing each service's ratio to its own budget.
 * The SLI counts the service's incoming requests (server and consumer spans) in the span metrics
 * the stack really produces: errors are spans with status ERROR; slow ones are those above the
 * latency threshold's bucket.
 */
export function renderSloRules(spec: ResolvedSpec, opts: SloRulesOptions): Record<string, unknown> {
  const m = opts.spanMetrics;
  const slos = spec.services.flatMap((s) => s.slos.map((slo) => ({ service: s.name, slo })));
  if (slos.length === 0) return { groups: [] };
  const thresholds = distinct(slos.filter((x) => x.slo.thresholdMs !== undefined).map((x) => x.slo.thresholdMs!));
  const objectives = distinct(slos.map((x) => x.slo.objective));
  // one rule per record and `slo` label (promtool refuses two rules that record the same series
  // names and labels); a distinct objective or threshold adds a term to a rule, not a rule
  const rules: Record<string, unknown>[] = [
    // the spec as series: each SLO's objective, listed in one rule per kind of SLO
    ...SLO_INDICATORS.filter((indicator) => slos.some((x) => x.slo.indicator === indicator)).map((indicator) => ({
      record: OBJECTIVE_RECORD,
      expr: orChain(slos.filter((x) => x.slo.indicator === indicator).map((x) => perService(round(x.slo.objective / 100), x.service))),
      labels: { slo: indicator },
    })),
    // the budget of each objective as the spec writes it (1 − 0.999 would be 0.0010000000000000009)
    { record: ERROR_BUDGET_RECORD, expr: orChain(objectives.map((o) => `0 * (${OBJECTIVE_RECORD} == ${round(o / 100)}) + ${round((100 - o) / 100)}`)) },
    ...(thresholds.length > 0 ? [{ record: THRESHOLD_RECORD, expr: orChain(slos.filter((x) => x.slo.thresholdMs !== undefined).map((x) => perService(x.slo.thresholdMs! / 1000, x.service))), labels: { slo: 'latency' } }] : []),
    ...SLI_WINDOWS.flatMap((w) => [
      ...(slos.some((x) => x.slo.indicator === 'availability') ? [{ record: sliErrorRecord(w), expr: availabilityErrorExpr(m, w), labels: { slo: 'availability' } }] : []),
      ...(thresholds.length > 0 ? [{ record: sliErrorRecord(w), expr: orChain(thresholds.map((ms) => latencyErrorExpr(m, ms, w))), labels: { slo: 'latency' } }] : []),
    ]),
    // the whole window from the 5-minute ratios: one cheap series instead of a rate over weeks
    // (each 5 minutes with traffic weighs the same, whatever its traffic)
    { record: SLI_ERROR_WINDOW_RECORD, expr: `avg_over_time(${sliErrorRecord('5m')}[${humanDuration(spec.slo.windowHours)}])` },
    ...alerts(spec, opts),
  ];
  return { groups: [{ name: SLO_RULES_GROUP, rules }] };
}

/** A series `{service="…"}` with value `value`: the spec made into series. */
function perService(value: number, service: string): string {
  return `label_replace(vector(${value}), "service", "${service}", "", "")`;
}

function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `sum by (service)` of a span-metrics expression, whatever the source calls its service label. */
function byService(m: SpanMetricsSchema, expr: string): string {
  return m.serviceLabel === 'service' ? `sum by (service) (${expr})` : `sum by (service) (label_replace(${expr}, "service", "$1", "${m.serviceLabel}", "(.*)"))`;
}

/** The service's incoming requests (server and consumer spans) in a span-metrics series. */
function incoming(extra: string): string {
  return `{${['span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"', extra].filter(Boolean).join(', ')}}`;
}

/**
 * The error ratio of every service with an availability SLO, recorded only while there is
 * traffic (a window without requests has no ratio, not NaN: a NaN would turn every mean over
 * the SLO window into NaN), and 0 while the service has never failed (its error series does not
 * exist yet).
 */
function availabilityErrorExpr(m: SpanMetricsSchema, window: string): string {
  const all = byService(m, `rate(${m.calls}${incoming('')}[${window}])`);
  const errors = byService(m, `rate(${m.calls}${incoming('status_code="STATUS_CODE_ERROR"')}[${window}])`);
  return `((${errors} or 0 * ${all}) / (${all} > 0)) and on (service) ${OBJECTIVE_RECORD}{slo="availability"}`;
}

/** The share of requests above the threshold (all, le="+Inf", minus those at or under it) of every service whose latency SLO has this threshold. */
function latencyErrorExpr(m: SpanMetricsSchema, thresholdMs: number, window: string): string {
  const bucket = (le: string) => byService(m, `rate(${m.latencyBucket}${incoming(`le="${le}"`)}[${window}])`);
  return `((1 - ${bucket(leLabel(thresholdMs / 1000))} / (${bucket('+Inf')} > 0)) and on (service) (${THRESHOLD_RECORD}{slo="latency"} == ${thresholdMs / 1000}))`;
}

/** A number as the spec writes it (99.9, 300), whatever the float arithmetic left behind (99.00000000000001). */
const NUMBER = 'printf "%.9g"';

/** A Go template in an alert annotation: the value of `query` for the alert's service and SLO, printed by `format`. */
function sloQueryTemplate(query: string, format: string): string {
  return `{{ with printf ${JSON.stringify(query.replace('SEL', '{service=%q, slo=%q}'))} $labels.service $labels.slo | query }}{{ . | first | value | ${format} }}{{ end }}`;
}

function alerts(spec: ResolvedSpec, opts: SloRulesOptions): Record<string, unknown>[] {
  const budget = (factor: number) => `on (service, slo) (${factor} * ${ERROR_BUDGET_RECORD})`;
  return (['page', 'ticket'] as const).map((severity) => {
    const pairs = BURN_RATE_ALERTS.filter((a) => a.severity === severity);
    const factor = (a: BurnRateAlert) => burnRateFactor(a, spec.slo.windowHours);
    const expr = pairs.map((a) => `(${sliErrorRecord(a.long)} > ${budget(factor(a))} and ${sliErrorRecord(a.short)} > ${budget(factor(a))})`).join(' or ');
    const what = `{{ if eq $labels.slo "latency" }}take at most ${sloQueryTemplate(`${THRESHOLD_RECORD}SEL * 1000`, NUMBER)}ms{{ else }}succeed{{ end }}`;
    return {
      alert: `SLOBurnRate${severity === 'page' ? 'Page' : 'Ticket'}`,
      expr,
      labels: { severity },
      annotations: sloAlertText(spec, severity, {
        service: '{{ $labels.service }}',
        slo: '{{ $labels.slo }}',
        objective: sloQueryTemplate(`${OBJECTIVE_RECORD}SEL * 100`, NUMBER),
        what,
        budget: sloQueryTemplate(`${ERROR_BUDGET_RECORD}SEL * 100`, NUMBER),
        ratio: sloQueryTemplate(`${sliErrorRecord('1h')}SEL`, 'humanizePercentage'),
        traces: opts.traceSearchPath('{{ $labels.service | urlquery }}'),
      }),
    };
  });
}

/** The pieces of an SLO alert's text: values, or the templates that render them. */
interface SloAlertPieces {
  readonly service: string;
  readonly slo: string;
  readonly objective: string;
  /** `succeed`, or `take at most 300ms`. */
  readonly what: string;
  readonly budget: string;
  readonly ratio: string;
  readonly traces: string;
}

function sloAlertText(spec: ResolvedSpec, severity: 'page' | 'ticket', p: SloAlertPieces): Record<string, string> {
  const window = humanDuration(spec.slo.windowHours);
  const windows = BURN_RATE_ALERTS.filter((a) => a.severity === severity)
    .map((a) => `${formatFactor(burnRateFactor(a, spec.slo.windowHours))}× over ${a.long} and ${a.short}`)
    .join(', or ');
  return {
    summary: `${p.service} is burning its ${p.slo} error budget too fast (${severity})`,
    description: `SLO: ${p.objective}% of requests ${p.what} over ${window}, an error budget of ${p.budget}% of requests. This fires when the budget burns ${windows} faster than the rate that would spend it exactly in ${window}. Error ratio over the last hour: ${p.ratio}.`,
    runbook_url: SLO_RUNBOOK,
    traces: p.traces,
  };
}

/**
 * What a firing burn-rate alert of this SLO says once Prometheus renders its templates, with
 * `ratio` for the error ratio over the last hour.
 */
export function sloAlertAnnotations(spec: ResolvedSpec, service: string, slo: ResolvedSlo, severity: 'page' | 'ticket', ratio: string, opts: Pick<SloRulesOptions, 'traceSearchPath'>): Record<string, string> {
  return sloAlertText(spec, severity, {
    service,
    slo: slo.indicator,
    objective: String(slo.objective),
    what: slo.indicator === 'availability' ? 'succeed' : `take at most ${slo.thresholdMs}ms`,
    budget: String(round(100 - slo.objective)),
    ratio,
    traces: opts.traceSearchPath(encodeURIComponent(service)),
  });
}

/** A factor as people read it: 13.44, 0.933. */
export function formatFactor(f: number): string {
  return String(Math.round(f * 1000) / 1000);
}

/** How many operands one flat `or` chain holds: past about 185, the PromQL grammar the synth checks parse with (`@prometheus-io/lezer-promql`) gives up. */
export const OR_CHAIN_WIDTH = 50;

/**
 * `a or b or …`, nested in parenthesised groups of at most OR_CHAIN_WIDTH operands (groups of
 * groups beyond that), so the depth stays logarithmic in the number of services: Prometheus
 * evaluates it the same, and every parser reads it. A short chain is written flat.
 */
export function orChain(terms: readonly string[]): string {
  if (terms.length <= OR_CHAIN_WIDTH) return terms.join(' or ');
  const groups: string[] = [];
  for (let i = 0; i < terms.length; i += OR_CHAIN_WIDTH) groups.push(`(${terms.slice(i, i + OR_CHAIN_WIDTH).join(' or ')})`);
  return orChain(groups);
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
