/**
 * The exemplar chain on a real Prometheus (Debian's /usr/bin/prometheus, on 127.0.0.1):
 * the local stack's prometheus.yml and flags, exemplars delivered the two ways the stack
 * delivers them, read back through the API Grafana uses, and matched against the exemplar
 * labels the rendered Grafana datasource links to traces.
 *
 *  (a) Tempo's metrics-generator: Prometheus remote-write 1.0 with exemplars (send_exemplars).
 *  (b) A service's OpenTelemetry Prometheus exporter: OpenMetrics text that Prometheus scrapes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { component, planStack, StackPlan } from '../../src/components/plan';
import { dockerTopology } from '../../src/components/topology';
import { resolveSpec } from '../../src/spec/resolve';
import type { ObservabilitySpec } from '../../src/spec/types';
import { examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from '../support/remote-write';
import { at, isMap } from '../support/tempo-manifest';
import { flagsFor242 } from '../support/prometheus-2-42';
import { DELIVERY_DEADLINE_MS, Exemplar, ExemplarSeries, pollUntil, queryExemplars as queryExemplarsAt, RunningPrometheus, startPrometheus, TEST_TIMEOUT_MS } from '../support/prometheus-harness';


/**
 * Tempo's fallback when `trace_id_label_name` is not set: grafana/tempo modules/overrides/config.go
 * (`TraceIDLabelName ... (default: "traceID")`) and modules/generator/registry/histogram.go.
 */
const TEMPO_DEFAULT_TRACE_ID_LABEL = 'traceID';
/**
 * OpenTelemetry's Prometheus exporters: "Prometheus Exemplars MUST use the `trace_id` and `span_id`
 * keys for the trace and span IDs" (open-telemetry/opentelemetry-specification
 * specification/compatibility/prometheus_and_openmetrics.md, "Exemplars").
 */
const OTEL_TRACE_ID_LABEL = 'trace_id';
const OTEL_SPAN_ID_LABEL = 'span_id';


const SCRAPED_METRIC = 'http_server_request_duration_seconds';
const SPAN_METRICS_BUCKET = 'traces_spanmetrics_latency_bucket';


// ---------------------------------------------------------------------------------------------

/** Exemplar label names of the Prometheus datasource, from the rendered provisioning file. */
function grafanaExemplarLabels(plan: StackPlan): string[] {
  const doc: unknown = parse(renderedFile(plan, 'grafana/datasources.yaml'));
  const datasources = at(doc, 'datasources');
  if (!Array.isArray(datasources)) throw new Error('grafana/datasources.yaml has no datasources list');
  const prometheus: unknown = datasources.find((d) => isMap(d) && d.type === 'prometheus');
  const destinations = at(prometheus, 'jsonData.exemplarTraceIdDestinations');
  if (!Array.isArray(destinations)) throw new Error('the Prometheus datasource has no jsonData.exemplarTraceIdDestinations');
  return destinations.map((d) => String(at(d, 'name')));
}

/** The label Tempo's metrics-generator writes trace ids under, as the rendered tempo.yaml sets it. */
function tempoTraceIdLabel(plan: StackPlan): string {
  const label = at(parse(renderedFile(plan, 'tempo.yaml')), 'overrides.defaults.metrics_generator.trace_id_label_name');
  return typeof label === 'string' ? label : TEMPO_DEFAULT_TRACE_ID_LABEL;
}

/** Names of the exemplar labels whose value is `traceId`. */
function labelsCarrying(traceId: string, e: Exemplar): string[] {
  return Object.entries(e.labels)
    .filter(([, v]) => v === traceId)
    .map(([k]) => k)
    .sort();
}

// ---------------------------------------------------------------------------------------------

const spec = exampleSpec();
/** The service whose metrics endpoint the test plays; the first one in the example that exposes metrics. */
const SERVICE = spec.services.find((s) => s.metrics)!.name;

describe('exemplars on a real Prometheus started with the local stack config', () => {
  let dir = '';
  let running: RunningPrometheus | undefined;
  let metricsServer: Server | undefined;
  let scrapes = 0;
  let base = '';
  let plan: StackPlan;
  let args: string[] = [];

  const scrapedTraceId = randomBytes(16).toString('hex');
  const scrapedSpanId = randomBytes(8).toString('hex');
  const remoteWrittenTraceId = randomBytes(16).toString('hex');
  /** Label names under which each delivery's trace id came back. */
  const cameBackUnder: { remoteWrite?: string[]; scrape?: string[] } = {};

  beforeAll(async () => {
    // a missing binary fails every test here, it never skips them
    dir = mkdtempSync(join(tmpdir(), 'o11y-prometheus-e2e-'));

    // (b)'s service: an OpenTelemetry Prometheus exporter serving OpenMetrics with one exemplar
    const exemplarSeconds = (Date.now() / 1000).toFixed(3);
    const body = [
      `# HELP ${SCRAPED_METRIC} Duration of HTTP server requests.`,
      `# TYPE ${SCRAPED_METRIC} histogram`,
      `${SCRAPED_METRIC}_bucket{http_request_method="GET",le="0.1"} 1 # {${OTEL_TRACE_ID_LABEL}="${scrapedTraceId}",${OTEL_SPAN_ID_LABEL}="${scrapedSpanId}"} 0.042 ${exemplarSeconds}`,
      `${SCRAPED_METRIC}_bucket{http_request_method="GET",le="+Inf"} 1`,
      `${SCRAPED_METRIC}_count{http_request_method="GET"} 1`,
      `${SCRAPED_METRIC}_sum{http_request_method="GET"} 0.042`,
      '# EOF',
      '',
    ].join('\n');
    metricsServer = createServer((_req, res) => {
      scrapes += 1;
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end(body);
    });
    await new Promise<void>((resolve) => metricsServer!.listen(0, '127.0.0.1', () => resolve()));
    const servicePort = (metricsServer.address() as AddressInfo).port;

    // the local stack's plan, with the service's metrics on the test server and a 1s scrape interval
    const localEnv = spec.environments?.local ?? {};
    const testSpec: ObservabilitySpec = {
      ...spec,
      services: spec.services.map((s) => (s.name === SERVICE ? { ...s, metrics: { port: servicePort, path: '/metrics' } } : s)),
      environments: { ...spec.environments, local: { ...localEnv, metrics: { ...localEnv.metrics, scrapeInterval: '1s' } } },
    };
    plan = planStack(resolveSpec(testSpec, 'local'), { ...dockerTopology('tempo'), serviceHost: () => '127.0.0.1' });

    running = await startPrometheus(plan, dir);
    base = running.base;
    args = [...running.args];
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    if (running) await running.stop();
    if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const queryExemplars = (query: string) => queryExemplarsAt(base, query);

  /** Polls until an exemplar carrying `traceId` comes back for `query`. */
  function exemplarCarrying(traceId: string, query: string, context: () => Promise<string>): Promise<{ series: ExemplarSeries; exemplar: Exemplar }> {
    return pollUntil(`an exemplar with trace id ${traceId} in ${query}`, DELIVERY_DEADLINE_MS, async () => {
      const data = await queryExemplars(query);
      for (const series of data) {
        const exemplar = series.exemplars.find((e) => Object.values(e.labels).includes(traceId));
        if (exemplar) return { value: { series, exemplar }, seen: 'found' };
      }
      return { seen: `${JSON.stringify(data)}; ${await context()}` };
    });
  }

  it('runs the local stack config and flags, changed only where the services are scraped and how often', () => {
    const local = examplePlan('local', spec);
    const ours = parse(renderedFile(plan, 'prometheus.yml')) as Record<string, unknown>;
    const theirs = parse(renderedFile(local, 'prometheus.yml')) as Record<string, unknown>;
    expect(ours.storage).toEqual(theirs.storage);
    expect(at(ours, 'global.external_labels')).toEqual(at(theirs, 'global.external_labels'));
    expect(at(ours, 'global.scrape_interval')).toBe('1s');
    expect(component(plan, 'prometheus')!.args).toEqual(component(local, 'prometheus')!.args);
    // every flag but the three paths/addresses (and the 3.x-only OTLP receiver, which Debian's 2.42
    // does not know: the live tests run it) reaches the server untouched
    const rewritten = /^--(web\.listen-address|storage\.tsdb\.path|config\.file)=/;
    expect(args.filter((a) => !rewritten.test(a))).toEqual(flagsFor242(component(local, 'prometheus')!.args).filter((a) => !rewritten.test(a)));
    expect(args.filter((a) => !rewritten.test(a)).length).toBeGreaterThan(0);
  });

  it('rejects a remote-write body that is not snappy-compressed protobuf (negative control)', async () => {
    const res = await fetch(`${base}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: 'not snappy' });
    expect(res.status).toBe(400);
  });

  it("stores an exemplar remote-written like Tempo's metrics-generator, under the label Tempo writes", async () => {
    const label = tempoTraceIdLabel(plan);
    const tempo: unknown = parse(renderedFile(plan, 'tempo.yaml'));
    const externalLabels = (at(tempo, 'metrics_generator.registry.external_labels') ?? {}) as Record<string, string>;
    const now = Date.now();
    const res = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: REMOTE_WRITE_HEADERS,
      // a plain Uint8Array: fetch's BodyInit type does not take a Buffer
      body: new Uint8Array(remoteWriteBody([
        {
          labels: {
            __name__: SPAN_METRICS_BUCKET,
            ...externalLabels,
            service: SERVICE,
            span_name: 'GET /cart',
            span_kind: 'SPAN_KIND_SERVER',
            status_code: 'STATUS_CODE_UNSET',
            le: '0.256',
          },
          samples: [{ value: 1, timestampMs: now }],
          exemplars: [{ labels: { [label]: remoteWrittenTraceId }, value: 0.2, timestampMs: now }],
        },
      ])),
    });
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 204, body: '' });

    const { series, exemplar } = await exemplarCarrying(remoteWrittenTraceId, `${SPAN_METRICS_BUCKET}{service="${SERVICE}"}`, async () => 'nothing else to report');
    expect(series.seriesLabels).toMatchObject({ __name__: SPAN_METRICS_BUCKET, service: SERVICE, ...externalLabels });
    expect(Number(exemplar.value)).toBe(0.2);
    cameBackUnder.remoteWrite = labelsCarrying(remoteWrittenTraceId, exemplar);
    expect(cameBackUnder.remoteWrite).toEqual([label]);
    expect(grafanaExemplarLabels(plan)).toContain(label);
  }, TEST_TIMEOUT_MS);

  it("scrapes an exemplar from a service's OpenMetrics endpoint through the rendered scrape config", async () => {
    const targets = async () => {
      const res = await fetch(`${base}/api/v1/targets?state=active`);
      const json = (await res.json()) as { data?: { activeTargets?: { labels: Record<string, string>; health: string; lastError: string }[] } };
      const ours = (json.data?.activeTargets ?? []).filter((t) => t.labels.job === SERVICE);
      return `test endpoint scraped ${scrapes} time(s); ${SERVICE} targets: ${JSON.stringify(ours)}`;
    };
    const { series, exemplar } = await exemplarCarrying(scrapedTraceId, `${SCRAPED_METRIC}_bucket`, targets);
    // the renderer labels a service's series with the same `service` the span metrics carry
    expect(series.seriesLabels).toMatchObject({ __name__: `${SCRAPED_METRIC}_bucket`, job: SERVICE, service: SERVICE, le: '0.1' });
    expect(exemplar.labels).toEqual({ [OTEL_TRACE_ID_LABEL]: scrapedTraceId, [OTEL_SPAN_ID_LABEL]: scrapedSpanId });
    cameBackUnder.scrape = labelsCarrying(scrapedTraceId, exemplar);
    expect(cameBackUnder.scrape).toEqual([OTEL_TRACE_ID_LABEL]);
    expect(grafanaExemplarLabels(plan)).toContain(OTEL_TRACE_ID_LABEL);
  }, TEST_TIMEOUT_MS);

  it('links exactly the exemplar labels that come back, no more and no fewer, from the rendered Grafana datasource', () => {
    if (!cameBackUnder.remoteWrite || !cameBackUnder.scrape) {
      throw new Error('both deliveries must come back first (see the two tests above)');
    }
    const cameBack = [...new Set([...cameBackUnder.remoteWrite, ...cameBackUnder.scrape])].sort();
    expect([...grafanaExemplarLabels(plan)].sort()).toEqual(cameBack);
  });
});
