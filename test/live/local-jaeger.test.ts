/**
 * local-jaeger end to end: Jaeger and Prometheus from the rendered files, and four services on
 * real SDKs (Node, Python, Go) configured only by their generated `.env` files. Jaeger's query
 * API must return every trace with its resource; Prometheus must scrape every SDK's Prometheus
 * exporter; no SDK may report an export error for any signal — and the same services pointed at
 * a closed port do, on every SDK and both OTLP protocols (which proves the error capture works).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileContent } from '../../src/components/plan';
import { PORTS } from '../../src/spec/defaults';
import { pollUntil } from '../support/prometheus-harness';
import { examplePlan } from '../support/plans';
import { runDashboardQueries, unexpectedlyAbsent, unexpectedlyEmpty } from './support/dashboards';
import { LiveNetwork } from './support/netns';
import { RunningService, SdkLanguage, startService } from './support/sdk-services';
import { receivedLogs } from './support/loki-stand-in';
import { defaultBinaries, lokiReceivedFile, RunningStack, startStack } from './support/stack';

const plan = examplePlan('local-jaeger');
/** Which SDK runs which example service (each protocol and both metrics setups are covered). */
const LANGUAGES: Record<string, SdkLanguage> = { checkout: 'node', cart: 'python', catalog: 'go', 'payments-gateway': 'go' };
const MIX = { traces: 12, errors: 2, slow: 2, slowMs: 1200 };

interface JaegerTrace {
  spans: { traceID: string; operationName: string; duration: number; processID: string; tags: { key: string; value: unknown }[] }[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}

let runDir: string;
let network: LiveNetwork;
let stack: RunningStack;
let services: RunningService[] = [];

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'o11y-live-local-jaeger-'));
  network = new LiveNetwork(join(runDir, 'logs'));
  stack = await startStack(plan, network, runDir, defaultBinaries());
  services = await Promise.all(
    plan.spec.services.map((s) => startService(network, stack.servicesHost, LANGUAGES[s.name], fileContent(plan, `otel/${s.name}.env`)!, MIX)),
  );
}, 300_000);

afterAll(async () => {
  await network?.destroy();
  if (process.env.O11Y_LIVE_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
});

const jaeger = () => stack.components.jaeger!.url(PORTS.jaegerUi);
const prometheus = () => stack.components.prometheus!.url(PORTS.prometheus);

async function jaegerTrace(traceId: string): Promise<JaegerTrace> {
  return pollUntil(`Jaeger returns trace ${traceId}`, 30_000, async () => {
    const res = await fetch(`${jaeger()}/api/traces/${traceId}`);
    if (!res.ok) return { seen: `HTTP ${res.status}` };
    const body = (await res.json()) as { data: JaegerTrace[] };
    return body.data?.[0]?.spans?.length >= 3 ? { value: body.data[0], seen: 'found' } : { seen: JSON.stringify(body).slice(0, 200) };
  });
}

const tag = (tags: { key: string; value: unknown }[], key: string) => tags.find((t) => t.key === key)?.value;

describe('local-jaeger with services on real SDKs', () => {
  it('Jaeger returns every trace, with the resource attributes of the .env file and the error and slow spans', async () => {
    expect(services).toHaveLength(plan.spec.services.length);
    for (const s of services) {
      const spec = plan.spec.services.find((x) => x.name === s.service)!;
      expect(s.traces).toHaveLength(MIX.traces);
      for (const sent of s.traces) {
        const t = await jaegerTrace(sent.traceId);
        const root = t.spans.find((sp) => sp.operationName === `GET /${s.service}`)!;
        const proc = t.processes[root.processID];
        expect(proc.serviceName).toBe(s.service);
        expect(tag(proc.tags, 'deployment.environment.name')).toBe('local-jaeger');
        expect(tag(proc.tags, 'service.namespace')).toBe(spec.namespace);
        if (spec.version) expect(tag(proc.tags, 'service.version')).toBe(spec.version);
        expect(tag(proc.tags, 'team')).toBe(spec.attributes.team);
        expect(tag(root.tags, 'error') === true).toBe(sent.error);
        if (sent.slow) expect(root.duration).toBeGreaterThanOrEqual(MIX.slowMs * 1000);
      }
    }
  });

  it('Prometheus scrapes the Prometheus exporter of every service with a metrics port, at host.docker.internal', async () => {
    const withMetrics = plan.spec.services.filter((s) => s.metrics).map((s) => s.name).sort();
    await pollUntil('every service target up with its SDK metrics', 90_000, async () => {
      const res = (await (await fetch(`${prometheus()}/api/v1/query?query=${encodeURIComponent('count by (job) (shop_requests_total) and on (job) up == 1')}`)).json()) as { data: { result: { metric: { job: string } }[] } };
      const jobs = res.data.result.map((r) => r.metric.job).sort();
      return jobs.join() === withMetrics.join() ? { value: jobs, seen: 'all' } : { seen: `jobs with shop_requests_total and up: ${jobs.join(', ')}` };
    });
  });

  it('runs every dashboard query against the real Prometheus: none over metrics it has comes back empty', async () => {
    const outcomes = await runDashboardQueries(plan, prometheus(), { service: plan.spec.services.map((s) => s.name).join('|'), slo: '.+' });
    const withData = outcomes.filter((o) => o.absent.length === 0);
    process.stdout.write(`dashboards: ${outcomes.length} queries, ${withData.length} over metrics present, ${withData.filter((o) => o.series > 0).length} returned data; absent: ${[...new Set(outcomes.flatMap((o) => o.absent))].join(', ')}\n`);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(unexpectedlyAbsent(outcomes)).toEqual([]);
    expect(unexpectedlyEmpty(outcomes)).toEqual([]);
    expect(outcomes.filter((o) => o.absent.length === 0).length).toBeGreaterThan(0);
  });

  it("every log record reaches Loki's OTLP endpoint through the collector, carrying the trace and span id it was written in", async () => {
    const file = lokiReceivedFile(runDir);
    const expected = services.reduce((n, s) => n + s.traces.length, 0);
    const records = await pollUntil(`the Loki stand-in received ${expected} log records`, 60_000, async () => {
      const got = receivedLogs(file);
      return got.length >= expected ? { value: got, seen: 'all' } : { seen: `${got.length} records` };
    });
    for (const s of services) {
      const mine = records.filter((r) => r.service === s.service);
      // one record per request, written inside its server span: its ids are that trace's
      expect([s.service, s.language, mine.map((r) => r.traceId).sort()]).toEqual([s.service, s.language, s.traces.map((t) => t.traceId).sort()]);
      for (const r of mine) expect([s.service, r.spanId]).toEqual([s.service, expect.stringMatching(/^[0-9a-f]{16}$/)]);
      // the error requests logged at ERROR: what the dashboard's errors panel selects (severity_number >= 17)
      const errorTraces = new Set(s.traces.filter((t) => t.error).map((t) => t.traceId));
      expect([s.service, mine.filter((r) => r.severityNumber >= 17).map((r) => r.traceId).sort()]).toEqual([s.service, [...errorTraces].sort()]);
    }
    process.stdout.write(`logs: ${records.length} records at the Loki stand-in, each with its trace id (${services.map((s) => `${s.service}/${s.language}`).join(', ')})\n`);
  });

  it('services without a metrics port send their metrics over OTLP through the collector into Prometheus, labelled by service_name, exemplars included', async () => {
    const viaOtlp = plan.serviceEnvs.filter((e) => e.env.OTEL_METRICS_EXPORTER === 'otlp').map((e) => e.service).sort();
    expect(viaOtlp).toEqual(['catalog']);
    const q = `sum by (service_name) (shop_requests_total{service_name=~"${viaOtlp.join('|')}"})`;
    await pollUntil(`${q} counts every request`, 90_000, async () => {
      const res = (await (await fetch(`${prometheus()}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: { service_name: string }; value: [number, string] }[] } };
      const got = res.data.result.map((r) => `${r.metric.service_name}=${r.value[1]}`).sort();
      const want = viaOtlp.map((s) => `${s}=${MIX.traces}`);
      return got.join() === want.join() ? { value: got, seen: 'all' } : { seen: got.join(', ') || 'none' };
    });
    // …with the exemplars the Go SDK recorded inside sampled spans (trace_based), stored as sent
    const catalog = services.find((s) => s.service === 'catalog')!;
    const now = Date.now() / 1000;
    const params = new URLSearchParams({ query: 'shop_request_duration_seconds_bucket{service_name="catalog"}', start: String(now - 600), end: String(now + 60) });
    const res = (await (await fetch(`${prometheus()}/api/v1/query_exemplars?${params}`)).json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
    const ids = [...new Set(res.data.flatMap((d) => d.exemplars.map((e) => e.labels.trace_id)))];
    process.stdout.write(`OTLP metrics: catalog's histogram carries ${ids.length} exemplar trace ids\n`);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => !catalog.traces.some((t) => t.traceId === id))).toEqual([]);
  });

  it('no SDK reports an export error for any signal, through shutdown (which flushes metrics and logs)', async () => {
    const codes = await Promise.all(services.map((s) => network.stop(s.process)));
    expect(codes).toEqual(services.map(() => 0));
    expect(Object.fromEntries(services.map((s) => [s.service, s.exportErrors()]))).toEqual(Object.fromEntries(services.map((s) => [s.service, []])));
  });

  it('the same services pointed at a closed port report export errors, on every SDK and protocol (the check above can fail)', async () => {
    // nothing listens on this port of the services' host; every signal goes over OTLP to it (no
    // Prometheus exporter, whose ports the services above hold), with a 2 s export timeout so
    // that each SDK gives up within seconds instead of retrying for its default 10 s (Python's
    // SDK 1.45 reads OTEL_EXPORTER_OTLP_TIMEOUT in seconds, the others in milliseconds as specified)
    const CLOSED = 'http://localhost:4999';
    const TIMEOUT: Record<SdkLanguage, string> = { node: '2000', go: '2000', python: '2' };
    const broken = await Promise.all(
      plan.spec.services.map((s) => {
        const env = fileContent(plan, `otel/${s.name}.env`)!
          .replace(/^OTEL_SERVICE_NAME=(.*)$/m, 'OTEL_SERVICE_NAME=$1-closed-port')
          .replace(/^OTEL_EXPORTER_OTLP_ENDPOINT=.*$/m, `OTEL_EXPORTER_OTLP_ENDPOINT=${CLOSED}`)
          .replace(/^OTEL_METRICS_EXPORTER=.*$/m, 'OTEL_METRICS_EXPORTER=otlp')
          .concat(`\nOTEL_EXPORTER_OTLP_TIMEOUT=${TIMEOUT[LANGUAGES[s.name]]}\n`);
        return startService(network, stack.servicesHost, LANGUAGES[s.name], env, { traces: 2, errors: 0, slow: 0, slowMs: MIX.slowMs });
      }),
    );
    const t0 = Date.now();
    await Promise.all(broken.map((s) => network.stop(s.process, 60_000)));
    const stopSeconds = ((Date.now() - t0) / 1000).toFixed(1);
    const errors = Object.fromEntries(broken.map((s) => [`${s.service} (${s.language}, ${plan.serviceEnvs.find((e) => `${e.service}-closed-port` === s.service)!.env.OTEL_EXPORTER_OTLP_PROTOCOL})`, s.exportErrors()]));
    process.stdout.write(`closed port (all stopped within ${stopSeconds} s): ${Object.entries(errors).map(([k, v]) => `${k}: ${v.length} errors, first: ${v[0]?.slice(0, 160)}`).join('; ')}\n`);
    for (const [service, lines] of Object.entries(errors)) expect([service, lines.length > 0]).toEqual([service, true]);
  }, 180_000);
});
