/**
 * The rules every stack loads, with Prometheus's own tools (Debian's promtool 2.42): `check
 * rules` on every rule file, and `test rules` on the SLO burn-rate alerts and the stack's own
 * alerts, with input series shaped like the span metrics each source really writes (labels
 * included): the collector's (`service_name`, `traces_spanmetrics_duration_seconds_bucket`) and
 * Tempo's generator's (`service`, `traces_spanmetrics_latency_bucket`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SLO_RULES_FILE } from '../../src/render/slo-rules';
import { STACK_ALERTS_FILE } from '../../src/render/stack-alerts';
import { EXAMPLE_STACKS, examplePlan, renderedFile } from '../support/plans';

const PROMTOOL = process.env.O11Y_PROMTOOL ?? '/usr/bin/promtool';

let dir: string;
beforeAll(() => {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: install Debian's Prometheus with \`apt-get install prometheus\` (CI's .ci/run does)`);
  dir = mkdtempSync(join(tmpdir(), 'o11y-rules-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 120_000, cwd: dir });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function write(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('promtool check rules', () => {
  it.each(EXAMPLE_STACKS)('accepts every rule file of %s', (stack) => {
    for (const f of [SLO_RULES_FILE, STACK_ALERTS_FILE]) {
      const r = promtool(['check', 'rules', write(`${stack}-${f.split('/').pop()}`, renderedFile(examplePlan(stack), f))]);
      expect([f, r.status, r.output]).toEqual([f, 0, expect.stringContaining('SUCCESS')]);
    }
  });

  it('refuses a broken expression (negative control)', () => {
    const broken = renderedFile(examplePlan('staging'), SLO_RULES_FILE).replace('[5m]))', '[5m])))');
    expect(promtool(['check', 'rules', write('broken.yml', broken)]).status).not.toBe(0);
  });
});

/** A counter growing by `perMinute` for `minutes` minutes, in promtool's series notation. */
const grows = (perMinute: number, minutes: number) => `0+${perMinute}x${minutes}`;

interface Firing {
  readonly labels: Record<string, string>;
  /** What the templates in the annotations render to: `{{ $labels.x }}`, and the SLO's query value. */
  readonly values?: { readonly ratio?: string };
}

interface Scenario {
  readonly name: string;
  readonly series: { readonly series: string; readonly values: string }[];
  readonly alerts: { readonly at: string; readonly alertname: string; readonly firing: Firing[] }[];
}

type RuleDoc = { groups: { rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] };

/**
 * The annotations promtool must see on a firing alert: the rule's own, with its templates
 * rendered for this alert (label references, and the SLO's error-ratio query as `ratio`).
 */
function expectedAnnotations(rulesYaml: string, alertname: string, f: Firing): Record<string, string> {
  const rule = (parse(rulesYaml) as RuleDoc).groups
    .flatMap((g) => g.rules)
    .find((r) => r.alert === alertname && Object.entries(r.labels ?? {}).every(([k, v]) => f.labels[k] === v))!;
  return Object.fromEntries(
    Object.entries(rule.annotations ?? {}).map(([k, v]) => [
      k,
      v.replace(/\{\{ with query `[^`]*` \}\}\{\{ \. \| first \| value \| humanizePercentage \}\}\{\{ end \}\}/g, f.values?.ratio ?? '').replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_m, l: string) => f.labels[l] ?? ''),
    ]),
  );
}

/** Runs `promtool test rules` on one stack's rule file with these scenarios. */
function testRules(stack: (typeof EXAMPLE_STACKS)[number], file: string, scenarios: readonly Scenario[]): { status: number | null; output: string } {
  const rulesYaml = renderedFile(examplePlan(stack), file);
  const rules = write(`${stack}-rules-under-test.yml`, rulesYaml);
  const tests = {
    rule_files: [rules],
    evaluation_interval: '1m',
    tests: scenarios.map((s) => ({
      name: s.name,
      interval: '1m',
      input_series: s.series,
      alert_rule_test: s.alerts.map((a) => ({ eval_time: a.at, alertname: a.alertname, exp_alerts: a.firing.map((f) => ({ exp_labels: f.labels, exp_annotations: expectedAnnotations(rulesYaml, a.alertname, f) })) })),
    })),
  };
  return promtool(['test', 'rules', write(`${stack}-tests.yml`, stringify(tests))]);
}

/** Requests of checkout per minute, `errors` of them failing, in the collector's span metrics. */
function collectorCalls(ok: number, errors: number, minutes: number) {
  const sel = (status: string) => `traces_spanmetrics_calls_total{service_name="checkout", span_name="GET /checkout", span_kind="SPAN_KIND_SERVER", status_code="${status}", job="otel-collector"}`;
  return [
    { series: sel('STATUS_CODE_UNSET'), values: grows(ok, minutes) },
    { series: sel('STATUS_CODE_ERROR'), values: grows(errors, minutes) },
  ];
}

const page = (slo: string, ratio: string): Firing => ({ labels: { severity: 'page', service: 'checkout', slo }, values: { ratio } });
const ticket = (slo: string, ratio: string): Firing => ({ labels: { severity: 'ticket', service: 'checkout', slo }, values: { ratio } });
const labelsOnly = (labels: Record<string, string>): Firing => ({ labels });

describe('promtool test rules: the SLO burn-rate alerts (staging: the collector computes span metrics)', () => {
  it('pages at 20× the availability budget burn (2 % errors against 99.9 %), within 10 minutes', () => {
    const r = testRules('staging', SLO_RULES_FILE, [
      {
        name: '2% errors',
        series: collectorCalls(9800, 200, 120),
        alerts: [
          { at: '10m', alertname: 'SLOBurnRatePage', firing: [page('availability', '2%')] },
          { at: '10m', alertname: 'SLOBurnRateTicket', firing: [ticket('availability', '2%')] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('opens a ticket but does not page at 5× (0.5 % errors), and stays silent at 0.9× (0.09 %)', () => {
    const r = testRules('staging', SLO_RULES_FILE, [
      {
        name: '0.5% errors',
        series: collectorCalls(9950, 50, 300),
        alerts: [
          { at: '3h', alertname: 'SLOBurnRatePage', firing: [] },
          { at: '3h', alertname: 'SLOBurnRateTicket', firing: [ticket('availability', '0.5%')] },
        ],
      },
      {
        name: '0.09% errors',
        series: collectorCalls(9991, 9, 420),
        alerts: [
          { at: '7h', alertname: 'SLOBurnRatePage', firing: [] },
          { at: '7h', alertname: 'SLOBurnRateTicket', firing: [] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('pages on the latency SLO when 20 % of requests take longer than 300 ms, and not at 5 %', () => {
    const bucket = (le: string) => `traces_spanmetrics_duration_seconds_bucket{service_name="checkout", span_name="GET /checkout", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET", le="${le}"}`;
    const calls = collectorCalls(10000, 0, 300);
    const r = testRules('staging', SLO_RULES_FILE, [
      { name: '20% slow', series: [...calls, { series: bucket('0.3'), values: grows(8000, 120) }, { series: bucket('+Inf'), values: grows(10000, 120) }], alerts: [{ at: '10m', alertname: 'SLOBurnRatePage', firing: [page('latency', '20%')] }] },
      {
        name: '5% slow',
        series: [...calls, { series: bucket('0.3'), values: grows(9500, 300) }, { series: bucket('+Inf'), values: grows(10000, 300) }],
        alerts: [
          { at: '3h', alertname: 'SLOBurnRatePage', firing: [] },
          { at: '3h', alertname: 'SLOBurnRateTicket', firing: [ticket('latency', '5%')] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('would fail if the alert did not fire (negative control: promtool reports the missing alert)', () => {
    const r = testRules('staging', SLO_RULES_FILE, [{ name: 'no errors', series: collectorCalls(10000, 0, 30), alerts: [{ at: '10m', alertname: 'SLOBurnRatePage', firing: [page('availability', '0%')] }] }]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('SLOBurnRatePage');
  });
});

/**
 * At 220m, 40 minutes into 8 % errors: over 6h (all 220 min) 3.09 % > 6 × 0.5 %, over 30m 8 %:
 * the 6× pair pages; over the last hour 20 min at 2 % and 40 min at 8 % make about 6 % (< 14.4 × 0.5 %).
 */
const RATIO_220M = '5.966%'; // rate() reads the samples inside the hour: 6 % less the edge the change falls on

describe("promtool test rules: the SLO alerts in Tempo's names (local: the metrics-generator computes span metrics)", () => {
  it('opens a ticket for cart at 2 % errors against 99.5 % (4×), pages once the 6× pair burns, and reads the `service` label', () => {
    const sel = (status: string) => `traces_spanmetrics_calls_total{service="cart", span_name="GET /cart", span_kind="SPAN_KIND_SERVER", status_code="${status}", job="tempo"}`;
    const r = testRules('local', SLO_RULES_FILE, [
      {
        name: 'cart at 2% then 8% errors',
        series: [
          { series: sel('STATUS_CODE_UNSET'), values: `${grows(980, 180)} 176400+920x120` },
          { series: sel('STATUS_CODE_ERROR'), values: `${grows(20, 180)} 3600+80x120` },
        ],
        alerts: [
          { at: '170m', alertname: 'SLOBurnRatePage', firing: [] },
          { at: '170m', alertname: 'SLOBurnRateTicket', firing: [{ labels: { severity: 'ticket', service: 'cart', slo: 'availability' }, values: { ratio: '2%' } }] },
          { at: '220m', alertname: 'SLOBurnRatePage', firing: [{ labels: { severity: 'page', service: 'cart', slo: 'availability' }, values: { ratio: RATIO_220M } }] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe("promtool test rules: the stack's own alerts", () => {
  it('fires CollectorRefusingSpans after 5 minutes of refused spans, and not without', () => {
    const refused = 'otelcol_receiver_refused_spans_total{job="otel-collector", receiver="otlp", transport="grpc"}';
    const r = testRules('staging', STACK_ALERTS_FILE, [
      {
        name: 'refusing',
        series: [{ series: refused, values: grows(100, 30) }],
        alerts: [
          { at: '3m', alertname: 'CollectorRefusingSpans', firing: [] },
          { at: '10m', alertname: 'CollectorRefusingSpans', firing: [labelsOnly({ severity: 'ticket', component: 'otel-collector' })] },
        ],
      },
      { name: 'not refusing', series: [{ series: refused, values: grows(0, 30) }], alerts: [{ at: '20m', alertname: 'CollectorRefusingSpans', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('fires CollectorFailingToSendLogRecords per exporter, and PrometheusConfigReloadFailed after 10 minutes', () => {
    const r = testRules('staging', STACK_ALERTS_FILE, [
      {
        name: 'loki down, bad config',
        series: [
          { series: 'otelcol_exporter_send_failed_log_records_total{job="otel-collector", exporter="otlp_http/loki"}', values: grows(50, 30) },
          { series: 'prometheus_config_last_reload_successful{job="prometheus"}', values: '0x30' },
        ],
        alerts: [
          { at: '15m', alertname: 'CollectorFailingToSendLogRecords', firing: [labelsOnly({ severity: 'ticket', component: 'otel-collector', exporter: 'otlp_http/loki' })] },
          { at: '5m', alertname: 'PrometheusConfigReloadFailed', firing: [] },
          { at: '15m', alertname: 'PrometheusConfigReloadFailed', firing: [labelsOnly({ severity: 'ticket', component: 'prometheus' })] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});
