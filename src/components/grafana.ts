import { dashboardsFor, StackFacts } from '../../dashboards';
import { GRAFANA_DASHBOARDS_DIR, renderGrafanaDashboardProvider } from '../render/grafana-dashboards';
import { renderGrafanaDatasources, ExemplarDestination } from '../render/grafana-datasources';
import { GENERATED_HEADER, toJson, toYaml } from '../render/serialize';
import { SPAN_METRICS, spanMetricsSource } from '../render/span-metrics';
import { IMAGES, OTEL_SDK_EXEMPLAR_LABEL, PORTS, STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import type { ResolvedSpec } from '../spec/resolved';
import type { Component, ConfigFile } from './component';
import type { Topology } from './topology';
import { tempoQueryComponent } from './tempo-distributed';

export const GRAFANA_DATASOURCES_PATH = '/etc/grafana/provisioning/datasources/datasources.yaml';
export const GRAFANA_DASHBOARD_PROVIDER_PATH = '/etc/grafana/provisioning/dashboards/dashboards.yaml';
export const GRAFANA_ADMIN_PASSWORD_ENV = 'GF_SECURITY_ADMIN_PASSWORD';

/** What the dashboards may assume about this stack. */
export function stackFacts(spec: ResolvedSpec, topology: Topology): StackFacts {
  const source = spanMetricsSource(spec, topology.traceBackend);
  // both sources compute the service graph beside the span metrics (Tempo: TEMPO_PROCESSORS)
  return { traceBackend: topology.traceBackend, spanMetrics: SPAN_METRICS[source], serviceGraph: true, logs: true };
}

/** The dashboards provider file and one JSON file per dashboard, named by its stable uid. */
export function dashboardFiles(spec: ResolvedSpec, topology: Topology): ConfigFile[] {
  const dashboards = dashboardsFor(spec, stackFacts(spec, topology)).map((d) => ({
    output: `grafana/dashboards/${d.uid}.json`,
    mountPath: `${GRAFANA_DASHBOARDS_DIR}/${d.uid}.json`,
    content: toJson(d),
  }));
  return [
    { output: 'grafana/dashboards.yaml', mountPath: GRAFANA_DASHBOARD_PROVIDER_PATH, content: toYaml(renderGrafanaDashboardProvider(), GENERATED_HEADER) },
    ...dashboards,
  ];
}

/** The exemplar labels Prometheus will hold in this stack, each linked to the trace store. */
export function exemplarSources(spec: ResolvedSpec, topology: Topology): ExemplarDestination[] {
  const label = SPAN_METRICS[spanMetricsSource(spec, topology.traceBackend)].exemplarLabel;
  // the services' metrics (their Prometheus exporters, or OTLP through the collector) name the
  // trace id `trace_id`, as the collector's span metrics do: one link then serves both
  if (label === OTEL_SDK_EXEMPLAR_LABEL) return [{ label, source: 'span and service metrics' }];
  return [
    { label, source: 'span metrics' },
    { label: OTEL_SDK_EXEMPLAR_LABEL, source: 'service metrics' },
  ];
}

export function grafanaComponent(spec: ResolvedSpec, topology: Topology): Component {
  const traceStore =
    topology.traceBackend === 'tempo'
      ? ({ kind: 'tempo', url: `http://${topology.hostOf(tempoQueryComponent(spec))}:${PORTS.tempoHttp}` } as const)
      : ({ kind: 'jaeger', url: `http://${topology.hostOf('jaeger')}:${PORTS.jaegerUi}` } as const);
  const facts = stackFacts(spec, topology);
  const datasources = renderGrafanaDatasources({
    prometheusUrl: `http://${topology.hostOf('prometheus')}:${PORTS.prometheus}`,
    prometheusVersion: IMAGES.prometheus.tag.replace(/^v/, ''),
    traceStore,
    exemplarLabels: exemplarSources(spec, topology),
    ...(facts.spanMetrics ? { spanMetrics: facts.spanMetrics } : {}),
    lokiUrl: `http://${topology.hostOf('loki')}:${PORTS.loki}`,
    alertmanagerUrl: `http://${topology.hostOf('alertmanager')}:${PORTS.alertmanager}`,
  });
  return {
    name: 'grafana',
    image: IMAGES.grafana,
    args: [],
    ports: [{ name: 'http', port: PORTS.grafana, purpose: 'http', audience: 'humans' }],
    files: [
      { output: 'grafana/datasources.yaml', mountPath: GRAFANA_DATASOURCES_PATH, content: toYaml(datasources, GENERATED_HEADER) },
      ...dashboardFiles(spec, topology),
    ],
    env: {
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_AUTH_DISABLE_LOGIN_FORM: 'false',
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_SECURITY_COOKIE_SAMESITE: 'strict',
      GF_SECURITY_DISABLE_GRAVATAR: 'true',
      GF_USERS_ALLOW_SIGN_UP: 'false',
    },
    secrets: [{ name: 'grafana-admin-password', description: 'Grafana admin password', env: GRAFANA_ADMIN_PASSWORD_ENV, source: 'generated' }],
    // Alpine-based image with curl
    healthcheck: { test: ['CMD', 'curl', '-fsS', '-o', '/dev/null', `http://127.0.0.1:${PORTS.grafana}/api/health`], intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 20, httpPath: '/api/health', port: PORTS.grafana },
    volumes: [{ name: 'grafana-data', mountPath: '/var/lib/grafana' }],
    user: '472',
    dependsOn: [topology.traceBackend, 'prometheus'],
    flows: [],
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.other,
    resources: { cpu: 256, memoryMiB: 512 },
  };
}

