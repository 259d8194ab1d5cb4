import { PORTS } from '../spec/defaults';

export interface JaegerRenderOptions {
  /**
   * Traces kept in memory; the light stack forgets everything on restart.
   * @default 100000
   */
  readonly maxTraces?: number;
}

/**
 * Jaeger v2 (an OpenTelemetry Collector distribution) configuration for the all-in-one
 * image with in-memory storage: OTLP in on 0.0.0.0 (v2 listens on localhost unless told),
 * the query UI on 16686, health on 13133, its own metrics on 8888 for Prometheus.
 */
export function renderJaegerConfig(opts: JaegerRenderOptions = {}): Record<string, unknown> {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        metrics: {
          level: 'detailed',
          readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: PORTS.jaegerMetrics } } } }],
        },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${PORTS.jaegerHealth}` } },
      jaeger_query: { storage: { traces: 'memstore' }, http: { endpoint: `0.0.0.0:${PORTS.jaegerUi}` } },
      jaeger_storage: { backends: { memstore: { memory: { max_traces: opts.maxTraces ?? 100_000 } } } },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` },
          http: { endpoint: `0.0.0.0:${PORTS.otlpHttp}` },
        },
      },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  };
}
