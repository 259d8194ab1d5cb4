/**
 * The queries of every provisioned dashboard: PromQL parses (Prometheus' own `promtool check
 * rules`, Debian's 2.42, on a rules file of the same expressions), every target has an explicit
 * refId, latency panels ask for exemplars, and every metric a dashboard reads is one its stack
 * emits (the synth-time check, src/checks/dashboard-metrics.ts, on the real plans).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkDashboardMetrics, dashboardQueries, emittedMetrics, promqlMetricNames } from '../../src/checks/dashboard-metrics';
import { DATASOURCE_UIDS } from '../../src/spec/defaults';
import { EXAMPLE_STACKS } from '../support/plans';
import { ALL_DASHBOARDS, arr, obj, panelsOf, planOf, ProvisionedDashboard } from './support';

const PROMTOOL = process.env.O11Y_PROMTOOL ?? '/usr/bin/promtool';
const MISSING_PROMTOOL = `${PROMTOOL} is missing: install Debian's Prometheus with \`apt-get install prometheus\` (CI's .ci/run does)`;

/**
 * Grafana replaces its macros and variables before Prometheus sees a query; promtool gets
 * what Prometheus would: ranges for the interval macros, a plain value for `$service`
 * (only ever used inside a quoted matcher).
 */
function asPrometheusSees(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*(:[a-z]+)?\}?/g, 'checkout');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'o11y-dashboards-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function checkRules(name: string, exprs: readonly string[]): { status: number | null; output: string } {
  if (!existsSync(PROMTOOL)) throw new Error(MISSING_PROMTOOL);
  const file = join(dir, name);
  const rules = exprs.map((e, i) => ({ record: `o11y:dashboard_query:${i}`, expr: asPrometheusSees(e) }));
  writeFileSync(file, stringify({ groups: [{ name, rules }] }));
  const r = spawnSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`${PROMTOOL} could not run: ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const promql = (d: ProvisionedDashboard) => dashboardQueries(d.json, d.output).filter((q) => q.kind === 'promql');
const label = (d: ProvisionedDashboard) => `${d.stack} ${d.output}`;

describe('dashboard queries', () => {
  it.each(ALL_DASHBOARDS.filter((d) => promql(d).length > 0).map((d) => [label(d), d] as const))(
    'promtool check rules: every PromQL expression of %s parses',
    (_name, d) => {
      const exprs = promql(d).map((q) => q.expr);
      const result = checkRules(`${d.stack}-${d.output.replace(/\W/g, '_')}.rules.yml`, exprs);
      expect(result).toEqual({ status: 0, output: expect.stringContaining(`SUCCESS: ${exprs.length} rules found`) });
    },
  );

  it('promtool check rules rejects a broken expression (negative control)', () => {
    const result = checkRules('broken.rules.yml', ['sum by (service) (rate(traces_spanmetrics_calls_total[$__rate_interval])']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/unclosed left parenthesis|unexpected end of input/);
  });

  it.each(ALL_DASHBOARDS.map((d) => [label(d), d] as const))('every target of every panel of %s has an explicit refId, unique in its panel', (_name, d) => {
    for (const p of panelsOf(d.json)) {
      const refIds = arr(p.targets).map((t) => obj(t).refId);
      expect({ panel: p.title, refIds }).toEqual({ panel: p.title, refIds: refIds.map(() => expect.stringMatching(/^[A-Z]$/)) });
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  it.each(ALL_DASHBOARDS.map((d) => [label(d), d] as const))('every latency panel of %s has exemplars on for every target', (_name, d) => {
    const latency = panelsOf(d.json).filter((p) => arr(p.targets).some((t) => /histogram_quantile\(.*_bucket\b/s.test(String(obj(t).expr ?? ''))));
    for (const p of latency) {
      expect({ panel: p.title, exemplars: arr(p.targets).map((t) => obj(t).exemplar) }).toEqual({ panel: p.title, exemplars: arr(p.targets).map(() => true) });
    }
  });

  it('the Tempo stacks have latency panels with exemplars on span metrics and service graphs', () => {
    const exprs = ALL_DASHBOARDS.filter((d) => d.stack === 'local').flatMap((d) =>
      panelsOf(d.json).flatMap((p) => arr(p.targets).map(obj).filter((t) => t.exemplar === true).map((t) => String(t.expr))),
    );
    expect(exprs.some((e) => e.includes('traces_spanmetrics_latency_bucket'))).toBe(true);
    expect(exprs.some((e) => e.includes('traces_service_graph_request_server_seconds_bucket'))).toBe(true);
  });

  it.each(EXAMPLE_STACKS)('the synth-time check finds every metric the %s dashboards query among the metrics the stack emits', (stack) => {
    const plan = planOf(stack);
    expect(checkDashboardMetrics(plan)).toEqual([]);
    // not vacuous: the dashboards do query metrics, and all of them are emitted
    const names = ALL_DASHBOARDS.filter((d) => d.stack === stack).flatMap((d) => promql(d).flatMap((q) => promqlMetricNames(q.expr).names));
    expect(names.length).toBeGreaterThan(10);
    const emitted = emittedMetrics(plan);
    expect(names.filter((n) => !emitted.has(n))).toEqual([]);
  });

  it("the local-jaeger dashboards query no Tempo datasource, and span metrics in the collector's names only", () => {
    const jaeger = ALL_DASHBOARDS.filter((d) => d.stack === 'local-jaeger');
    const uids = jaeger.flatMap((d) => panelsOf(d.json).flatMap((p) => [obj(p.datasource).uid, ...arr(p.targets).map((t) => obj(obj(t).datasource).uid)]));
    expect(new Set(uids)).toEqual(new Set([DATASOURCE_UIDS.prometheus, DATASOURCE_UIDS.jaeger, DATASOURCE_UIDS.loki]));
    const text = JSON.stringify(jaeger.map((d) => d.json));
    expect(text).toMatch(/traces_spanmetrics_duration_seconds_bucket/);
    expect(text).not.toMatch(/traces_spanmetrics_latency_bucket/);
  });
});
