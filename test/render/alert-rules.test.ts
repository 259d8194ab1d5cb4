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
import { sloTraceSearchPath } from '../../src/components/prometheus';
import { SLO_RULES_FILE, sloAlertAnnotations } from '../../src/render/slo-rules';
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
    const broken = renderedFile(examplePlan('staging'), SLO_RULES_FILE).replace('[5m]', '[5m])');
    expect(promtool(['check', 'rules', write('broken.yml', broken)]).status).not.toBe(0);
  });
});

/** A counter growing by `perMinute` for `minutes` minutes, in promtool's series notation. */
const grows = (perMinute: number, minutes: number) => `0+${perMinute}x${minutes}`;

interface Firing {
  readonly labels: Record<string, string>;
  /** What the templates in the annotations render to: `{{ $labels.x }}`, and the SLO's query value. */
  readonly values?: { readonly ratio?: string; readonly value?: string };
}

interface Scenario {
  readonly name: string;
  readonly series: { readonly series: string; readonly values: string }[];
  readonly alerts: { readonly at: string; readonly alertname: string; readonly firing: Firing[] }[];
}

type RuleDoc = { groups: { rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] };

/**
 * The annotations promtool must see on a firing alert: the rule's own, with its templates
 * rendered for this alert (label references, and the SLO's error-ratio query as `ratio`). The
 * SLO alerts, one rule for every service, must render the text of their SLO (`sloAlertAnnotations`).
 */
function expectedAnnotations(stack: (typeof EXAMPLE_STACKS)[number], rulesYaml: string, alertname: string, f: Firing): Record<string, string> {
  if (alertname.startsWith('SLOBurnRate')) {
    const spec = examplePlan(stack).spec;
    const slo = spec.services.find((s) => s.name === f.labels.service)!.slos.find((x) => x.indicator === f.labels.slo)!;
    return sloAlertAnnotations(spec, f.labels.service, slo, f.labels.severity as 'page' | 'ticket', f.values?.ratio ?? '', { traceSearchPath: sloTraceSearchPath });
  }
  const rule = (parse(rulesYaml) as RuleDoc).groups
    .flatMap((g) => g.rules)
    .find((r) => r.alert === alertname && Object.entries(r.labels ?? {}).every(([k, v]) => f.labels[k] === v))!;
  return Object.fromEntries(
    Object.entries(rule.annotations ?? {}).map(([k, v]) => [
      k,
      v.replace(/\{\{ with query `[^`]*` \}\}\{\{ \. \| first \| value \| humanizePercentage \}\}\{\{ end \}\}/g, f.values?.ratio ?? '').replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_m, l: string) => f.labels[l] ?? '').replace(/\{\{ \$value \}\}/g, f.values?.value ?? ''),
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
      alert_rule_test: s.alerts.map((a) => ({ eval_time: a.at, alertname: a.alertname, exp_alerts: a.firing.map((f) => ({ exp_labels: f.labels, exp_annotations: expectedAnnotations(stack, rulesYaml, a.alertname, f) })) })),
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

describe('promtool test rules: the stack going dark (Watchdog, scrape targets, span metrics)', () => {
  it('fires the Watchdog always, from the first evaluation, with no series at all', () => {
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        name: 'always',
        series: [],
        alerts: ['0m', '1m', '3h'].map((at) => ({ at, alertname: 'Watchdog', firing: [labelsOnly({ severity: 'none', component: 'prometheus' })] })),
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('opens a ticket per job when its targets stay down for 5 minutes, counting them, and not while they answer', () => {
    const up = (job: string, instance: string) => `up{job="${job}", instance="${instance}"}`;
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        name: 'loki down after 10 minutes, two of three checkout tasks with it',
        series: [
          { series: up('loki', 'loki:3100'), values: '1x10 0x30' },
          { series: up('checkout', '10.0.1.1:9464'), values: '1x10 0x30' },
          { series: up('checkout', '10.0.1.2:9464'), values: '1x10 0x30' },
          { series: up('checkout', '10.0.1.3:9464'), values: '1x40' },
          { series: up('tempo', 'tempo:3200'), values: '1x40' },
        ],
        alerts: [
          { at: '14m', alertname: 'TargetDown', firing: [] },
          {
            at: '16m',
            alertname: 'TargetDown',
            firing: [
              { labels: { severity: 'ticket', component: 'prometheus', job: 'checkout' }, values: { value: '2' } },
              { labels: { severity: 'ticket', component: 'prometheus', job: 'loki' }, values: { value: '1' } },
            ],
          },
        ],
      },
      { name: 'all up', series: [{ series: up('loki', 'loki:3100'), values: '1x40' }], alerts: [{ at: '30m', alertname: 'TargetDown', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it("opens a ticket when a job has had no target at all for 10 minutes (every DNS-discovered task gone), and not while each job has one", () => {
    const jobs = (parse(renderedFile(examplePlan('prod'), 'prometheus.yml')) as { scrape_configs: { job_name: string }[] }).scrape_configs.map((c) => c.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['prometheus', 'otel-collector', 'loki', 'alertmanager', 'checkout']));
    const all = (gone: string) => jobs.map((j) => ({ series: `up{job="${j}", instance="${j}:1"}`, values: j === gone ? '1x5 stale' : '1x40' }));
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        name: 'checkout deregistered at 5 minutes',
        series: all('checkout'),
        alerts: [
          { at: '14m', alertname: 'TargetsMissing', firing: [] },
          { at: '17m', alertname: 'TargetsMissing', firing: [labelsOnly({ severity: 'ticket', component: 'prometheus', job: 'checkout' })] },
          // no `up` series left to be 0: only TargetsMissing can tell
          { at: '17m', alertname: 'TargetDown', firing: [] },
        ],
      },
      {
        // a component's job: absent() tells even if it never had a target
        name: 'loki never scraped',
        series: all('loki').filter((x) => !x.series.includes('job="loki"')),
        alerts: [
          { at: '9m', alertname: 'TargetsMissing', firing: [] },
          { at: '11m', alertname: 'TargetsMissing', firing: [labelsOnly({ severity: 'ticket', component: 'prometheus', job: 'loki' })] },
        ],
      },
      { name: 'every job scraped', series: all(''), alerts: [{ at: '30m', alertname: 'TargetsMissing', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  const checkoutCalls = (values: string) => [{ series: 'traces_spanmetrics_calls_total{service_name="checkout", span_name="GET /checkout", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET", job="otel-collector"}', values }];
  const missing = labelsOnly({ severity: 'page', component: 'otel-collector', service: 'checkout', service_name: 'checkout' });

  it('pages when an SLO service that had traffic has none in the span metrics for 10 minutes (series standing still or gone), in the collector\'s names', () => {
    const r = testRules('staging', STACK_ALERTS_FILE, [
      {
        // an hour of traffic, then the counter stands still: the last increase is at 60m
        name: 'traffic stops at 60 minutes',
        series: checkoutCalls('0+10x60 600x100'),
        alerts: [
          { at: '65m', alertname: 'SpanMetricsMissing', firing: [] },
          { at: '71m', alertname: 'SpanMetricsMissing', firing: [missing] },
          // an hour later there is no traffic left to miss: a service that stops nightly resolves
          { at: '140m', alertname: 'SpanMetricsMissing', firing: [] },
        ],
      },
      {
        name: 'the series vanishes at 60 minutes (the collector restarted and the service sends nothing)',
        series: checkoutCalls('0+10x60 stale'),
        alerts: [
          { at: '65m', alertname: 'SpanMetricsMissing', firing: [] },
          { at: '72m', alertname: 'SpanMetricsMissing', firing: [missing] },
        ],
      },
      { name: 'steady traffic', series: checkoutCalls('0+10x150'), alerts: [{ at: '100m', alertname: 'SpanMetricsMissing', firing: [] }] },
      {
        // catalog has no SLO: nothing to watch
        name: 'a service without SLOs stops',
        series: [{ series: 'traces_spanmetrics_calls_total{service_name="catalog", span_name="GET /catalog", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET", job="otel-collector"}', values: '0+10x60 600x30' }],
        alerts: [{ at: '75m', alertname: 'SpanMetricsMissing', firing: [] }],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it("reads Tempo's `service` label where its metrics-generator computes the span metrics", () => {
    const r = testRules('local', STACK_ALERTS_FILE, [
      {
        name: 'cart stops',
        series: [{ series: 'traces_spanmetrics_calls_total{service="cart", span_name="GET /cart", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_UNSET", job="tempo"}', values: '0+10x60 stale' }],
        alerts: [
          { at: '65m', alertname: 'SpanMetricsMissing', firing: [] },
          { at: '72m', alertname: 'SpanMetricsMissing', firing: [labelsOnly({ severity: 'page', component: 'tempo', service: 'cart' })] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe("promtool test rules: Loki's own alerts (names from Loki 3.7.6)", () => {
  const requests = (code: string) => `loki_request_duration_seconds_count{job="loki", instance="loki:3100", method="POST", route="otlp_v1_logs", status_code="${code}", ws="false"}`;
  const discarded = (reason: string) => `loki_discarded_samples_total{job="loki", instance="loki:3100", reason="${reason}", tenant="fake", retention_hours="720", policy="", format="otlp"}`;
  const retention = (status: string) => `loki_compactor_apply_retention_operation_total{job="loki", instance="loki:3100", status="${status}"}`;
  /** A counter that steps up by one every 10 minutes (a compaction run) after `from` up to `to` minutes, flat after, to `total`. */
  const runs = (from: number, to: number, total = 160) => {
    const steps = Math.floor((to - from) / 10);
    return [`0x${from + 9}`, ...Array.from({ length: steps }, (_, i) => `${i + 1}x9`), `${steps}x${total - from - 10 - steps * 10}`].join(' ');
  };

  it('opens a ticket when more than 5 % of a route\'s requests fail for 15 minutes, and not at 2 %', () => {
    const scenario = (name: string, errorsPerMinute: number, firing: Firing[]): Scenario => ({
      name,
      series: [
        { series: requests('500'), values: grows(errorsPerMinute, 40) },
        { series: requests('204'), values: grows(100 - errorsPerMinute, 40) },
      ],
      alerts: [{ at: '25m', alertname: 'LokiRequestErrors', firing }],
    });
    const r = testRules('prod', STACK_ALERTS_FILE, [
      scenario('10 % errors', 10, [labelsOnly({ severity: 'ticket', component: 'loki', route: 'otlp_v1_logs' })]),
      scenario('2 % errors', 2, []),
      { ...scenario('10 % errors, not yet 15 minutes', 10, []), alerts: [{ at: '12m', alertname: 'LokiRequestErrors', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('opens a ticket per reason for rate-limited lines after 10 minutes, and for other discarded lines apart', () => {
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        name: 'rate limited',
        series: [{ series: discarded('rate_limited'), values: grows(50, 40) }],
        alerts: [
          { at: '8m', alertname: 'LokiIngestionRateLimited', firing: [] },
          { at: '15m', alertname: 'LokiIngestionRateLimited', firing: [labelsOnly({ severity: 'ticket', component: 'loki', reason: 'rate_limited' })] },
          { at: '25m', alertname: 'LokiDiscardingSamples', firing: [] },
        ],
      },
      {
        name: 'lines too long',
        series: [{ series: discarded('line_too_long'), values: grows(5, 40) }],
        alerts: [
          { at: '25m', alertname: 'LokiDiscardingSamples', firing: [labelsOnly({ severity: 'ticket', component: 'loki', reason: 'line_too_long' })] },
          { at: '25m', alertname: 'LokiIngestionRateLimited', firing: [] },
        ],
      },
      { name: 'nothing discarded', series: [{ series: discarded('rate_limited'), values: '3x40' }], alerts: [{ at: '30m', alertname: 'LokiIngestionRateLimited', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('opens a ticket when no retention run has succeeded for an hour while runs fail, and not while some succeed', () => {
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        // runs succeed every 10 minutes up to 30m, then every run fails: from 90m no success is
        // left in the hour, the ticket 10 minutes later
        name: 'retention fails from 40 minutes',
        series: [
          { series: retention('success'), values: runs(0, 30) },
          { series: retention('failure'), values: runs(30, 150) },
        ],
        alerts: [
          { at: '95m', alertname: 'LokiRetentionFailing', firing: [] },
          { at: '102m', alertname: 'LokiRetentionFailing', firing: [labelsOnly({ severity: 'ticket', component: 'loki' })] },
        ],
      },
      {
        name: 'one run in two fails',
        series: [
          { series: retention('success'), values: runs(0, 150) },
          { series: retention('failure'), values: runs(5, 150) },
        ],
        alerts: [{ at: '140m', alertname: 'LokiRetentionFailing', firing: [] }],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe('promtool test rules: the alert path itself (Prometheus → Alertmanager → receivers)', () => {
  it('pages when Prometheus has discovered no Alertmanager for 10 minutes, and not while it has one', () => {
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        name: 'alertmanager gone',
        series: [{ series: 'prometheus_notifications_alertmanagers_discovered{job="prometheus"}', values: '0x30' }],
        alerts: [
          { at: '5m', alertname: 'PrometheusNotConnectedToAlertmanager', firing: [] },
          { at: '15m', alertname: 'PrometheusNotConnectedToAlertmanager', firing: [labelsOnly({ severity: 'page', component: 'prometheus' })] },
        ],
      },
      { name: 'alertmanager there', series: [{ series: 'prometheus_notifications_alertmanagers_discovered{job="prometheus"}', values: '1x30' }], alerts: [{ at: '20m', alertname: 'PrometheusNotConnectedToAlertmanager', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('pages when 5 % of alerts fail to reach Alertmanager for 15 minutes, and not at 0.5 %', () => {
    const am = 'alertmanager="http://alertmanager.shop-prod.o11y.internal:9093/api/v2/alerts"';
    const scenario = (name: string, errorsPerMinute: number, firing: Firing[]): Scenario => ({
      name,
      series: [
        { series: `prometheus_notifications_sent_total{job="prometheus", ${am}}`, values: grows(200, 40) },
        { series: `prometheus_notifications_errors_total{job="prometheus", ${am}}`, values: grows(errorsPerMinute, 40) },
      ],
      alerts: [{ at: '25m', alertname: 'PrometheusFailingToSendAlerts', firing }],
    });
    const r = testRules('prod', STACK_ALERTS_FILE, [scenario('5 % errors', 10, [labelsOnly({ severity: 'page', component: 'prometheus' })]), scenario('0.5 % errors', 1, [])]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('pages per integration when Alertmanager fails to notify for 15 minutes, and not when it stops failing', () => {
    const failed = (integration: string) => `alertmanager_notifications_failed_total{job="alertmanager", integration="${integration}", reason="clientError"}`;
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        name: 'slack refuses the webhook',
        series: [
          { series: failed('slack'), values: grows(2, 40) },
          // failed for 10 minutes, then recovered: silent by the time the page would come
          { series: failed('pagerduty'), values: `${grows(2, 10)} 20x30` },
        ],
        alerts: [
          { at: '10m', alertname: 'AlertmanagerNotificationsFailing', firing: [] },
          { at: '25m', alertname: 'AlertmanagerNotificationsFailing', firing: [labelsOnly({ severity: 'page', component: 'alertmanager', integration: 'slack' })] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('opens a ticket when Alertmanager cannot load its configuration for 10 minutes', () => {
    const r = testRules('prod', STACK_ALERTS_FILE, [
      {
        name: 'bad config',
        series: [{ series: 'alertmanager_config_last_reload_successful{job="alertmanager"}', values: '0x30' }],
        alerts: [
          { at: '5m', alertname: 'AlertmanagerConfigReloadFailed', firing: [] },
          { at: '15m', alertname: 'AlertmanagerConfigReloadFailed', firing: [labelsOnly({ severity: 'ticket', component: 'alertmanager' })] },
        ],
      },
      { name: 'good config', series: [{ series: 'alertmanager_config_last_reload_successful{job="alertmanager"}', values: '1x30' }], alerts: [{ at: '20m', alertname: 'AlertmanagerConfigReloadFailed', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

/**
 * Tempo 3.0.3 as a monolith, its series as its /metrics has them (grafana/tempo at v3.0.3): the
 * backend-worker polls every 5 minutes and counts only a failed tenant listing, with tenant=""
 * (so no tenant label); the backend-scheduler's job counters carry tenant and the proto enum
 * name as job_type; without multi-tenancy the tenant is `single-tenant`. A CounterVec series
 * appears at its first increment, at 1, as Tempo's does.
 */
describe("promtool test rules: Tempo's own alerts (the monolith's backend and metrics-generator)", () => {
  const tempo = (name: string, labels = '') => `${name}{job="tempo", instance="tempo:3200"${labels ? `, ${labels}` : ''}}`;
  /** A counter stepping up by one every `every` minutes, `count` times, from `from`. */
  const stepsEvery = (every: number, count: number, from = 0) => Array.from({ length: count }, (_, i) => `${from + i}x${every - 1}`).join(' ');
  const tenant = 'tenant="single-tenant"';

  it('pages when three blocklist polls in a row fail, for 5 minutes, and not after two failed polls', () => {
    const polls = tempo('tempodb_blocklist_poll_errors_total');
    const r = testRules('local', STACK_ALERTS_FILE, [
      {
        // failures at 0, 5, 10 … min; the first one only makes the series appear, so the
        // condition holds from the third, at 10 min, and the page comes 5 minutes later
        name: 'the bucket cannot be listed',
        series: [{ series: polls, values: stepsEvery(5, 12, 1) }],
        alerts: [
          { at: '13m', alertname: 'TempoBlocklistPollsFailing', firing: [] },
          { at: '16m', alertname: 'TempoBlocklistPollsFailing', firing: [labelsOnly({ severity: 'page', component: 'tempo' })] },
        ],
      },
      {
        name: 'two failed polls, then the bucket answers again',
        series: [{ series: polls, values: `${stepsEvery(5, 1, 1)} 2x55` }],
        alerts: [
          { at: '10m', alertname: 'TempoBlocklistPollsFailing', firing: [] },
          { at: '30m', alertname: 'TempoBlocklistPollsFailing', firing: [] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('opens a ticket when compaction jobs keep failing for 15 minutes, and not at one job in twelve', () => {
    const created = tempo('tempo_backend_scheduler_jobs_created_total', `${tenant}, job_type="JOB_TYPE_COMPACTION"`);
    const failed = tempo('tempo_backend_scheduler_jobs_failed_total', `${tenant}, job_type="JOB_TYPE_COMPACTION"`);
    const r = testRules('local', STACK_ALERTS_FILE, [
      {
        // a job every 5 minutes; from 60 min on, every one fails: the condition holds from the
        // third failure (70 min), the ticket comes 15 minutes later
        name: 'every compaction job fails',
        series: [
          { series: created, values: stepsEvery(5, 30) },
          { series: failed, values: `_x60 ${stepsEvery(5, 18, 1)}` },
        ],
        alerts: [
          { at: '83m', alertname: 'TempoBackendJobsFailing', firing: [] },
          { at: '86m', alertname: 'TempoBackendJobsFailing', firing: [labelsOnly({ severity: 'ticket', component: 'tempo', job_type: 'JOB_TYPE_COMPACTION' })] },
        ],
      },
      {
        // 12 jobs an hour, one of them failing (8 %, under 10 %)
        name: 'one compaction job an hour fails',
        series: [
          { series: created, values: stepsEvery(5, 36) },
          { series: failed, values: `_x30 ${stepsEvery(60, 3, 1)}` },
        ],
        alerts: [
          { at: '100m', alertname: 'TempoBackendJobsFailing', firing: [] },
          { at: '170m', alertname: 'TempoBackendJobsFailing', firing: [] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('opens a ticket when two hourly retention runs in a row fail, and not for one', () => {
    const errors = tempo('tempodb_retention_errors_total');
    const r = testRules('local', STACK_ALERTS_FILE, [
      {
        // three blocks it cannot delete, at every run (30, 90, 150 … min): the condition holds
        // from 30 min, the ticket comes 2 hours later
        name: 'every run fails',
        series: [{ series: errors, values: `0x29 3x59 6x59 9x59 12x30` }],
        alerts: [
          { at: '148m', alertname: 'TempoRetentionFailing', firing: [] },
          { at: '151m', alertname: 'TempoRetentionFailing', firing: [labelsOnly({ severity: 'ticket', component: 'tempo' })] },
        ],
      },
      {
        name: 'one run fails, the next ones succeed',
        series: [{ series: errors, values: `0x29 3x200` }],
        alerts: [
          { at: '110m', alertname: 'TempoRetentionFailing', firing: [] },
          { at: '155m', alertname: 'TempoRetentionFailing', firing: [] },
        ],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it("opens a ticket when a quarter of the generator's collections fail for 10 minutes, and not at one in sixteen", () => {
    // a collection every 15 s: 4 a minute
    const collections = { series: tempo('tempo_metrics_generator_registry_collections_total', tenant), values: grows(4, 60) };
    const failed = tempo('tempo_metrics_generator_registry_collections_failed_total', `${tenant}, error_type="other"`);
    const r = testRules('local', STACK_ALERTS_FILE, [
      {
        // failing from 10 min on (the series appears then): the condition holds from 12 min
        name: 'one collection a minute fails (the WAL disk is full)',
        series: [collections, { series: failed, values: `_x10 1+1x50` }],
        alerts: [
          { at: '20m', alertname: 'TempoGeneratorCollectionsFailing', firing: [] },
          { at: '23m', alertname: 'TempoGeneratorCollectionsFailing', firing: [labelsOnly({ severity: 'ticket', component: 'tempo', tenant: 'single-tenant' })] },
        ],
      },
      { name: 'one collection in sixteen fails', series: [collections, { series: failed, values: `_x10 ${stepsEvery(4, 12, 1)}` }], alerts: [{ at: '40m', alertname: 'TempoGeneratorCollectionsFailing', firing: [] }] },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it("opens a ticket when the generator's remote write keeps retrying (Prometheus unreachable) for 15 minutes, and not at 4 % refused samples", () => {
    // the queue manager's own labels (remote_name: a hash of the config, as Prometheus names an unnamed remote write) and the tenant Tempo wraps it with
    const url = 'http://prometheus:9090/api/v1/write';
    const queue = (name: string) => tempo(name, `remote_name="5c4e2f", url="${url}", ${tenant}`);
    const scenario = (name: string, retriedPerMinute: number, failedPerMinute: number, alerts: Scenario['alerts']): Scenario => ({
      name,
      series: [
        { series: queue('prometheus_remote_storage_samples_total'), values: grows(1000, 40) },
        { series: queue('prometheus_remote_storage_samples_retried_total'), values: grows(retriedPerMinute, 40) },
        { series: queue('prometheus_remote_storage_samples_failed_total'), values: grows(failedPerMinute, 40) },
      ],
      alerts,
    });
    const r = testRules('local', STACK_ALERTS_FILE, [
      // the condition holds from the second sample (1 min)
      scenario('every attempt is retried', 1000, 0, [
        { at: '14m', alertname: 'TempoGeneratorRemoteWriteFailing', firing: [] },
        { at: '17m', alertname: 'TempoGeneratorRemoteWriteFailing', firing: [labelsOnly({ severity: 'ticket', component: 'tempo', url })] },
      ]),
      scenario('4 % refused (out of order)', 0, 40, [{ at: '30m', alertname: 'TempoGeneratorRemoteWriteFailing', firing: [] }]),
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it("opens a ticket when a consumer group of distributed Tempo stays 15 minutes behind on a partition for 15 minutes, and not for a block-builder's 5-minute cycles", () => {
    const lag = (group: string, partition: number) => `tempo_ingest_group_partition_lag_seconds{job="tempo", instance="tempo-live-store-${partition}:3200", group="${group}", partition="${partition}"}`;
    // the block-builder's lag saws from 0 to 300 s each 5-minute cycle; the live-store of partition 1 stops at 10 m
    const saw = Array.from({ length: 12 }, () => '0+60x4').join(' ');
    const r = testRules('prod-peak', STACK_ALERTS_FILE, [
      {
        name: 'a live-store stops consuming partition 1',
        series: [
          { series: lag('block-builder', 1), values: saw },
          { series: lag('tempo-live-store', 1), values: '0x10 60+60x50' },
        ],
        alerts: [
          // above 900 s from minute 25 (60 s a minute from minute 11): the ticket 15 minutes later
          { at: '39m', alertname: 'TempoKafkaConsumerLagging', firing: [] },
          { at: '41m', alertname: 'TempoKafkaConsumerLagging', firing: [labelsOnly({ severity: 'ticket', component: 'tempo', group: 'tempo-live-store', partition: '1' })] },
        ],
      },
      {
        name: "only the block-builders' cycles",
        series: [{ series: lag('block-builder', 0), values: saw }],
        alerts: [{ at: '55m', alertname: 'TempoKafkaConsumerLagging', firing: [] }],
      },
    ]);
    expect(r).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('renders the generator alerts only where Tempo computes the span metrics (not behind tail sampling)', () => {
    const alerts = (stack: 'local' | 'staging') => (parse(renderedFile(examplePlan(stack), STACK_ALERTS_FILE)) as RuleDoc).groups.flatMap((g) => g.rules.map((x) => x.alert)).filter((a) => a?.startsWith('Tempo'));
    expect(alerts('local')).toEqual(['TempoDiscardingSpans', 'TempoBlocklistPollsFailing', 'TempoBackendJobsFailing', 'TempoRetentionFailing', 'TempoGeneratorCollectionsFailing', 'TempoGeneratorRemoteWriteFailing']);
    expect(alerts('staging')).toEqual(['TempoDiscardingSpans', 'TempoBlocklistPollsFailing', 'TempoBackendJobsFailing', 'TempoRetentionFailing']);
  });
});
