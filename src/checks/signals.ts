import { component, otlpEntry, StackPlan } from '../components/plan';
import type { OtlpSignal } from '../render/otel-env';
import { SDK_PROMETHEUS_PATH } from '../render/otel-env';
import { issue, Issue } from '../spec/issues';
import { arr, obj, renderedYaml, scrapeTargets } from './config-tree';

/** The SDK's exporter variable per signal; each defaults to `otlp` in the OTel spec. */
const EXPORTER_VAR: Record<OtlpSignal, string> = { traces: 'OTEL_TRACES_EXPORTER', metrics: 'OTEL_METRICS_EXPORTER', logs: 'OTEL_LOGS_EXPORTER' };

/**
 * Every signal a service's env makes its SDK send has a receiver: `otlp` (also what an unset
 * variable means) only for signals the entry point's pipelines take, or export errors follow
 * forever; `prometheus` only on a port Prometheus scrapes, at the path the SDK serves.
 */
export function checkSignals(plan: StackPlan): Issue[] {
  const issues: Issue[] = [];
  const entry = component(plan, otlpEntry(plan.components, plan.topology));
  const takes = entrySignals(plan);
  const jobs = arr(renderedYaml(plan, 'prometheus.yml')?.scrape_configs).map(obj);
  const targets = scrapeTargets(plan);
  for (const { service, env } of plan.serviceEnvs) {
    for (const signal of Object.keys(EXPORTER_VAR) as OtlpSignal[]) {
      const name = EXPORTER_VAR[signal];
      const value = env[name] ?? 'otlp';
      const path = `otel/${service}.env: ${name}`;
      if (value === 'otlp' && !takes.includes(signal)) {
        issues.push(issue(path, `sends ${signal} over OTLP, but ${entry?.name ?? 'the entry point'} takes ${takes.join(', ') || 'nothing'} there: set none, or send them where they are received`, env[name] ?? '(unset: otlp)'));
      }
      if (value === 'prometheus') {
        const port = env.OTEL_EXPORTER_PROMETHEUS_PORT;
        const job = jobs.find((j) => j.job_name === service);
        const scraped = job !== undefined && (job.metrics_path ?? '/metrics') === SDK_PROMETHEUS_PATH && targets.some((t) => t.job === service && t.target.endsWith(`:${port}`));
        if (!scraped) issues.push(issue(path, `serves metrics on port ${port ?? '(unset)'}${SDK_PROMETHEUS_PATH}, which no scrape job of prometheus.yml reads`, value));
      }
    }
  }
  return issues;
}

/**
 * The signals the entry point really takes over OTLP. For the collector, read from its rendered
 * pipelines (a `<signal>[/name]` pipeline whose receivers include `otlp` and that exports
 * somewhere), so a pipeline removed from the config is a signal no longer received; for a
 * trace store receiving directly, its descriptor's word.
 */
export function entrySignals(plan: StackPlan): OtlpSignal[] {
  const name = otlpEntry(plan.components, plan.topology);
  if (name !== 'otel-collector') return [...(component(plan, name)?.otlpSignals ?? [])];
  const pipelines = obj(obj(renderedYaml(plan, 'otel-collector.yaml')?.service).pipelines);
  const out = new Set<OtlpSignal>();
  for (const [id, p] of Object.entries(pipelines)) {
    const signal = id.split('/')[0] as OtlpSignal;
    if (signal in EXPORTER_VAR && arr(obj(p).receivers).includes('otlp') && arr(obj(p).exporters).length > 0) out.add(signal);
  }
  return (Object.keys(EXPORTER_VAR) as OtlpSignal[]).filter((s) => out.has(s));
}
