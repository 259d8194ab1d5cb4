import { spanMetricsSource } from '../render/span-metrics';
import { renderTempoConfig, TEMPO_PROCESSORS } from '../render/tempo';
import { GENERATED_HEADER, toYaml } from '../render/serialize';
import { PROMETHEUS_REMOTE_WRITE_PATH } from '../render/prometheus';
import { IMAGES, PORTS, STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import type { ResolvedSpec } from '../spec/resolved';
import type { Component } from './component';
import type { Topology } from './topology';

export const TEMPO_CONFIG_PATH = '/etc/tempo/tempo.yaml';
export const TEMPO_DATA_DIR = '/var/tempo';

export function tempoComponent(spec: ResolvedSpec, topology: Topology): Component {
  // behind the collector: the services' spans reach Tempo only through it
  const otlpAudience = 'internal' as const;
  const generator = spanMetricsSource(spec, topology.traceBackend) === 'tempo';
  const config = renderTempoConfig(spec, {
    storage: topology.tempoStorage,
    remoteWriteUrl: `http://${topology.hostOf('prometheus')}:${PORTS.prometheus}${PROMETHEUS_REMOTE_WRITE_PATH}`,
    dataDir: TEMPO_DATA_DIR,
    generatorProcessors: generator ? TEMPO_PROCESSORS : [],
  });
  return {
    name: 'tempo',
    image: IMAGES.tempo,
    args: [`-config.file=${TEMPO_CONFIG_PATH}`],
    ports: [
      { name: 'otlp-grpc', port: PORTS.otlpGrpc, purpose: 'otlp-grpc', audience: otlpAudience },
      { name: 'otlp-http', port: PORTS.otlpHttp, purpose: 'otlp-http', audience: otlpAudience },
      // the query API (tempo-cli, `o11y verify`): published on 127.0.0.1 by a Docker stack
      { name: 'http', port: PORTS.tempoHttp, purpose: 'http', audience: 'humans' },
    ],
    files: [{ output: 'tempo.yaml', mountPath: TEMPO_CONFIG_PATH, content: toYaml(config, GENERATED_HEADER) }],
    env: {},
    secrets: [],
    // the image is distroless (no shell, no wget): Tempo probes its own /ready (`-health`, grafana/tempo#6608)
    healthcheck: { test: ['CMD', '/tempo', '-health'], intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 30, httpPath: '/ready', port: PORTS.tempoHttp },
    volumes: [{ name: 'tempo-data', mountPath: TEMPO_DATA_DIR }],
    user: '10001',
    dependsOn: generator ? ['prometheus'] : [],
    flows: [...(generator ? [{ to: 'prometheus', what: 'span metrics, service graph (remote write)' } as const] : []), { to: 'grafana', what: 'traces' }],
    // traces only: no metrics or logs pipeline behind the receiver
    otlpSignals: ['traces'],
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.tempo,
    resources: { cpu: 1024, memoryMiB: 2048 },
  };
}
