import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { ResolvedSpec } from '../src/spec/resolved';
import { baseDashboard, DASHBOARD_UIDS, jaegerSearchTable, finish, PROMETHEUS, StackFacts, traceqlTable, withRow } from './common';

/**
 * Traces: error traces, slow traces (slower than the spec's `tracing.slowerThan`) and a
 * per-service search. Every row opens its trace in the trace view.
 */
export function tracesDashboard(spec: ResolvedSpec, facts: StackFacts): dashboard.Dashboard {
  const slow = `${spec.tracing.slowerThanMs}ms`;
  const service = serviceVariable(spec, facts);
  return facts.traceBackend === 'tempo' ? tempoTraces(spec, service, slow) : jaegerTraces(spec, service, slow);
}

/**
 * The services that reported spans, read from the span metrics when the dashboard loads (the
 * same service names Tempo and Jaeger index), so the dashboard's size does not follow the
 * spec's; only a stack without span metrics falls back to the list the spec declares.
 */
function serviceVariable(spec: ResolvedSpec, facts: StackFacts): dashboard.QueryVariableBuilder | dashboard.CustomVariableBuilder {
  if (!facts.spanMetrics) return specServices(spec);
  return new dashboard.QueryVariableBuilder('service')
    .label('Service')
    .description('Services that reported spans (label_values of the span metrics).')
    .datasource(PROMETHEUS)
    .query(`label_values(${facts.spanMetrics.calls}, ${facts.spanMetrics.serviceLabel})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

type ServiceVariable = ReturnType<typeof serviceVariable>;

function tempoTraces(spec: ResolvedSpec, service: ServiceVariable, slow: string): dashboard.Dashboard {
  let d = baseDashboard(spec, DASHBOARD_UIDS.traces, 'Traces', `Error traces, traces slower than ${slow} (tracing.slowerThan in the spec) and traces per service, searched with TraceQL.`).withVariable(service);
  d = withRow(d, new dashboard.RowBuilder('All services'), [
    traceqlTable('Error traces', '{ status = error }', { description: 'Traces with at least one span whose status is ERROR. Click a trace id to open it.' }),
    traceqlTable(`Slow traces (> ${slow})`, `{ duration > ${slow} }`, { description: `Traces with a span slower than ${slow}, the threshold in the spec.` }),
  ]);
  d = withRow(d, new dashboard.RowBuilder('$service'), [
    traceqlTable('Traces of $service', '{ resource.service.name = "$service" }', { width: 8 }),
    traceqlTable('Error traces of $service', '{ resource.service.name = "$service" && status = error }', { width: 8 }),
    traceqlTable(`Slow traces of $service (> ${slow})`, `{ resource.service.name = "$service" && duration > ${slow} }`, { width: 8 }),
  ]);
  return finish(d.build());
}

/** Jaeger searches need a service: one table per question for the selected service. */
function jaegerTraces(spec: ResolvedSpec, service: ServiceVariable, slow: string): dashboard.Dashboard {
  let d = baseDashboard(spec, DASHBOARD_UIDS.traces, 'Traces', `Error traces, traces slower than ${slow} (tracing.slowerThan in the spec) and recent traces of a service, searched in Jaeger.`).withVariable(service);
  d = withRow(d, new dashboard.RowBuilder('$service'), [
    // OTLP spans with status ERROR carry the tag error=true in Jaeger's model
    jaegerSearchTable('Error traces of $service', { service: '$service', tags: 'error=true' }, { width: 8, description: 'Traces with a span tagged error=true (OTLP status ERROR).' }),
    jaegerSearchTable(`Slow traces of $service (> ${slow})`, { service: '$service', minDuration: slow }, { width: 8, description: `Traces with a span slower than ${slow}, the threshold in the spec.` }),
    jaegerSearchTable('Recent traces of $service', { service: '$service' }, { width: 8 }),
  ]);
  return finish(d.build());
}

/**
 * The services the spec declares (their OTEL_SERVICE_NAME), when no metrics list them: the one
 * list provisioned into a dashboard, which grows with the spec (a stack without span metrics).
 */
function specServices(spec: ResolvedSpec): dashboard.CustomVariableBuilder {
  const names = spec.services.map((s) => s.name);
  return new dashboard.CustomVariableBuilder('service')
    .label('Service')
    .description('Services declared in the spec.')
    .values(names.join(','))
    .current({ text: names[0] ?? '', value: names[0] ?? '' });
}
