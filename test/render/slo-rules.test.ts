/**
 * The SLO rules' arithmetic: the burn-rate factors follow from the budget share each alert
 * stands for and the SLO window in use (the table in docs/slos-and-alerts.md).
 */
import { sloTraceSearchPath } from '../../src/components/prometheus';
import { BURN_RATE_ALERTS, burnRateFactor, formatFactor, SLO_RULES_FILE, sloAlertAnnotations } from '../../src/render/slo-rules';
import { LONGEST_BURN_RATE_WINDOW_HOURS } from '../../src/spec/defaults';
import { resolveSpec } from '../../src/spec/resolve';
import type { ObservabilitySpec, ServiceSpec } from '../../src/spec/types';
import { parse } from 'yaml';
import { examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { counter, ExpectedAlert, promtoolCheckRules, promtoolTestRules, RuleScenario } from '../support/rule-tests';

describe('burn-rate factors', () => {
  it.each([
    [7 * 24, ['3.36', '1.4', '0.7', '0.233']],
    [28 * 24, ['13.44', '5.6', '2.8', '0.933']],
    [30 * 24, ['14.4', '6', '3', '1']],
  ])('for a window of %d hours are those of the documented table', (hours, factors) => {
    expect(BURN_RATE_ALERTS.map((a) => formatFactor(burnRateFactor(a, hours)))).toEqual(factors);
  });

  it("page a 99.9 % SLO over 28 days at 1.4 % errors for an hour (2.08 % of the budget), which the workbook's 30-day 14.4× would not", () => {
    const page = burnRateFactor(BURN_RATE_ALERTS[0], 28 * 24) * 0.001;
    expect(0.014 > page && 0.014 < 14.4 * 0.001).toBe(true);
  });

  it('read at most the window the spec checks against Prometheus retention', () => {
    expect(Math.max(...BURN_RATE_ALERTS.map((a) => a.longHours))).toBe(LONGEST_BURN_RATE_WINDOW_HOURS);
  });
});

/**
 * The slow windows with days of history, by `promtool test rules`: 3 days of clean traffic, then
 * a burn. Each scenario fails if the 3-day window is recorded over a shorter range (say `[3h]`),
 * or if the ticket on it is gone: the snapshot tests alone would accept either with `jest -u`.
 * checkout alone, 99.9 % available over the example's 28 days (budget 0.1 %; page at 1.344 %
 * over 1h, 0.56 % over 6h; ticket at 0.28 % over 1d, 0.0933 % over 3d), 1000 requests a minute,
 * in the collector's span metrics (staging). The rules run every 5 minutes (days of them every
 * minute take minutes of CPU); the input has a sample a minute.
 */
describe('promtool test rules: the burn-rate windows over days of history', () => {
  const spec = exampleSpec();
  const checkout = { ...spec.services.find((s) => s.name === 'checkout')!, slos: [{ name: 'availability' as const, objective: 99.9 }] };
  const plan = examplePlan('staging', { ...spec, services: [checkout] });
  const rules = renderedFile(plan, SLO_RULES_FILE);
  const sel = (status: string) => `traces_spanmetrics_calls_total{service_name="checkout", span_name="GET /checkout", span_kind="SPAN_KIND_SERVER", status_code="${status}", job="otel-collector"}`;
  const DAYS3 = 3 * 24 * 60;
  type Phase = { minutes: number; perMinute: number; errors: number; reset?: boolean };
  /** checkout's calls through phases of `perMinute` requests a minute, `errors` of them failing. */
  const calls = (phases: Phase[]) => [
    { series: sel('STATUS_CODE_UNSET'), values: counter(phases.map((p) => ({ minutes: p.minutes, perMinute: p.perMinute - p.errors, reset: p.reset }))) },
    { series: sel('STATUS_CODE_ERROR'), values: counter(phases.map((p) => ({ minutes: p.minutes, perMinute: p.errors, reset: p.reset }))) },
  ];
  const clean = (minutes: number, errors = 0): Phase => ({ minutes, perMinute: 1000, errors });
  /** `m` minutes after the 3 clean days, in promtool's duration notation. */
  const after = (m: number) => `${DAYS3 + m}m`;
  const resolved = resolveSpec({ ...spec, services: [checkout] }, 'staging');
  const firing = (severity: 'page' | 'ticket', ratio: string): ExpectedAlert => ({
    labels: { severity, service: 'checkout', slo: 'availability' },
    annotations: sloAlertAnnotations(resolved, 'checkout', resolved.services[0].slos[0], severity, ratio, { traceSearchPath: sloTraceSearchPath }),
  });
  const silent = (at: string) => [
    { at, alertname: 'SLOBurnRatePage', firing: [] },
    { at, alertname: 'SLOBurnRateTicket', firing: [] },
  ];
  /** The SLOs dashboard's error-budget panel: the share of the window's budget not yet spent. */
  const budgetLeft = `round(1 - slo:sli_error:ratio_window{service="checkout", slo="availability"} / slo:error_budget:ratio{service="checkout", slo="availability"}, 0.001)`;
  const labels = '{service="checkout", slo="availability"}';

  const scenarios: RuleScenario[] = [
    {
      // 14 errors a minute against a page at 13.44 per minute over the hour: the 1h ratio passes
      // it after 58 minutes; the 30-day factor (14.4) would never page
      name: '1.4 % errors for an hour: pages at the edge of the hour, and no ticket',
      series: calls([clean(DAYS3), clean(60, 14), clean(120)]),
      alerts: [...silent(after(0)), ...silent(after(55)), { at: after(60), alertname: 'SLOBurnRatePage', firing: [firing('page', '1.4%')] }, { at: after(60), alertname: 'SLOBurnRateTicket', firing: [] }],
    },
    {
      name: 'a 3-minute total outage: pages at once, resolves about 30 minutes later, and no ticket',
      series: calls([clean(DAYS3), { minutes: 3, perMinute: 1000, errors: 1000 }, clean(120)]),
      alerts: [
        { at: after(5), alertname: 'SLOBurnRatePage', firing: [firing('page', '5%')] },
        // the 6h/30m pair holds while the outage is inside the last 30 minutes
        { at: after(30), alertname: 'SLOBurnRatePage', firing: [firing('page', '5%')] },
        ...silent(after(35)),
        { at: after(5), alertname: 'SLOBurnRateTicket', firing: [] },
        { at: after(20), alertname: 'SLOBurnRateTicket', firing: [] },
      ],
    },
    {
      // 2× is under every factor but the 3-day ticket's (0.933×), which it passes after 33.6 hours
      name: '0.2 % errors (2×): no alert after 6 hours, the 3-day ticket after a day and a half',
      series: calls([clean(DAYS3), clean(37 * 60, 2)]),
      alerts: [...silent(after(6 * 60)), ...silent(after(30 * 60)), { at: after(36 * 60), alertname: 'SLOBurnRateTicket', firing: [firing('ticket', '0.2%')] }, { at: after(36 * 60), alertname: 'SLOBurnRatePage', firing: [] }],
    },
    {
      // 0.05 % errors spend half the budget; then the counters stay flat: no ratio is recorded
      // (not NaN), and the budget panel keeps reading what the traffic spent: 50 % left
      name: 'traffic stops: no alert, no ratio recorded, and the budget panel holds at 50 % left',
      series: calls([clean(DAYS3, 0.5), { minutes: 24 * 60, perMinute: 0, errors: 0 }]),
      alerts: [...silent(after(10)), ...silent(after(6 * 60)), ...silent(after(24 * 60))],
      queries: [
        { at: after(0), expr: budgetLeft, samples: [{ labels, value: 0.5 }] },
        { at: after(60), expr: 'slo:sli_error:ratio_rate5m', samples: [] },
        { at: after(60), expr: budgetLeft, samples: [{ labels, value: 0.5 }] },
        { at: after(24 * 60), expr: budgetLeft, samples: [{ labels, value: 0.5 }] },
      ],
    },
    {
      // the collector restarts: both counters start again from 0; rate() sees the reset
      name: 'a counter reset: no alert, and the ratios stay those of the traffic',
      series: calls([clean(DAYS3, 0.5), { ...clean(6 * 60, 0.5), reset: true }]),
      alerts: [...silent(after(5)), ...silent(after(10)), ...silent(after(6 * 60))],
      queries: [
        // in millionths: 500 = 0.05 %
        { at: after(10), expr: 'round(slo:sli_error:ratio_rate5m * 1e6)', samples: [{ labels, value: 500 }] },
        { at: after(10), expr: 'round(slo:sli_error:ratio_rate3d * 1e6)', samples: [{ labels, value: 500 }] },
      ],
    },
  ];

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    expect(promtoolTestRules(rules, [scenario], '5m')).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

/**
 * One set of rules for every service: three services with different objectives and latency
 * thresholds in one scenario, where only the one burning its own budget fires. The rule count
 * depends on the distinct objectives and thresholds, not on the services.
 */
describe('promtool test rules: the SLO rules shared by every service', () => {
  const services: ServiceSpec[] = [
    { name: 'checkout', slos: [{ name: 'availability', objective: 99.9 }, { name: 'latency', objective: 99, threshold: '300ms' }] },
    { name: 'cart', slos: [{ name: 'availability', objective: 95 }, { name: 'latency', objective: 95, threshold: '1s' }] },
    { name: 'search', slos: [{ name: 'availability', objective: 97 }, { name: 'latency', objective: 99, threshold: '1s' }] },
  ];
  const specWith = (list: ServiceSpec[]): ObservabilitySpec => ({ ...exampleSpec(), services: list });
  const rulesOf = (list: ServiceSpec[]) => renderedFile(examplePlan('staging', specWith(list)), SLO_RULES_FILE);
  const resolved = resolveSpec(specWith(services), 'staging');
  const calls = (service: string, status: string) => `traces_spanmetrics_calls_total{service_name="${service}", span_name="GET /${service}", span_kind="SPAN_KIND_SERVER", status_code="${status}", job="otel-collector"}`;
  const bucket = (service: string, le: string) => `traces_spanmetrics_duration_seconds_bucket{service_name="${service}", span_name="GET /${service}", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET", le="${le}"}`;
  /** A service's traffic for 2 hours: 1000 requests a minute, `errors` failing, `slow300` above 300 ms and `slow1s` above 1 s. */
  const traffic = (service: string, errors: number, slow300: number, slow1s: number) => [
    { series: calls(service, 'STATUS_CODE_UNSET'), values: `0+${1000 - errors}x120` },
    { series: calls(service, 'STATUS_CODE_ERROR'), values: `0+${errors}x120` },
    { series: bucket(service, '0.3'), values: `0+${1000 - slow300}x120` },
    { series: bucket(service, '1'), values: `0+${1000 - slow1s}x120` },
    { series: bucket(service, '+Inf'), values: '0+1000x120' },
  ];
  const firing = (service: string, slo: 'availability' | 'latency', severity: 'page' | 'ticket', ratio: string): ExpectedAlert => ({
    labels: { severity, service, slo },
    annotations: sloAlertAnnotations(resolved, service, resolved.services.find((s) => s.name === service)!.slos.find((x) => x.indicator === slo)!, severity, ratio, { traceSearchPath: sloTraceSearchPath }),
  });

  it("fires only for the service burning its own budget, with that SLO's text", () => {
    // the same traffic everywhere: 2 % errors, 5 % slower than 300 ms, 0.5 % slower than 1 s.
    // checkout burns 20× its availability budget (99.9 %: page and ticket) and 5× its latency
    // budget (99 % under 300 ms: ticket); cart (95 %, 95 % under 1 s) and search (97 %, 99 %
    // under 1 s) stay under 0.933×. Mixed-up objectives or thresholds would make them fire.
    const all = (service: string) => traffic(service, 20, 50, 5);
    const r = promtoolTestRules(rulesOf(services), [
      {
        name: 'three services, one set of rules',
        series: [...all('checkout'), ...all('cart'), ...all('search')],
        alerts: [
          { at: '10m', alertname: 'SLOBurnRatePage', firing: [firing('checkout', 'availability', 'page', '2%')] },
          { at: '10m', alertname: 'SLOBurnRateTicket', firing: [firing('checkout', 'availability', 'ticket', '2%'), firing('checkout', 'latency', 'ticket', '5%')] },
          { at: '100m', alertname: 'SLOBurnRatePage', firing: [firing('checkout', 'availability', 'page', '2%')] },
        ],
        queries: [
          // every SLO has its objective and budget as series, whether it burns or not
          { at: '10m', expr: 'slo:objective:ratio', samples: [
            { labels: 'slo:objective:ratio{service="cart", slo="availability"}', value: 0.95 },
            { labels: 'slo:objective:ratio{service="cart", slo="latency"}', value: 0.95 },
            { labels: 'slo:objective:ratio{service="checkout", slo="availability"}', value: 0.999 },
            { labels: 'slo:objective:ratio{service="checkout", slo="latency"}', value: 0.99 },
            { labels: 'slo:objective:ratio{service="search", slo="availability"}', value: 0.97 },
            { labels: 'slo:objective:ratio{service="search", slo="latency"}', value: 0.99 },
          ] },
          { at: '10m', expr: 'slo:error_budget:ratio{service="cart"}', samples: [{ labels: 'slo:error_budget:ratio{service="cart", slo="availability"}', value: 0.05 }, { labels: 'slo:error_budget:ratio{service="cart", slo="latency"}', value: 0.05 }] },
          // each latency SLO reads its own threshold's bucket
          { at: '10m', expr: 'round(slo:sli_error:ratio_rate5m{slo="latency"} * 1e6)', samples: [
            { labels: '{service="cart", slo="latency"}', value: 5000 },
            { labels: '{service="checkout", slo="latency"}', value: 50000 },
            { labels: '{service="search", slo="latency"}', value: 5000 },
          ] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('have as many rules for 3 services as for 300, which promtool accepts', () => {
    const count = (list: ServiceSpec[]) => (parse(rulesOf(list)) as { groups: { rules: unknown[] }[] }).groups.flatMap((g) => g.rules).length;
    const many = Array.from({ length: 100 }, (_, i) => services.map((s) => ({ ...s, name: `${s.name}-${i}` }))).flat();
    expect(count(many)).toBe(count(services));
    expect(count(services)).toBe(21);
    for (const list of [services, many]) expect(promtoolCheckRules(rulesOf(list))).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});
