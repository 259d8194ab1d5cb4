import type { StackPlan } from '../components/plan';
import { leLabel } from '../render/slo-rules';
import { COLLECTOR_NAMES } from '../render/otel-collector';
import { durationMs } from '../review/duration-ms';
import { issue, Issue } from '../spec/issues';
import { arr, obj, renderedYaml, tracesCollectorFile } from './config-tree';
import { emittedMetrics, promqlMetricNames } from './dashboard-metrics';

/**
 * The rules Prometheus loads can fire: every metric a recording rule or alert reads is one this
 * stack's components emit (or another rule records), as for the dashboards; and every latency
 * SLO threshold is a bucket boundary of the span metrics as deployed, so "at or under the
 * threshold" is one bucket's count and not an interpolation.
 */
export function checkAlertRules(plan: StackPlan): Issue[] {
  const issues: Issue[] = [];
  const files = plan.files.filter((f) => f.output.startsWith('prometheus/rules/'));
  const rules = files.flatMap((f) => arr(renderedYaml(plan, f.output)?.groups).flatMap((g) => arr(obj(g).rules).map((r) => ({ file: f.output, group: String(obj(g).name), rule: obj(r) }))));
  const recorded = new Set(rules.map((r) => r.rule.record).filter((x): x is string => typeof x === 'string'));
  const emitted = emittedMetrics(plan);
  for (const { file, group, rule } of rules) {
    const name = String(rule.alert ?? rule.record);
    const { names, problems } = promqlMetricNames(String(rule.expr));
    for (const p of problems) issues.push(issue(`${file}: ${group}/${name}`, `cannot be checked against the metrics this stack emits: ${p}`, rule.expr));
    for (const n of names.filter((x) => !emitted.has(x) && !recorded.has(x))) {
      issues.push(issue(`${file}: ${group}/${name}`, `reads metric '${n}', which no component of this stack emits: it can never fire`, rule.expr));
    }
  }
  const buckets = deployedBuckets(plan);
  if (buckets !== undefined) {
    for (const s of plan.spec.services) {
      for (const [i, slo] of s.slos.entries()) {
        if (slo.thresholdMs === undefined) continue;
        const le = leLabel(slo.thresholdMs / 1000);
        if (!buckets.includes(le)) {
          issues.push(issue(`services.${s.name}.slos[${i}].threshold`, `must be a bucket boundary of the span metrics as deployed (${buckets.join(', ')} s): the SLI counts the requests in the bucket le="${le}"`, `${slo.thresholdMs}ms`));
        }
      }
    }
  }
  return issues;
}

/** The latency buckets of whichever component computes span metrics, as label values. */
function deployedBuckets(plan: StackPlan): string[] | undefined {
  const collector = obj(obj(renderedYaml(plan, tracesCollectorFile(plan))?.connectors)[COLLECTOR_NAMES.spanMetrics]);
  const fromCollector = arr(obj(obj(collector.histogram).explicit).buckets);
  // the connector's buckets are Go durations (`0.3s`); the same reader the review uses for them
  if (fromCollector.length > 0) return fromCollector.map((b) => leLabel((durationMs(String(b)) ?? NaN) / 1000));
  const tempo = arr(obj(obj(obj(renderedYaml(plan, 'tempo.yaml')?.metrics_generator).processor).span_metrics).histogram_buckets);
  return tempo.length > 0 ? tempo.map((b) => leLabel(Number(b))) : undefined;
}
