/**
 * Every PromQL query of a stack's dashboards, run against a real Prometheus after a scenario,
 * with Grafana's variables filled in as Grafana would. A query whose metrics all exist in that
 * Prometheus must return data: an empty panel over produced metrics is a broken panel.
 */
import { dashboardQueries, promqlMetricNames } from '../../../src/checks/dashboard-metrics';
import type { StackPlan } from '../../../src/components/plan';
import { pollUntil } from '../../support/prometheus-harness';

export interface QueryOutcome {
  readonly where: string;
  readonly expr: string;
  /** Metrics the query reads that the Prometheus does not have (then it may rightly be empty). */
  readonly absent: readonly string[];
  readonly series: number;
}

async function promGet(base: string, path: string, params: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data: unknown; error?: string };
  if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`);
  return body.data;
}

/**
 * Grafana's built-in and dashboard variables, as Grafana substitutes them for an instant query
 * (a multi-value variable as the regex of its values, `.+` for All). A dashboard variable
 * missing from `vars` stays, and Prometheus refuses the query: pass every variable the
 * dashboards use (`$service`, and `$slo` of the SLOs dashboard).
 */
export function fillVariables(expr: string, vars: Record<string, string>): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, '1m')
    .replace(/\$__interval|\$\{__interval\}/g, '15s')
    .replace(/\$__range|\$\{__range\}/g, '5m')
    .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, name: string) => vars[name] ?? m);
}

/**
 * Runs every PromQL query of the plan's dashboards; one whose metrics are all present is
 * polled until it returns series (rates need two samples), up to `deadlineMs`.
 */
export async function runDashboardQueries(plan: StackPlan, base: string, vars: Record<string, string>, deadlineMs = 20_000, sending?: readonly string[]): Promise<QueryOutcome[]> {
  const queries = plan.files
    .filter((x) => x.output.startsWith('grafana/dashboards/') && x.output.endsWith('.json'))
    .flatMap((f) => dashboardQueries(JSON.parse(f.content), f.output).filter((x) => x.kind === 'promql'));
  // a counter appears one scrape after its first increment: give every metric the scenario
  // should have produced two scrape intervals to arrive before calling it absent
  const expected = [...new Set(queries.flatMap((q) => promqlMetricNames(q.expr).names))].filter(isExpected);
  const presentNames = async (): Promise<Set<string>> => new Set(((await promGet(base, '/api/v1/label/__name__/values', {})) as string[]) ?? []);
  const settleMs = (2 * plan.spec.metrics.scrapeIntervalSeconds + 10) * 1000;
  const present = await pollUntil('every expected dashboard metric scraped', settleMs, async () => {
    const names = await presentNames();
    const missing = expected.filter((n) => !names.has(n));
    return missing.length === 0 ? { value: names, seen: 'all' } : { seen: `missing ${missing.join(', ')}` };
  }).catch(presentNames);
  const out: QueryOutcome[] = [];
  for (const q of queries) {
    const expr = fillVariables(q.expr, vars);
    const absent = promqlMetricNames(q.expr).names.filter((n) => !present.has(n));
    let series = 0;
    if (absent.length === 0 && !idle(q.expr, sending)) {
      series = await pollUntil(`${q.where} returns data`, deadlineMs, async () => {
        const data = (await promGet(base, '/api/v1/query', { query: expr })) as { result: unknown[] };
        return data.result.length > 0 ? { value: data.result.length, seen: 'data' } : { seen: `no series for ${expr}` };
      }).catch(() => 0);
    } else {
      // still valid PromQL for this Prometheus (a panel of a service that sent nothing here is
      // asked once, not waited for: it is rightly empty)
      series = ((await promGet(base, '/api/v1/query', { query: expr })) as { result: unknown[] }).result.length;
    }
    out.push({ where: q.where, expr, absent, series });
  }
  return out;
}

/**
 * Metrics the dashboards read that a scenario should have produced but did not: all but
 * Tempo's (not run here: AGPL), counters of refusals and failures (absent until one happens),
 * and ALERTS (absent while nothing fires).
 */
export function unexpectedlyAbsent(outcomes: readonly QueryOutcome[]): string[] {
  return [...new Set(outcomes.flatMap((o) => o.absent))].filter(isExpected).sort();
}

/**
 * Queries that must return data: their metrics are all present, and not all of them count
 * refusals or failures (such a series may exist for another job, e.g. Jaeger's own collector
 * telemetry, while this one has failed nothing and rightly returns no series).
 */
export function unexpectedlyEmpty(outcomes: readonly QueryOutcome[], sending?: readonly string[]): string[] {
  return outcomes.filter((o) => o.absent.length === 0 && o.series === 0 && !idle(o.expr, sending) && promqlMetricNames(o.expr).names.some(isExpected)).map((o) => `${o.where}: ${o.expr}`);
}

/**
 * A query naming a service that sent nothing in this scenario: rightly empty, asked once rather
 * than waited for. The dashboards select services through `$service` (filled with the senders)
 * and name none, so today no query is idle; this keeps one that does from failing a scenario.
 */
function idle(expr: string, sending: readonly string[] | undefined): boolean {
  return sending !== undefined && [...expr.matchAll(/service="([^"]+)"/g)].some((m) => !sending.includes(m[1]));
}

function isExpected(metric: string): boolean {
  // ALERTS exists only while some alert is pending or firing
  return metric !== 'ALERTS' && !metric.startsWith('tempo_') && !/_(refused|failed)_/.test(metric) && !/send_failed/.test(metric);
}
