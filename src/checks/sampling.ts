import { component, StackPlan } from '../components/plan';
import { COLLECTOR_NAMES, componentType, OTLP_GRPC_EXPORTER_TYPES } from '../render/otel-collector';
import { spanMetricsSource } from '../render/span-metrics';
import { issue, Issue } from '../spec/issues';
import { arr, obj, renderedYaml } from './config-tree';

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
  const cfg = renderedYaml(plan, 'otel-collector.yaml') ?? {};
  const exporting = Object.entries(obj(obj(cfg.service).pipelines)).filter(
    ([name, p]) => name.startsWith('traces') && arr(obj(p).exporters).some((e) => OTLP_GRPC_EXPORTER_TYPES.includes(componentType(e))),
  );
  if (exporting.length === 0) issues.push(issue('otel-collector.yaml: service.pipelines', 'no traces pipeline exports to the trace store'));
  for (const [name, p] of exporting) {
    if (!arr(obj(p).processors).includes(COLLECTOR_NAMES.tailSampling)) {
      issues.push(issue(`otel-collector.yaml: service.pipelines.${name}.processors`, `must include ${COLLECTOR_NAMES.tailSampling}: tracing.tailSampling is on, and this pipeline exports every trace`, obj(p).processors));
    }
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
