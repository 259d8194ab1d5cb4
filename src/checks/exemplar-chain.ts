import { component, StackPlan } from '../components/plan';
import { EXEMPLAR_STORAGE_FLAG, REMOTE_WRITE_RECEIVER_FLAG } from '../render/prometheus';
import { PORTS } from '../spec/defaults';
import { issue, Issue } from '../spec/issues';
import { arr, obj, renderedYaml } from './config-tree';

/** Tempo's fallback when `trace_id_label_name` is empty (modules/generator/registry, Tempo 3.0). */
export const TEMPO_DEFAULT_TRACE_ID_LABEL = 'traceID';


/**
 * The exemplar chain, hop by hop, on the files as they are deployed:
 * Tempo's metrics-generator makes span-metrics histograms with exemplars under label L and
 * remote-writes them with `send_exemplars` to a Prometheus that stores exemplars and accepts
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

  // hop 1: Tempo writes exemplars, and under which label
  const required: { label: string; from: string }[] = [];
  const tempo = renderedYaml(plan, 'tempo.yaml');
  if (tempo !== undefined) {
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
  if (plan.spec.services.some((s) => s.metrics)) required.push({ label: 'trace_id', from: "the services' OpenTelemetry Prometheus exporters" });

  // hop 2: Prometheus stores exemplars and accepts remote write
  if (!prom) {
    issues.push(issue('prometheus', 'the stack has no Prometheus to store exemplars'));
  } else {
    if (!prom.args.includes(EXEMPLAR_STORAGE_FLAG)) issues.push(issue('prometheus flags', `must include ${EXEMPLAR_STORAGE_FLAG}, or Prometheus discards every exemplar`, prom.args));
    if (tempo !== undefined && !prom.args.includes(REMOTE_WRITE_RECEIVER_FLAG)) issues.push(issue('prometheus flags', `must include ${REMOTE_WRITE_RECEIVER_FLAG}, or Tempo's remote write is refused`, prom.args));
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
