import { parse } from 'yaml';
import { fileContent, StackPlan } from '../components/plan';

/**
 * Checks read the rendered files back as deployed (YAML/JSON text), not the objects the
 * renderers built. These helpers walk such untyped trees without throwing on a missing or
 * mistyped branch: a wrong shape shows up as the check's own message instead.
 */
export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The value at a dotted path (`backend_worker.compaction.block_retention`), or undefined. */
export function at(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), tree);
}

/**
 * Parsed files by content, shared by every plan: the checks read the same few files many times
 * over, and an app's stacks render many files byte for byte alike (the rule files, most configs),
 * so each distinct text is parsed once per synth rather than once per stack. Bounded: a long-lived
 * process (the CLI, a test worker) keeps only the most recent texts.
 */
const parsedByContent = new Map<string, Json>();
const PARSED_CACHE_ENTRIES = 64;

/**
 * A rendered YAML file of the plan, parsed once per distinct text; undefined when the stack has
 * no such file. Shared between callers and stacks: read it, never change it.
 */
export function renderedYaml(plan: StackPlan, output: string): Json | undefined {
  const text = fileContent(plan, output);
  return text === undefined ? undefined : parsedYaml(text);
}

function parsedYaml(text: string): Json {
  let tree = parsedByContent.get(text);
  if (tree === undefined) {
    tree = obj(parse(text));
    if (parsedByContent.size >= PARSED_CACHE_ENTRIES) parsedByContent.delete(parsedByContent.keys().next().value!);
    parsedByContent.set(text, tree);
  }
  return tree;
}

/** Every `host:port` Prometheus scrapes (static targets and DNS-discovered names), with its job, from the prometheus.yml as deployed. */
export function scrapeTargets(plan: StackPlan): { job: string; target: string }[] {
  const cfg = renderedYaml(plan, 'prometheus.yml') ?? {};
  return arr(cfg.scrape_configs)
    .map(obj)
    .flatMap((sc) => [
      ...arr(sc.static_configs).flatMap((s) => arr(obj(s).targets).map((t) => ({ job: String(sc.job_name), target: String(t) }))),
      // a DNS-discovered job scrapes every A record of each name at its port
      ...arr(sc.dns_sd_configs).flatMap((d) => arr(obj(d).names).map((n) => ({ job: String(sc.job_name), target: `${String(n)}:${String(obj(d).port)}` }))),
    ]);
}

/**
 * The collector config that samples and counts spans: the samplers' where the stack scales out
 * (the collector in front only routes by trace id), else the one collector's.
 */
export function tracesCollectorFile(plan: StackPlan): 'otel-sampler.yaml' | 'otel-collector.yaml' {
  return plan.files.some((f) => f.output === 'otel-sampler.yaml') ? 'otel-sampler.yaml' : 'otel-collector.yaml';
}

/** The Alertmanagers Prometheus sends firing alerts to (`host:port`), as prometheus.yml says. */
export function alertmanagerTargets(plan: StackPlan): string[] {
  const cfg = renderedYaml(plan, 'prometheus.yml') ?? {};
  return arr(obj(cfg.alerting).alertmanagers)
    .map(obj)
    .flatMap((am) => arr(am.static_configs).flatMap((s) => arr(obj(s).targets).map(String)));
}

/**
 * Where a collector exporter sends: the nested `http.endpoint` wins over the top-level
 * `endpoint` (deprecated for prometheus_remote_write since contrib 0.158), as the collector reads it.
 */
export function exporterEndpoint(exporter: unknown): { key: 'http.endpoint' | 'endpoint'; value: unknown } {
  const e = obj(exporter);
  return obj(e.http).endpoint !== undefined ? { key: 'http.endpoint', value: obj(e.http).endpoint } : { key: 'endpoint', value: e.endpoint };
}
