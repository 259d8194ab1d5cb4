/**
 * The collector's end of the exemplar chain on a real Prometheus (Debian's /usr/bin/prometheus,
 * on 127.0.0.1), started with the prometheus.yml and flags of a stack that tail-samples through
 * the collector. The test speaks what the collector's prometheus_remote_write exporter sends
 * (remote write 1.0; /tmp/facts/otel-collector.md §5, §7):
 *   - series `traces_spanmetrics_duration_seconds_bucket` (namespace traces.spanmetrics, unit s),
 *     labels service_name, span_name, span_kind, status_code, le, collector_instance_id;
 *   - exemplars on the `_bucket` series with labels `trace_id` and `span_id` (contrib
 *     pkg/translator/prometheusremotewrite helper.go: traceIDKey "trace_id", spanIDKey "span_id").
 * It reads them back through /api/v1/query_exemplars, the API Grafana uses, and checks the label
 * they come back under is the one the stack's rendered Grafana datasource links to a trace
 * datasource that exists.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { StackPlan } from '../../src/components/plan';
import { SPAN_METRICS } from '../../src/render/span-metrics';
import { exampleSpec, renderedFile } from '../support/plans';
import { REMOTE_WRITE_HEADERS, remoteWriteBody, RwTimeSeries } from '../support/remote-write';
import { tailPlan } from '../support/tail-sampling';
import { DELIVERY_DEADLINE_MS, Exemplar, ExemplarSeries, pollUntil, queryExemplars as queryExemplarsAt, RunningPrometheus, startPrometheus, TEST_TIMEOUT_MS } from '../support/prometheus-harness';

/** What the collector's remote-write exporter writes (see the header). */
const COLLECTOR_BUCKET = 'traces_spanmetrics_duration_seconds_bucket';
const COLLECTOR_TRACE_ID_LABEL = 'trace_id';
const COLLECTOR_SPAN_ID_LABEL = 'span_id';


type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


/** The Prometheus datasource's exemplar links and the uids of the trace datasources, from the rendered file. */
function grafanaLinks(plan: StackPlan): { links: Map<string, string>; traceUids: string[] } {
  const doc = parse(renderedFile(plan, 'grafana/datasources.yaml')) as Tree;
  const datasources = doc.datasources as Tree[];
  const prometheus = datasources.find((d) => d.type === 'prometheus')!;
  const links = new Map((prometheus.jsonData.exemplarTraceIdDestinations as Tree[]).map((d) => [String(d.name), String(d.datasourceUid)] as const));
  return { links, traceUids: datasources.filter((d) => d.type === 'tempo' || d.type === 'jaeger').map((d) => String(d.uid)) };
}

const SERVICE = 'checkout';

describe('collector exemplars on a real Prometheus started with a tail-sampling stack config', () => {
  // the local stack with tail sampling on: Tempo behind the collector, span metrics from the collector
  const plan = tailPlan('local+tail', exampleSpec());
  let dir = '';
  let running: RunningPrometheus | undefined;
  let base = '';

  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const otherLabelTraceId = randomBytes(16).toString('hex');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'o11y-collector-e2e-'));
    running = await startPrometheus(plan, dir);
    base = running.base;
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    if (running) await running.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const queryExemplars = (query: string) => queryExemplarsAt(base, query);

  function exemplarCarrying(id: string, query: string): Promise<{ series: ExemplarSeries; exemplar: Exemplar }> {
    return pollUntil(`an exemplar with trace id ${id} in ${query}`, DELIVERY_DEADLINE_MS, async () => {
      const data = await queryExemplars(query);
      for (const series of data) {
        const exemplar = series.exemplars.find((e) => Object.values(e.labels).includes(id));
        if (exemplar) return { value: { series, exemplar }, seen: 'found' };
      }
      return { seen: JSON.stringify(data) };
    });
  }

  async function remoteWrite(series: RwTimeSeries[]): Promise<{ status: number; body: string }> {
    // a plain Uint8Array: fetch's BodyInit type does not take a Buffer
    const res = await fetch(`${base}/api/v1/write`, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body: new Uint8Array(remoteWriteBody(series)) });
    return { status: res.status, body: await res.text() };
  }

  /** A latency bucket series as the collector writes it, with one exemplar under `exemplarLabels`. */
  function bucket(exemplarLabels: Record<string, string>, now: number): RwTimeSeries {
    return {
      labels: {
        __name__: COLLECTOR_BUCKET,
        service_name: SERVICE,
        span_name: 'POST /checkout',
        span_kind: 'SPAN_KIND_SERVER',
        status_code: 'STATUS_CODE_ERROR',
        collector_instance_id: randomUUID(),
        le: '2.048',
      },
      samples: [{ value: 1, timestampMs: now }],
      exemplars: [{ labels: exemplarLabels, value: 1.7, timestampMs: now }],
    };
  }

  it('is the stack whose span metrics come from the collector, and whose dashboards query the bucket series written here', () => {
    expect(plan.components.map((c) => c.name)).toContain('otel-collector');
    expect(SPAN_METRICS['otel-collector'].latencyBucket).toBe(COLLECTOR_BUCKET);
    expect(SPAN_METRICS['otel-collector'].exemplarLabel).toBe(COLLECTOR_TRACE_ID_LABEL);
    const exporter = (parse(renderedFile(plan, 'otel-collector.yaml')) as Tree).exporters.prometheus_remote_write;
    expect(exporter.http.endpoint).toBe(`http://${plan.topology.hostOf('prometheus')}:9090/api/v1/write`);
  });

  it("stores an exemplar remote-written like the collector's prometheus_remote_write, under trace_id", async () => {
    const now = Date.now();
    expect(await remoteWrite([bucket({ [COLLECTOR_TRACE_ID_LABEL]: traceId, [COLLECTOR_SPAN_ID_LABEL]: spanId }, now)])).toEqual({ status: 204, body: '' });
    const { series, exemplar } = await exemplarCarrying(traceId, `${COLLECTOR_BUCKET}{service_name="${SERVICE}"}`);
    expect(series.seriesLabels).toMatchObject({ __name__: COLLECTOR_BUCKET, service_name: SERVICE, status_code: 'STATUS_CODE_ERROR', le: '2.048' });
    expect(exemplar.labels).toEqual({ [COLLECTOR_TRACE_ID_LABEL]: traceId, [COLLECTOR_SPAN_ID_LABEL]: spanId });
    expect(Number(exemplar.value)).toBe(1.7);
  }, TEST_TIMEOUT_MS);

  it("links trace_id, the label the exemplar came back under, to the stack's trace datasource in Grafana", () => {
    const { links, traceUids } = grafanaLinks(plan);
    expect(traceUids).toEqual(['o11y-tempo']);
    expect(links.get(COLLECTOR_TRACE_ID_LABEL)).toBe('o11y-tempo');
  });

  it("would not link an exemplar under Tempo's label in this stack (negative control: the link check can fail)", async () => {
    // Tempo's generator is off behind the collector, so the stack links no `traceID`: an exemplar
    // under it is stored by Prometheus but opens no trace in Grafana
    expect(await remoteWrite([bucket({ traceID: otherLabelTraceId }, Date.now())])).toEqual({ status: 204, body: '' });
    const { exemplar } = await exemplarCarrying(otherLabelTraceId, `${COLLECTOR_BUCKET}{service_name="${SERVICE}"}`);
    expect(Object.keys(exemplar.labels)).toEqual(['traceID']);
    expect(grafanaLinks(plan).links.has('traceID')).toBe(false);
  }, TEST_TIMEOUT_MS);
});
