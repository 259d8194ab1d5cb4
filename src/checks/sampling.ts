import { component, StackPlan } from '../components/plan';
import { COLLECTOR_NAMES, componentType, OTLP_GRPC_EXPORTER_TYPES } from '../render/otel-collector';
import { spanMetricsSource } from '../render/span-metrics';
import { issue, Issue } from '../spec/issues';
import { arr, obj, renderedYaml, tracesCollectorFile } from './config-tree';

/** Stable id of the warning a team may accept: head sampling below 1 skews span metrics. */
export const SAMPLING_SKEWS_SPAN_METRICS = 'o11y:sampling-skews-span-metrics';

/**
 * Tail sampling needs a collector that really samples: with `tracing.tailSampling` on, the stack
 * must run the collector, and its config must tail-sample the traces it exports.
 */
export function checkTailSampling(plan: StackPlan): Issue[] {
  const tail = plan.spec.tracing.tailSampling;
  if (!tail) return [];
  const issues: Issue[] = [];
  if (!component(plan, 'otel-collector')) {
    issues.push(issue('tracing.tailSampling', `is on for '${plan.spec.environment}', but the stack runs no OpenTelemetry Collector to sample in: every span would be kept`));
    return issues;
  }
  const f = tracesCollectorFile(plan);
  const cfg = renderedYaml(plan, f) ?? {};
  const exporting = Object.entries(obj(obj(cfg.service).pipelines)).filter(
    ([name, p]) => name.startsWith('traces') && arr(obj(p).exporters).some((e) => OTLP_GRPC_EXPORTER_TYPES.includes(componentType(e))),
  );
  if (exporting.length === 0) issues.push(issue(`${f}: service.pipelines`, 'no traces pipeline exports to the trace store'));
  for (const [name, p] of exporting) {
    if (!arr(obj(p).processors).includes(COLLECTOR_NAMES.tailSampling)) {
      issues.push(issue(`${f}: service.pipelines.${name}.processors`, `must include ${COLLECTOR_NAMES.tailSampling}: tracing.tailSampling is on, and this pipeline exports every trace`, obj(p).processors));
    }
  }
  if (f === 'otel-sampler.yaml') issues.push(...gatewayRouting(plan));
  return issues;
}

/**
 * In front of several samplers: every traces pipeline of the gateway ends in the load_balancing
 * exporter, routing by trace id (by service, the spans of one trace would be decided by several
 * samplers, each on part of the trace) to the samplers' own name and OTLP port.
 */
function gatewayRouting(plan: StackPlan): Issue[] {
  const f = 'otel-collector.yaml';
  const cfg = renderedYaml(plan, f) ?? {};
  const issues: Issue[] = [];
  const sampler = component(plan, 'otel-sampler')!;
  const port = sampler.ports.find((p) => p.purpose === 'otlp-grpc')!.port;
  for (const [name, p] of Object.entries(obj(obj(cfg.service).pipelines)).filter(([n]) => n.split('/')[0] === 'traces')) {
    const exporters = arr(obj(p).exporters).map(String);
    if (exporters.length !== 1 || componentType(exporters[0]) !== COLLECTOR_NAMES.loadBalancer) {
      issues.push(issue(`${f}: service.pipelines.${name}.exporters`, `must be the ${COLLECTOR_NAMES.loadBalancer} exporter alone: the samplers behind this collector decide on whole traces`, exporters));
    }
  }
  for (const [id, e] of Object.entries(obj(cfg.exporters)).filter(([id]) => componentType(id) === COLLECTOR_NAMES.loadBalancer)) {
    const lb = obj(e);
    if (lb.routing_key !== 'traceID') issues.push(issue(`${f}: exporters.${id}.routing_key`, "must be traceID: every span of a trace must reach the same sampler, or each decides on part of it", lb.routing_key));
    const dns = obj(obj(lb.resolver).dns);
    const want = `${plan.topology.hostOf('otel-sampler')}:${port}`;
    if (`${String(dns.hostname)}:${String(dns.port)}` !== want) issues.push(issue(`${f}: exporters.${id}.resolver.dns`, `must resolve the samplers (${want})`, `${String(dns.hostname)}:${String(dns.port)}`));
  }
  return issues;
}

/**
 * Warnings (cdktf annotations, stable id {@link SAMPLING_SKEWS_SPAN_METRICS}): a service whose
 * head sampler drops traces before any span metrics are computed makes its RED metrics
 * undercount by 1/ratio, whichever component computes them.
 */
export function samplingWarnings(plan: StackPlan): Issue[] {
  const source = spanMetricsSource(plan.spec, plan.topology.traceBackend);
  const by = source === 'tempo' ? "Tempo's metrics-generator, which sees only the traces the SDK kept," : 'the collector, which sees only the spans the SDK kept,';
  const fix =
    source === 'tempo'
      ? 'turn on tracing.tailSampling to sample after span metrics are computed, or accept the skew'
      : plan.spec.tracing.tailSampling
        ? 'set the ratio to 1 and let tail sampling choose, or accept the skew'
        : 'set the ratio to 1 (and turn on tracing.tailSampling to keep fewer traces), or accept the skew';
  return plan.spec.services
    .filter((s) => s.samplingRatio < 1)
    .map((s) =>
      issue(
        `services.${s.name}`,
        `head sampling ratio ${s.samplingRatio} in '${plan.spec.environment}': span metrics from ${by} count ${s.samplingRatio === 0 ? 'none' : `about 1/${round(1 / s.samplingRatio)}`} of its requests; ${fix}`,
        s.samplingRatio,
      ),
    );
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
