/**
 * The stack's dashboards as code: which dashboards a stack gets, built from the resolved
 * spec and the facts of the stack. Every dashboard only queries what its stack produces
 * (checked at synth time by src/checks/dashboard-metrics.ts).
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedSpec } from '../src/spec/resolved';
import type { StackFacts } from './common';
import { serviceGraphDashboard } from './service-graph';
import { serviceOverviewDashboard } from './service-overview';
import { slosDashboard } from './slos';
import { stackHealthDashboard } from './stack-health';
import { tracesDashboard } from './traces';

export { DASHBOARD_UIDS, DASHBOARD_TAG } from './common';
export type { StackFacts } from './common';

/**
 * Every stack has span metrics (Tempo's generator, or the collector's connectors) and gets the
 * RED overview in its source's metric names, the service graph, traces and its own health; a
 * stack whose spec has SLOs also gets the SLOs dashboard.
 */
export function dashboardsFor(spec: ResolvedSpec, facts: StackFacts): dashboard.Dashboard[] {
  const out: dashboard.Dashboard[] = [];
  if (facts.spanMetrics) out.push(serviceOverviewDashboard(spec, facts));
  if (facts.traceBackend === 'jaeger' || facts.serviceGraph) out.push(serviceGraphDashboard(spec, facts));
  out.push(tracesDashboard(spec, facts));
  out.push(stackHealthDashboard(spec, facts));
  if (spec.services.some((s) => s.slos.length > 0)) out.push(slosDashboard(spec));
  return out;
}
