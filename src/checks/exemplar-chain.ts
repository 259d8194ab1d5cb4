import { component, StackPlan } from '../components/plan';
import { COLLECTOR_NAMES, componentType, REMOTE_WRITE_EXPORTER_TYPES } from '../render/otel-collector';
import { spanMetricsSource } from '../render/span-metrics';
import { EXEMPLAR_STORAGE_FLAG, REMOTE_WRITE_RECEIVER_FLAG } from '../render/prometheus';
import { OTEL_SDK_EXEMPLAR_LABEL, PORTS } from '../spec/defaults';
import { issue, Issue } from '../spec/issues';
import { arr, exporterEndpoint, Json, obj, renderedYaml, tracesCollectorFile } from './config-tree';

/** Tempo's fallback when `trace_id_label_name` is empty (modules/generator/registry, Tempo 3.0). */
export const TEMPO_DEFAULT_TRACE_ID_LABEL = 'traceID';


/**
 * The exemplar chain, hop by hop, on the files as they are deployed:
 * the span-metrics source (Tempo's metrics-generator, or the collector's
 * connectors fed with every span) makes histograms with exemplars under label L and
 * remote-writes them (Tempo: with `send_exemplars`) to a Prometheus that stores exemplars and accepts
 * remote write; Grafana's Prometheus datasource links exemplar label L to a trace datasource
 * uid that exists; dashboards that show latency histograms ask for exemplars.
 */
export function checkExemplarChain(plan: StackPlan): Issue[] {
  const issues: Issue[] = [];
  const prom = component(plan, 'prometheus');
  const datasources = renderedYaml(plan, 'grafana/datasources.yaml') ?? {};
  const dsList = arr(datasources.datasources).map(obj);
  const promDs = dsList.find((d) => d.type === 'prometheus');
  const destinations = arr(obj(promDs?.jsonData).exemplarTraceIdDestinations).map(obj);
  const traceUids = new Set(dsList.filter((d) => d.type === 'tempo' || d.type === 'jaeger').map((d) => d.uid));

  // hop 1: the span-metrics source writes exemplars, and under which label
  const required: { label: string; from: string }[] = [];
  const tempo = renderedYaml(plan, 'tempo.yaml');
  const collectorFile = tracesCollectorFile(plan);
  const collector = renderedYaml(plan, collectorFile);
  let remoteWriters = 0;
  // the collector computes span metrics where it has the connectors (tail sampling, or a trace
  // store without a generator); otherwise it only forwards, and Tempo's generator computes them
  const collectorComputes = collector !== undefined && (Object.keys(obj(collector.connectors)).length > 0 || spanMetricsSource(plan.spec, plan.topology.traceBackend) === 'otel-collector');
  if (collectorComputes) {
    remoteWriters++;
    issues.push(...collectorHop(plan, collector!, collectorFile));
    required.push({ label: OTEL_SDK_EXEMPLAR_LABEL, from: "the collector's span_metrics connector (prometheus_remote_write)" });
    const processors = arr(obj(obj(obj(tempo?.overrides).defaults).metrics_generator).processors);
    if (processors.length > 0) {
      issues.push(issue('tempo.yaml: overrides.defaults.metrics_generator.processors', 'must be empty when the collector computes span metrics: both would write traces_spanmetrics_calls_total and traces_service_graph_* and every count would double', processors));
    }
  } else if (tempo !== undefined) {
    remoteWriters++;
    const gen = obj(obj(obj(tempo.overrides).defaults).metrics_generator);
    const processors = arr(gen.processors);
    if (!processors.includes('span-metrics')) {
      issues.push(issue('tempo.yaml: overrides.defaults.metrics_generator.processors', "must include 'span-metrics': no span metrics, no exemplars", processors));
    }
    const label = typeof gen.trace_id_label_name === 'string' && gen.trace_id_label_name !== '' ? gen.trace_id_label_name : TEMPO_DEFAULT_TRACE_ID_LABEL;
    required.push({ label, from: "Tempo's metrics-generator" });
    const remoteWrites = arr(obj(obj(tempo.metrics_generator).storage).remote_write).map(obj);
    if (remoteWrites.length === 0) issues.push(issue('tempo.yaml: metrics_generator.storage.remote_write', 'must send span metrics to Prometheus', remoteWrites));
    const promUrl = `http://${plan.topology.hostOf('prometheus')}:${PORTS.prometheus}/api/v1/write`;
    remoteWrites.forEach((rw, i) => {
      if (rw.send_exemplars !== true) issues.push(issue(`tempo.yaml: metrics_generator.storage.remote_write[${i}].send_exemplars`, 'must be true, or exemplars are dropped before they reach Prometheus', rw.send_exemplars));
      if (rw.url !== promUrl) issues.push(issue(`tempo.yaml: metrics_generator.storage.remote_write[${i}].url`, `must be this stack's Prometheus remote-write receiver (${promUrl})`, rw.url));
    });
  }
  // the services' own metrics: Prometheus exporters and Prometheus's OTLP receiver both name the trace id trace_id
  if (plan.serviceEnvs.some((e) => e.env.OTEL_METRICS_EXPORTER !== 'none')) required.push({ label: OTEL_SDK_EXEMPLAR_LABEL, from: "the services' OpenTelemetry metrics" });

  // hop 2: Prometheus stores exemplars and accepts remote write
  if (!prom) {
    issues.push(issue('prometheus', 'the stack has no Prometheus to store exemplars'));
  } else {
    if (!prom.args.includes(EXEMPLAR_STORAGE_FLAG)) issues.push(issue('prometheus flags', `must include ${EXEMPLAR_STORAGE_FLAG}, or Prometheus discards every exemplar`, prom.args));
    if (remoteWriters > 0 && !prom.args.includes(REMOTE_WRITE_RECEIVER_FLAG)) issues.push(issue('prometheus flags', `must include ${REMOTE_WRITE_RECEIVER_FLAG}, or ${collectorComputes ? "the collector's" : "Tempo's"} remote write is refused`, prom.args));
  }

  // hop 3: Grafana links each label to a trace datasource that exists
  if (!promDs) issues.push(issue('grafana/datasources.yaml', 'has no Prometheus datasource'));
  for (const r of required) {
    const d = destinations.find((x) => x.name === r.label);
    if (!d) {
      issues.push(issue('grafana/datasources.yaml: Prometheus jsonData.exemplarTraceIdDestinations', `must link exemplar label '${r.label}' (written by ${r.from}) to the trace datasource`, destinations.map((x) => x.name)));
    } else if (!traceUids.has(d.datasourceUid)) {
      issues.push(issue(`grafana/datasources.yaml: exemplarTraceIdDestinations '${r.label}'.datasourceUid`, `must be the uid of a provisioned trace datasource (${[...traceUids].join(', ') || 'none'})`, d.datasourceUid));
    }
  }

  // hop 4: dashboards' latency panels ask for exemplars
  for (const f of plan.files.filter((x) => x.output.startsWith('grafana/dashboards/') && x.output.endsWith('.json'))) {
    const dash = obj(JSON.parse(f.content));
    const panels = arr(dash.panels).flatMap((p) => [obj(p), ...arr(obj(p).panels).map(obj)]);
    for (const p of panels) {
      arr(p.targets).map(obj).forEach((t, i) => {
        if (typeof t.expr === 'string' && /_bucket\b/.test(t.expr) && t.exemplar !== true) {
          issues.push(issue(`${f.output}: panel '${String(p.title)}' targets[${i}].exemplar`, 'must be true on a latency histogram, or its exemplars (trace links) are hidden', t.exemplar));
        }
      });
    }
  }
  return issues;
}

/**
 * The collector's part of the chain: span metrics computed from every span (the pipeline that
 * feeds the connector receives OTLP and samples nothing), exemplars on, and the metrics
 * pipeline remote-writing to this stack's Prometheus.
 */
function collectorHop(plan: StackPlan, cfg: Json, f: string): Issue[] {
  const issues: Issue[] = [];
  const n = COLLECTOR_NAMES;
  const spanmetrics = obj(obj(cfg.connectors)[n.spanMetrics]);
  if (obj(spanmetrics.exemplars).enabled !== true) {
    issues.push(issue(`${f}: connectors.${n.spanMetrics}.exemplars.enabled`, 'must be true, or the span metrics carry no trace links', obj(spanmetrics.exemplars).enabled));
  }
  const pipelines = Object.entries(obj(obj(cfg.service).pipelines)).map(([name, p]) => ({ name, receivers: obj(p).receivers, processors: obj(p).processors, exporters: obj(p).exporters }));
  for (const connector of [n.spanMetrics, n.serviceGraph]) {
    const feeding = pipelines.filter((p) => p.name.startsWith('traces') && arr(p.exporters).includes(connector));
    if (feeding.length === 0) issues.push(issue(`${f}: service.pipelines`, `no traces pipeline exports to the ${connector} connector: it computes nothing`));
    for (const p of feeding) {
      if (!arr(p.receivers).includes('otlp')) {
        issues.push(issue(`${f}: service.pipelines.${p.name}.receivers`, `must be the OTLP receiver: the ${connector} connector has to see every span the services send`, p.receivers));
      }
      const sampling = arr(p.processors).filter((x) => /sampl/.test(String(x)));
      if (sampling.length > 0) {
        issues.push(issue(`${f}: service.pipelines.${p.name}.processors`, `must not sample before the ${connector} connector: metrics from sampled spans undercount`, p.processors));
      }
    }
  }
  const promUrl = `http://${plan.topology.hostOf('prometheus')}:${PORTS.prometheus}/api/v1/write`;
  const metricsOut = pipelines.filter((p) => p.name.startsWith('metrics') && arr(p.receivers).includes(n.spanMetrics));
  const writers = metricsOut.flatMap((p) => arr(p.exporters).map(String)).filter((e) => REMOTE_WRITE_EXPORTER_TYPES.includes(componentType(e)));
  if (writers.length === 0) {
    issues.push(issue(`${f}: service.pipelines`, `no metrics pipeline takes the ${n.spanMetrics} connector's output to a ${n.metricsExporter} exporter: span metrics never reach Prometheus`));
  }
  for (const w of writers) {
    const { key, value: endpoint } = exporterEndpoint(obj(cfg.exporters)[w]);
    if (endpoint !== promUrl) issues.push(issue(`${f}: exporters.${w}.${key}`, `must be this stack's Prometheus remote-write receiver (${promUrl})`, endpoint));
  }
  return issues;
}
