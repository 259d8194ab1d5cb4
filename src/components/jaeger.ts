import { renderJaegerConfig } from '../render/jaeger';
import { GENERATED_HEADER, toYaml } from '../render/serialize';
import { IMAGES, PORTS, STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import type { Component } from './component';

export const JAEGER_CONFIG_PATH = '/etc/jaeger/config.yaml';

/** Jaeger v2 all-in-one: the light trace store. Services reach it only through the stack's collector. */
export function jaegerComponent(): Component {
  const otlpAudience = 'internal' as const;
  return {
    name: 'jaeger',
    image: IMAGES.jaeger,
    args: ['--config', JAEGER_CONFIG_PATH],
    ports: [
      { name: 'otlp-grpc', port: PORTS.otlpGrpc, purpose: 'otlp-grpc', audience: otlpAudience },
      { name: 'otlp-http', port: PORTS.otlpHttp, purpose: 'otlp-http', audience: otlpAudience },
      { name: 'ui', port: PORTS.jaegerUi, purpose: 'http', audience: 'humans' },
      { name: 'health', port: PORTS.jaegerHealth, purpose: 'health', audience: 'internal' },
      { name: 'metrics', port: PORTS.jaegerMetrics, purpose: 'metrics', audience: 'internal' },
    ],
    files: [{ output: 'jaeger.yaml', mountPath: JAEGER_CONFIG_PATH, content: toYaml(renderJaegerConfig(), GENERATED_HEADER) }],
    env: {},
    secrets: [],
    // Alpine-based image: busybox wget; the query UI answering means storage and query are up
    healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORTS.jaegerUi}/`], intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 10, httpPath: '/', port: PORTS.jaegerUi },
    volumes: [],
    dependsOn: [],
    flows: [{ to: 'grafana', what: 'traces' }],
    // traces only: no metrics or logs pipeline behind the receiver
    otlpSignals: ['traces'],
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.other,
    resources: { cpu: 256, memoryMiB: 1024 },
  };
}
