import { renderLokiConfig } from '../render/loki';
import { GENERATED_HEADER, toYaml } from '../render/serialize';
import { IMAGES, PORTS, STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import type { ResolvedSpec } from '../spec/resolved';
import type { Component } from './component';
import type { Topology } from './topology';

export const LOKI_CONFIG_PATH = '/etc/loki/loki.yaml';
export const LOKI_DATA_DIR = '/loki';

/**
 * Grafana Loki, single binary: the stack's log store. The collector sends it the services' logs
 * over OTLP; Grafana queries it and links each line's trace id to the trace store.
 */
export function lokiComponent(spec: ResolvedSpec, topology: Topology): Component {
  const config = renderLokiConfig(spec, { storage: topology.lokiStorage, dataDir: LOKI_DATA_DIR });
  return {
    name: 'loki',
    image: IMAGES.loki,
    args: [`-config.file=${LOKI_CONFIG_PATH}`],
    // OTLP in (/otlp), queries, /ready and /metrics share the HTTP port. Its query API is for
    // humans too (logcli, `o11y verify`): a Docker stack publishes it on 127.0.0.1; on AWS only
    // the collector, Grafana and Prometheus reach it (security groups open Grafana's port only)
    ports: [{ name: 'http', port: PORTS.loki, purpose: 'http', audience: 'humans' }],
    files: [{ output: 'loki.yaml', mountPath: LOKI_CONFIG_PATH, content: toYaml(config, GENERATED_HEADER) }],
    env: {},
    secrets: [],
    // Loki probes its own /ready (`-health`, cmd/loki/health.go): the check needs no wget in the image
    healthcheck: { test: ['CMD', '/usr/bin/loki', '-health'], intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 30, httpPath: '/ready', port: PORTS.loki },
    volumes: [{ name: 'loki-data', mountPath: LOKI_DATA_DIR }],
    user: '10001',
    dependsOn: [],
    flows: [{ to: 'grafana', what: 'logs' }],
    // the chunks it holds are flushed to the store first (flush_on_shutdown)
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.loki,
    resources: { cpu: 512, memoryMiB: 2048 },
  };
}
