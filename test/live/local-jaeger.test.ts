/**
 * local-jaeger end to end: Jaeger and Prometheus from the rendered files, and four services on
 * real SDKs (Node, Python, Go) configured only by their generated `.env` files. Jaeger's query
 * API must return every trace with its resource; Prometheus must scrape every SDK's Prometheus
 * exporter; no SDK may report an export error for any signal — and the same services with the
 * SDK defaults for metrics and logs do (which proves the error capture works).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileContent } from '../../src/components/plan';
import { PORTS } from '../../src/spec/defaults';
import { pollUntil } from '../support/prometheus-harness';
import { examplePlan } from '../support/plans';
import { runDashboardQueries, unexpectedlyAbsent } from './support/dashboards';
import { LiveNetwork } from './support/netns';
import { RunningService, SdkLanguage, startService } from './support/sdk-services';
import { defaultBinaries, RunningStack, startStack } from './support/stack';

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
    const outcomes = await runDashboardQueries(plan, prometheus(), { service: plan.spec.services.map((s) => s.name).join('|') });
    const withData = outcomes.filter((o) => o.absent.length === 0);
    process.stdout.write(`dashboards: ${outcomes.length} queries, ${withData.length} over metrics present, ${withData.filter((o) => o.series > 0).length} returned data; absent: ${[...new Set(outcomes.flatMap((o) => o.absent))].join(', ')}\n`);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(unexpectedlyAbsent(outcomes)).toEqual([]);
    const empty = outcomes.filter((o) => o.absent.length === 0 && o.series === 0).map((o) => `${o.where}: ${o.expr}`);
    expect(empty).toEqual([]);
    expect(outcomes.filter((o) => o.absent.length === 0).length).toBeGreaterThan(0);
  });

  it('no SDK reports an export error for any signal, through shutdown (which flushes metrics and logs)', async () => {
    const codes = await Promise.all(services.map((s) => network.stop(s.process)));
    expect(codes).toEqual(services.map(() => 0));
    expect(Object.fromEntries(services.map((s) => [s.service, s.exportErrors()]))).toEqual(Object.fromEntries(services.map((s) => [s.service, []])));
  });

  it.each([['node'], ['python'], ['go']] as [SdkLanguage][])(
    'a %s service with the SDK defaults for metrics and logs (otlp) reports export errors against this entry point',
    async (language) => {
      const env = fileContent(plan, 'otel/catalog.env')!.split('\n').filter((l) => !/^OTEL_(METRICS|LOGS)_EXPORTER=/.test(l)).join('\n');
      const s = await startService(network, stack.servicesHost, language, env, { traces: 2, errors: 1, slow: 0, slowMs: 0 });
      await network.stop(s.process);
      expect(s.exportErrors().length).toBeGreaterThan(0);
    },
  );
});
