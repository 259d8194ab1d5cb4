import type { Component } from '../components/component';
import type { StackPlan } from '../components/plan';
import { componentType } from '../render/otel-collector';
import { FARGATE_MAX_STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import { issue, Issue } from '../spec/issues';
import { at, obj, renderedYaml } from './config-tree';

/** One timeout a component's shutdown may spend, where it is set, and its default when it is not. */
export interface ShutdownPart {
  /** `loki.yaml: ingester.flush_op_timeout`, or a fixed wait named in words. */
  readonly path: string;
  readonly seconds: number;
  /** The value as rendered (`1m`), undefined when the default applies or the wait is fixed. */
  readonly value?: unknown;
}

/**
 * What a component's shutdown may take at most, from its rendered config: the sum of the timeouts
 * of its steps, which run one after the other. `unbounded` names a component with no timeout of
 * its own, which gets the longest stop there is. Undefined: nothing to finish worth a check.
 */
export type ShutdownBudget = { readonly parts: readonly ShutdownPart[] } | { readonly unbounded: string };

/** Go durations as the configs write them (`30s`, `1m`, `10m0s`, `1h30m`, `500ms`), in seconds. */
export function goDurationSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(v)) return undefined;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  return [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce((sum, m) => sum + Number(m[1]) * unit[m[2]], 0);
}

function part(file: string, tree: unknown, key: string, fallback: number): ShutdownPart {
  const value = at(tree, key);
  const seconds = value === undefined ? fallback : goDurationSeconds(value) ?? Number.POSITIVE_INFINITY;
  return { path: `${file}: ${key}`, seconds, ...(value === undefined ? {} : { value }) };
}

/**
 * The exporters' default request timeouts (exporterhelper's 5 s; confighttp's 30 s for
 * otlp_http); an exporter whose type is not here counts as the longest.
 */
const EXPORTER_DEFAULT_TIMEOUT: Readonly<Record<string, number>> = { otlp_grpc: 5, otlp: 5, load_balancing: 5, prometheus_remote_write: 5, otlp_http: 30, otlphttp: 30 };

/**
 * Each component's shutdown, read from its config as deployed:
 * - Loki: `server.graceful_shutdown_timeout` for in-flight requests, then the ingester flushes
 *   every stream's chunks (flush_on_shutdown), one attempt of each at most `ingester.flush_op_timeout`
 *   (the flushes run 32 at a time; a failed one is retried after `flush_op_backoff`, which no stop
 *   timeout can promise to wait for), after `shutdown_delay`;
 * - Tempo (every role reads the one tempo.yaml): `server.graceful_shutdown_timeout`,
 *   `backend_worker.finish_on_shutdown_timeout` for a running compaction job, and the live-store's
 *   fixed 30 s to write its remaining blocks (not configurable in 3.0);
 * - the collector: its persistent queues keep what is not sent, and the retry backoff ends at
 *   once, so a stop waits for the requests in flight: the longest exporter `timeout`;
 * - Prometheus: no timeout of its own (closing the TSDB waits for a running head compaction).
 */
export function shutdownBudget(plan: StackPlan, c: Component): ShutdownBudget | undefined {
  if (c.name === 'loki') {
    const cfg = renderedYaml(plan, 'loki.yaml');
    return { parts: [part('loki.yaml', cfg, 'shutdown_delay', 0), part('loki.yaml', cfg, 'ingester.flush_op_timeout', 600), part('loki.yaml', cfg, 'server.graceful_shutdown_timeout', 30)] };
  }
  if (c.name === 'tempo' || c.name.startsWith('tempo-')) {
    const cfg = renderedYaml(plan, 'tempo.yaml');
    return {
      parts: [
        part('tempo.yaml', cfg, 'server.graceful_shutdown_timeout', 30),
        part('tempo.yaml', cfg, 'backend_worker.finish_on_shutdown_timeout', 30),
        { path: "the live-store's flush of its remaining blocks (fixed)", seconds: 30 },
      ],
    };
  }
  if (c.name === 'otel-collector' || c.name === 'otel-sampler') {
    const file = c.files[0].output;
    const exporters = obj(renderedYaml(plan, file)?.exporters);
    const parts = Object.entries(exporters).map(([id, cfg]) => part(file, { exporters: { [id]: cfg } }, `exporters.${id}.timeout`, EXPORTER_DEFAULT_TIMEOUT[componentType(id)] ?? 30));
    // in parallel: the longest one
    const longest = parts.reduce<ShutdownPart | undefined>((a, p) => (!a || p.seconds > a.seconds ? p : a), undefined);
    return { parts: longest ? [longest] : [] };
  }
  if (c.name === 'prometheus') return { unbounded: 'closing the TSDB waits for a running head compaction, and Prometheus has no flag to bound it' };
  return undefined;
}

/**
 * Every component's own shutdown must end within its stop timeout, or the runtime kills it
 * mid-flush (Fargate's default 30 s would cut Loki's chunk flush, Docker's 10 s more still): the
 * promise that a deploy loses nothing rests on it. On AWS the stop timeout is at most Fargate's
 * 120 s, and a component without a bound of its own gets all of it.
 */
export function checkShutdown(plan: StackPlan): Issue[] {
  const issues: Issue[] = [];
  const aws = plan.topology.target === 'aws';
  for (const c of plan.components) {
    const stop = c.stopTimeoutSeconds;
    if (aws && stop > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
      issues.push(issue(`${c.name}: stopTimeout`, `must be at most ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s, the longest Fargate allows`, stop));
    }
    const budget = shutdownBudget(plan, c);
    if (!budget) continue;
    if ('unbounded' in budget) {
      if (stop < FARGATE_MAX_STOP_TIMEOUT_SECONDS) issues.push(issue(`${c.name}: stopTimeout`, `must be ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s, the longest Fargate allows: ${budget.unbounded}`, stop));
      continue;
    }
    const total = budget.parts.reduce((s, p) => s + p.seconds, 0);
    if (total <= stop) continue;
    // named by the longest step, the one to shorten
    const longest = budget.parts.reduce((a, p) => (p.seconds > a.seconds ? p : a));
    const others = budget.parts.filter((p) => p !== longest && p.seconds > 0).map((p) => `${p.path.replace(/^[^:]+: /, '')} ${p.seconds} s`);
    const sum = others.length > 0 ? ` (with ${others.join(', ')}: ${total} s)` : '';
    const limit = total > FARGATE_MAX_STOP_TIMEOUT_SECONDS ? `; more than Fargate's longest stop timeout (${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s)` : '';
    issues.push(issue(longest.path, `${c.name}'s shutdown may take ${longest.seconds} s here${sum}, longer than its stop timeout of ${stop} s: the runtime would kill it before it finishes${limit}`, longest.value ?? `${longest.seconds} s (default)`));
  }
  return issues;
}
