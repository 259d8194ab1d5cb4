import { posix } from 'node:path';
import { prometheusFlags, renderPrometheusConfig, ScrapeTarget } from '../render/prometheus';
import { GENERATED_HEADER, toYaml } from '../render/serialize';
import { IMAGES, PORTS, STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import type { ResolvedSpec } from '../spec/resolved';
import type { Component, ComponentName, ConfigFile } from './component';
import { renderSloRules, SLO_RULES_FILE } from '../render/slo-rules';
import { renderStackAlerts, STACK_ALERTS_FILE } from '../render/stack-alerts';
import { SPAN_METRICS, spanMetricsSource } from '../render/span-metrics';
import { DASHBOARD_UIDS } from '../../dashboards/common';
import type { Topology } from './topology';
import { tempoInstanceNames } from './tempo-distributed';

export const PROMETHEUS_CONFIG_PATH = '/etc/prometheus/prometheus.yml';
export const PROMETHEUS_DATA_DIR = '/prometheus';

/** What Prometheus scrapes: itself, the stack's components, and every service that exposes metrics. */
export function scrapeTargets(spec: ResolvedSpec, topology: Topology, components: readonly ComponentName[] = []): ScrapeTarget[] {
  const stack: ScrapeTarget[] = [
    { job: 'prometheus', address: `localhost:${PORTS.prometheus}` },
    topology.traceBackend === 'tempo' ? tempoTarget(spec, topology) : { job: 'jaeger', address: `${topology.hostOf('jaeger')}:${PORTS.jaegerMetrics}` },
    { job: 'grafana', address: `${topology.hostOf('grafana')}:${PORTS.grafana}` },
    { job: 'otel-collector', address: `${topology.hostOf('otel-collector')}:${PORTS.collectorMetrics}` },
    { job: 'loki', address: `${topology.hostOf('loki')}:${PORTS.loki}` },
    { job: 'alertmanager', address: `${topology.hostOf('alertmanager')}:${PORTS.alertmanager}` },
    ...(components.includes('otel-sampler') ? [samplerTarget(spec, topology)] : []),
  ];
  const services = spec.services
    .filter((s) => s.metrics)
    .map((s) => ({
      job: s.name,
      address: `${topology.serviceHost(s.name)}:${s.metrics!.port}`,
      path: s.metrics!.path,
      // the same name the span metrics carry as `service`, so both kinds of series join
      labels: { service: s.name },
      // on AWS a service registers its tasks in Cloud Map (one A record per task): scrape each
      discovery: topology.target === 'aws' ? ('dns' as const) : ('static' as const),
    }));
  return [...stack, ...services];
}

/**
 * Tempo, one job for all of it (its alerts and dashboards select `job="tempo"`): the monolith, or
 * every role of distributed Tempo, each task behind its Cloud Map name (each ordinal its own name).
 */
function tempoTarget(spec: ResolvedSpec, topology: Topology): ScrapeTarget {
  const d = spec.tracing.tempo.distributed;
  if (!d) return { job: 'tempo', address: `${topology.hostOf('tempo')}:${PORTS.tempoHttp}` };
  const [first, ...more] = tempoInstanceNames(spec, topology).map((n) => `${topology.instanceHost(n)}:${PORTS.tempoHttp}`);
  return { job: 'tempo', address: first, moreAddresses: more, discovery: topology.target === 'aws' ? 'dns' : 'static' };
}

/** Every sampler, each its own `instance`: by name on Docker, every task behind the Cloud Map name on AWS. */
function samplerTarget(spec: ResolvedSpec, topology: Topology): ScrapeTarget {
  const [first, ...more] = topology.replicaHosts('otel-sampler', spec.tracing.tailSampling?.samplers ?? 1).map((h) => `${h}:${PORTS.collectorMetrics}`);
  return { job: 'otel-sampler', address: first, moreAddresses: more, discovery: topology.target === 'aws' ? 'dns' : 'static' };
}

/** The rule files Prometheus loads (`rule_files` globs this folder). */
export const PROMETHEUS_RULES_DIR = '/etc/prometheus/rules';

/** Where a firing SLO alert points people: the Traces dashboard filtered to the service (given as a URL query value). */
export function sloTraceSearchPath(serviceQueryValue: string): string {
  return `/d/${DASHBOARD_UIDS.traces}?var-service=${serviceQueryValue}`;
}

/** SLO recording rules and burn-rate alerts (when a service has SLOs), and the stack's own alerts. */
export function ruleFiles(spec: ResolvedSpec, topology: Topology, stack: readonly ComponentName[]): ConfigFile[] {
  const spanMetrics = SPAN_METRICS[spanMetricsSource(spec, topology.traceBackend)];
  const files: ConfigFile[] = [];
  if (spec.services.some((s) => s.slos.length > 0)) {
    const slos = renderSloRules(spec, { spanMetrics, traceSearchPath: sloTraceSearchPath });
    files.push({ output: SLO_RULES_FILE, mountPath: `${PROMETHEUS_RULES_DIR}/slos.yml`, content: toYaml(slos, GENERATED_HEADER) });
  }
  files.push({ output: STACK_ALERTS_FILE, mountPath: `${PROMETHEUS_RULES_DIR}/stack.yml`, content: toYaml(renderStackAlerts(spec, stack, { targets: scrapeTargets(spec, topology, stack) }), GENERATED_HEADER) });
  return files;
}

/**
 * @param stack the components of the stack, for the alerts on them
 */
export function prometheusComponent(spec: ResolvedSpec, topology: Topology, stack: readonly ComponentName[]): Component {
  // relative to prometheus.yml (Prometheus resolves rule_files against the config file's folder),
  // so the live harness, which places files under a root of its own, finds them too
  const rulesGlob = `${posix.relative(posix.dirname(PROMETHEUS_CONFIG_PATH), PROMETHEUS_RULES_DIR)}/*.yml`;
  const config = renderPrometheusConfig(spec, {
    targets: scrapeTargets(spec, topology, stack),
    ruleFiles: [rulesGlob],
    ...(stack.includes('alertmanager') ? { alertmanagers: [`${topology.hostOf('alertmanager')}:${PORTS.alertmanager}`] } : {}),
  });
  return {
    name: 'prometheus',
    image: IMAGES.prometheus,
    args: prometheusFlags(spec, { config: PROMETHEUS_CONFIG_PATH, data: PROMETHEUS_DATA_DIR }),
    ports: [{ name: 'http', port: PORTS.prometheus, purpose: 'http', audience: 'humans' }],
    files: [{ output: 'prometheus.yml', mountPath: PROMETHEUS_CONFIG_PATH, content: toYaml(config, GENERATED_HEADER) }, ...ruleFiles(spec, topology, stack)],
    env: {},
    secrets: [],
    // busybox image: wget is there, curl is not
    healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORTS.prometheus}/-/healthy`], intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 10, httpPath: '/-/healthy', port: PORTS.prometheus },
    volumes: [{ name: 'prometheus-data', mountPath: PROMETHEUS_DATA_DIR }],
    user: '65534',
    dependsOn: [],
    flows: [{ to: 'grafana', what: 'metrics, exemplars' }, ...(stack.includes('alertmanager') ? [{ to: 'alertmanager' as const, what: 'firing alerts' }] : [])],
    // no shutdown timeout of its own: the longest stop there is, for a running head compaction
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.prometheus,
    resources: { cpu: 512, memoryMiB: 2048 },
  };
}
