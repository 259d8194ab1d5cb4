import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import type { ResolvedSpec } from '../src/spec/resolved';
import { baseDashboard, DASHBOARD_UIDS, JAEGER, JaegerQueryBuilder, latencyPanel, finish, promTarget, RATE, StackFacts, TEMPO, timeseriesPanel, withRow } from './common';

/**
 * The service-graph series: the same names from Tempo (grafana/tempo
 * modules/generator/processor/servicegraphs) and the collector's servicegraph connector.
 */
const REQUESTS = 'traces_service_graph_request_total';
const FAILED = 'traces_service_graph_request_failed_total';
const SERVER_BUCKET = 'traces_service_graph_request_server_seconds_bucket';

const EDGE = '{{client}} → {{server}}';

/**
 * Service graph: the service map, and request rate, failure rate and latency on every edge
 * (client → server). With Tempo it is the service-graphs processor's metrics; with Jaeger
 * it is Jaeger's dependency graph, which counts calls but has no rates or failures.
 */
export function serviceGraphDashboard(spec: ResolvedSpec, facts: StackFacts): dashboard.Dashboard {
  if (facts.traceBackend === 'jaeger') return jaegerServiceGraph(spec);
  if (!facts.serviceGraph || !facts.spanMetrics) {
    throw new Error('service graph needs the service-graph metrics (Tempo\'s service-graphs processor or the collector\'s servicegraph connector); this stack has none');
  }
  const from = facts.spanMetrics.source === 'tempo' ? 'Tempo derives from the traces it stores' : 'the collector derives from every span, before tail sampling';
  const description = `Who calls whom, how often, how often it fails and how long it takes, from the service-graph metrics ${from}.`;
  let d = baseDashboard(spec, DASHBOARD_UIDS.serviceGraph, 'Service graph', description).withPanel(
    new nodegraph.PanelBuilder()
      .title('Service map')
      .description('Nodes are services, edges are calls between them (Tempo service map from the service-graph metrics). Click a node for its traces and metrics.')
      .datasource(TEMPO)
      .withTarget(new tempo.DataqueryBuilder().datasource(TEMPO).refId('A').queryType(tempo.TempoQueryType.ServiceMap))
      .span(24)
      .height(14),
  );
  const byEdge = (metric: string) => `sum by (client, server) (rate(${metric}[${RATE}]))`;
  d = withRow(d, new dashboard.RowBuilder('Edges (client → server)'), [
    timeseriesPanel('Request rate per edge', [promTarget('A', byEdge(REQUESTS), { legend: EDGE })], { unit: 'reqps', width: 8, min: 0 }),
    timeseriesPanel('Failure rate per edge', [promTarget('A', byEdge(FAILED), { legend: EDGE })], {
      unit: 'reqps',
      width: 8,
      min: 0,
      description: 'Failed requests per second: the server or client span has status ERROR.',
    }),
    timeseriesPanel('Failure ratio per edge', [promTarget('A', `${byEdge(FAILED)} / ${byEdge(REQUESTS)}`, { legend: EDGE })], {
      unit: 'percentunit',
      width: 8,
      min: 0,
      max: 1,
    }),
    latencyPanel({
      title: 'Server-side latency per edge',
      bucket: SERVER_BUCKET,
      by: ['client', 'server'],
      quantiles: [0.5, 0.95],
      legend: EDGE,
      width: 24,
      description: 'Time the server spent on calls from each client. Exemplars link to the traces.',
    }),
  ]);
  return finish(d.build());
}

function jaegerServiceGraph(spec: ResolvedSpec): dashboard.Dashboard {
  const d = baseDashboard(
    spec,
    DASHBOARD_UIDS.serviceGraph,
    'Service graph',
    "Who calls whom, from Jaeger's dependency graph over the stored traces. The light stack computes no span metrics, so there are no rates or failure ratios here.",
  ).withPanel(
    new nodegraph.PanelBuilder()
      .title('Service dependencies')
      .description('Edges carry the number of calls Jaeger found in the stored traces of the time range.')
      .datasource(JAEGER)
      .withTarget(new JaegerQueryBuilder({ refId: 'A', datasource: JAEGER, queryType: 'dependencyGraph' }))
      .span(24)
      .height(18),
  );
  return finish(d.build());
}
