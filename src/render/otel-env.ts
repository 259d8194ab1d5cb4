import type { ResolvedService, ResolvedSpec } from '../spec/resolved';
import type { OtlpProtocol } from '../spec/types';

/** Where a service's SDK sends OTLP: one URL per protocol the stack listens on. */
export interface OtlpEndpoints {
  readonly grpc: string;
  readonly 'http/protobuf': string;
  /**
   * The signals the entry point takes over OTLP. The SDKs export traces, metrics and logs with
   * OTLP by default (`OTEL_*_EXPORTER` default `otlp`): a signal it does not take must be turned
   * off or served another way, or the SDK logs export errors forever.
   */
  readonly signals: readonly OtlpSignal[];
}

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/** The path the SDKs' Prometheus exporters serve (none of them reads a path from the environment). */
export const SDK_PROMETHEUS_PATH = '/metrics';
/** The SDKs' Prometheus exporters listen on `localhost` by default; Prometheus scrapes from another host. */
export const SDK_PROMETHEUS_HOST = '0.0.0.0';

/**
 * How a service's SDK exports metrics. A service that declares `metrics.port` is scraped there:
 * its SDK serves the Prometheus exporter on that port (when the path is the one the exporter
 * serves), or nothing when the service runs its own endpoint at another path (sending the same
 * instruments over OTLP too would count them twice). Every other service sends OTLP where the
 * entry point takes metrics, else nothing.
 */
export function metricsExporter(service: ResolvedService, signals: readonly OtlpSignal[]): 'otlp' | 'prometheus' | 'none' {
  if (service.metrics) return service.metrics.path === SDK_PROMETHEUS_PATH ? 'prometheus' : 'none';
  return signals.includes('metrics') ? 'otlp' : 'none';
}

/**
 * Percent-encodes every character of a resource attribute value except letters, digits and
 * `.`, `_`, `-`, `/`, `@`, `:`: the W3C Baggage value encoding the SDKs decode (so `,` `=` `%`
 * keep their meaning as separators), and a value that is inert wherever the `.env` file goes —
 * sourced by a shell (no `$(…)`, backquote, quote, glob, `~` or space survives), read by
 * Docker's and Compose's env-file parsers, or by a dotenv library. `+` is encoded too: the Java
 * SDK decodes with a form decoder that turns `+` into a space.
 */
export function encodeAttributeValue(v: string): string {
  return Array.from(new TextEncoder().encode(v))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9._\-/@:]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** The resource attributes of a service, in a fixed order (ours first, then the team's, sorted). */
export function resourceAttributes(service: ResolvedService, spec: ResolvedSpec): [string, string][] {
  const attrs: [string, string][] = [['deployment.environment.name', spec.environment]];
  if (service.namespace !== undefined) attrs.push(['service.namespace', service.namespace]);
  if (service.version !== undefined) attrs.push(['service.version', service.version]);
  return attrs.concat(Object.entries(service.attributes));
}

/**
 * The `OTEL_*` environment of one service. Keys are in a fixed order so the `.env` file and
 * the deployed parameter are byte-identical on every run.
 */
export function renderOtelEnv(service: ResolvedService, spec: ResolvedSpec, endpoints: OtlpEndpoints): Record<string, string> {
  const protocol: OtlpProtocol = service.protocol;
  return {
    OTEL_SERVICE_NAME: service.name,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoints[protocol],
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_TRACES_EXPORTER: 'otlp',
    ...metricsEnv(service, endpoints.signals),
    OTEL_LOGS_EXPORTER: endpoints.signals.includes('logs') ? 'otlp' : 'none',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(service.samplingRatio),
    OTEL_PROPAGATORS: spec.propagators.join(','),
    OTEL_RESOURCE_ATTRIBUTES: resourceAttributes(service, spec)
      .map(([k, v]) => `${k}=${encodeAttributeValue(v)}`)
      .join(','),
    // exemplars only for measurements made inside a sampled span: they then point at a trace that was kept
    OTEL_METRICS_EXEMPLAR_FILTER: 'trace_based',
  };
}

function metricsEnv(service: ResolvedService, signals: readonly OtlpSignal[]): Record<string, string> {
  const exporter = metricsExporter(service, signals);
  if (exporter !== 'prometheus') return { OTEL_METRICS_EXPORTER: exporter };
  return { OTEL_METRICS_EXPORTER: exporter, OTEL_EXPORTER_PROMETHEUS_HOST: SDK_PROMETHEUS_HOST, OTEL_EXPORTER_PROMETHEUS_PORT: String(service.metrics!.port) };
}

export type EnvFormat = 'dotenv' | 'json' | 'shell';
export const ENV_FORMATS: readonly EnvFormat[] = ['dotenv', 'json', 'shell'];

/** `KEY=value` lines (dotenv), a JSON object, or `export KEY='value'` lines for a POSIX shell. */
export function formatEnv(env: Record<string, string>, format: EnvFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(env, null, 2)}\n`;
    case 'shell':
      return Object.entries(env)
        .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'\n`)
        .join('');
    case 'dotenv':
      return Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join('');
  }
}
