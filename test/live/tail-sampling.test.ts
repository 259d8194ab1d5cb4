/**
 * Tail sampling for real: staging's rendered collector config in the pinned collector build,
 * Prometheus from staging's prometheus.yml, and a real OTLP trace store (Jaeger, from our own
 * Jaeger component) answering under Tempo's Cloud Map name. Tempo itself is not run (AGPL).
 * A Go service on the real SDK, configured by staging's checkout.env, sends N traces: k with
 * errors, j slow, the rest normal. The ratio policy decides by a hash of the trace id, so which
 * normal traces it keeps is known exactly from the ids the service reports.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileContent } from '../../src/components/plan';
import { PORTS } from '../../src/spec/defaults';
import { pollUntil } from '../support/prometheus-harness';
import { examplePlan, exampleSpec } from '../support/plans';
import type { ObservabilitySpec } from '../../src/spec/types';
import { runDashboardQueries, unexpectedlyAbsent, unexpectedlyEmpty } from './support/dashboards';
import { LiveNetwork } from './support/netns';
import { keepRatioPolicy, probabilisticKeeps } from './support/probabilistic';
import { RunningService, SentTrace, startService } from './support/sdk-services';
import { defaultBinaries, RunningStack, startStack } from './support/stack';

/**
 * Staging as the example declares it, except its receivers: two webhooks whose URLs are secrets
 * (as a Slack or PagerDuty URL would be), and the heartbeat a third, all served by a receiver on
 * the services' host, so a real Alertmanager's notifications can be read back.
 */
const WEBHOOK_PORT = 9099;
const base = exampleSpec();
const spec: ObservabilitySpec = {
  ...base,
  environments: {
    ...base.environments,
    staging: {
      ...base.environments!.staging,
      alerting: {
        receivers: [
          { name: 'oncall', webhook: { urlSecret: 'oncall-webhook-url' } },
          { name: 'sre-channel', webhook: { urlSecret: 'tickets-webhook-url' } },
        ],
        route: { page: 'oncall', ticket: 'sre-channel' },
        heartbeat: { urlSecret: 'heartbeat-url' },
      },
    },
  },
};
const plan = examplePlan('staging', spec);
const receiverHost = plan.topology.serviceHost('checkout');
const tail = plan.spec.tracing.tailSampling!;
const MIX = { traces: 400, errors: 20, slow: 10, slowMs: tail.slowerThanMs + 200 };
/** The rendered keep-ratio policy: which trace ids it keeps follows from the ids alone. */
const keepRatio = keepRatioPolicy(fileContent(plan, 'otel-collector.yaml')!);
const policiesKeep = (t: SentTrace) => t.error || t.slow || probabilisticKeeps(keepRatio, t.traceId);

let runDir: string;
let network: LiveNetwork;
let stack: RunningStack;
let service: RunningService;
let kept: Set<string>;

const notificationsFile = () => join(runDir, 'notifications.jsonl');

interface Notification {
  readonly path: string;
  readonly body: { status: string; receiver: string; commonLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] };
}

function notifications(): Notification[] {
  if (!existsSync(notificationsFile())) return [];
  return readFileSync(notificationsFile(), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Notification);
}

async function promQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const url = `${stack.components.prometheus!.url(PORTS.prometheus)}/api/v1/query?query=${encodeURIComponent(query)}`;
  return ((await (await fetch(url)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
}

async function stored(traceId: string): Promise<boolean> {
  const res = await fetch(`${stack.components.tempo!.url(PORTS.jaegerUi)}/api/traces/${traceId}`);
  return res.ok && ((await res.json()) as { data: unknown[] }).data.length > 0;
}

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'o11y-live-tail-'));
  network = new LiveNetwork(join(runDir, 'logs'));
  stack = await startStack(plan, network, runDir, defaultBinaries(), {
    secrets: {
      'oncall-webhook-url': `http://${receiverHost}:${WEBHOOK_PORT}/oncall`,
      'tickets-webhook-url': `http://${receiverHost}:${WEBHOOK_PORT}/tickets`,
      'heartbeat-url': `http://${receiverHost}:${WEBHOOK_PORT}/heartbeat`,
    },
  });
  network.spawn(stack.servicesHost, 'webhook-receiver', process.execPath, [join(__dirname, 'support', 'webhook-receiver.js'), String(WEBHOOK_PORT), notificationsFile()]);
  service = await startService(network, stack.servicesHost, 'go', fileContent(plan, 'otel/checkout.env')!, MIX);
  // decisions come decision_wait after a trace's first span: once the last trace the policies
  // keep is stored, every trace sent before it was decided too
  const deadline = (tail.decisionWaitSeconds + 20) * 1000;
  const last = service.traces.filter(policiesKeep).at(-1)!.traceId;
  await pollUntil(`the collector stored the last trace its policies keep (${last})`, deadline, async () => ((await stored(last)) ? { value: true, seen: 'decided' } : { seen: 'waiting' }));
  await new Promise((r) => setTimeout(r, 5_000));
  kept = new Set((await Promise.all(service.traces.map(async (t) => ((await stored(t.traceId)) ? t.traceId : '')))).filter(Boolean));
}, 300_000);

afterAll(async () => {
  await network?.destroy();
  if (process.env.O11Y_LIVE_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
});

describe(`tail sampling in staging (ratio ${tail.ratio}, slower than ${tail.slowerThanMs} ms, errors kept)`, () => {
  it('keeps every error trace and every slow trace', () => {
    const errors = service.traces.filter((t) => t.error);
    const slow = service.traces.filter((t) => t.slow);
    expect([errors.length, slow.length]).toEqual([MIX.errors, MIX.slow]);
    expect(errors.filter((t) => !kept.has(t.traceId))).toEqual([]);
    expect(slow.filter((t) => !kept.has(t.traceId))).toEqual([]);
  });

  it("keeps exactly the other traces the ratio policy picks by trace id, and drops the rest", () => {
    expect(keepRatio.samplingPercentage / 100).toBe(tail.ratio);
    const normal = service.traces.filter((t) => !t.error && !t.slow);
    const picked = normal.filter((t) => probabilisticKeeps(keepRatio, t.traceId)).map((t) => t.traceId);
    const keptNormal = normal.filter((t) => kept.has(t.traceId)).map((t) => t.traceId);
    process.stdout.write(`tail sampling: sent ${service.traces.length}, kept ${kept.size} (errors ${MIX.errors}, slow ${MIX.slow}, normal ${keptNormal.length}/${normal.length}: the ${picked.length} the ${keepRatio.samplingPercentage} % policy picks by trace id)\n`);
    expect(keptNormal.sort()).toEqual(picked.sort());
  });

  it('counts every server span in the span metrics, before sampling', async () => {
    const q = `sum(traces_spanmetrics_calls_total{service_name="checkout", span_kind="SPAN_KIND_SERVER"})`;
    await pollUntil(`${q} = ${MIX.traces}`, 60_000, async () => {
      const r = await promQuery(q);
      const v = Number(r[0]?.value[1] ?? 0);
      return v === MIX.traces ? { value: v, seen: String(v) } : { seen: String(v) };
    });
    const errors = await promQuery(`sum(traces_spanmetrics_calls_total{service_name="checkout", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"})`);
    expect(Number(errors[0]?.value[1])).toBe(MIX.errors);
  });

  it('carries exemplars whose trace ids the trace store returns, for error and for slow traces', async () => {
    const base = stack.components.prometheus!.url(PORTS.prometheus);
    const now = Date.now() / 1000;
    const q = `traces_spanmetrics_duration_seconds_bucket{service_name="checkout", span_kind="SPAN_KIND_SERVER"}`;
    const res = (await (await fetch(`${base}/api/v1/query_exemplars?${new URLSearchParams({ query: q, start: String(now - 600), end: String(now + 60) })}`)).json()) as { data: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string> }[] }[] };
    const ids = new Set(res.data.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id ?? e.labels.traceID)));
    const errorIds = service.traces.filter((t) => t.error && ids.has(t.traceId)).map((t) => t.traceId);
    const slowIds = service.traces.filter((t) => t.slow && ids.has(t.traceId)).map((t) => t.traceId);
    process.stdout.write(`exemplars: ${ids.size} trace ids, ${errorIds.length} of error traces, ${slowIds.length} of slow traces\n`);
    expect(errorIds.length).toBeGreaterThan(0);
    expect(slowIds.length).toBeGreaterThan(0);
    for (const id of [...errorIds, ...slowIds]) expect(await stored(id)).toBe(true);
  });

  it('runs every dashboard query against the real Prometheus: none over metrics it has comes back empty', async () => {
    // $slo at its All value (.+): every SLO of the selected service
    const outcomes = await runDashboardQueries(plan, stack.components.prometheus!.url(PORTS.prometheus), { service: 'checkout', slo: '.+' }, 20_000, ['checkout']);
    const withData = outcomes.filter((o) => o.absent.length === 0);
    process.stdout.write(`dashboards: ${outcomes.length} queries, ${withData.length} over metrics present, ${withData.filter((o) => o.series > 0).length} returned data; absent: ${[...new Set(outcomes.flatMap((o) => o.absent))].join(', ')}\n`);
    // only checkout sends here
    expect(unexpectedlyEmpty(outcomes, ['checkout'])).toEqual([]);
    // a metric may be missing only if its component does not run here (Tempo) or it counts failures that did not happen
    expect(unexpectedlyAbsent(outcomes)).toEqual([]);
    expect(withData.length).toBeGreaterThan(10);
  });

  it("fires checkout's SLO alerts in the real Prometheus from the collector's span metrics: 5 % errors page (99.9 %), 5 % slow only ticket (99 % under 300 ms)", async () => {
    // rate() sees increases between samples: the first burst was counted before the series'
    // first sample, so more requests follow a flush later, as continuous traffic would: 100 with
    // 5 errors, then (a flush later) 5 slow ones. The slow ones come last on purpose: the burn-rate
    // alerts have no `for`, so slow requests first would briefly be most of the window and page
    // (the SRE workbook's short windows accept that); last, they stay at 5 of 105 in every window:
    // above the 2.8× ticket (2.8 %), below the 5.6× page (5.6 %) of a 28-day window
    await new Promise((r) => setTimeout(r, (plan.spec.metrics.scrapeIntervalSeconds + 5) * 1000));
    // more instances of checkout: its own metrics port is taken by the first, and only their spans matter here
    const env = fileContent(plan, 'otel/checkout.env')!.replace(/^OTEL_METRICS_EXPORTER=.*$/m, 'OTEL_METRICS_EXPORTER=none');
    const errors = await startService(network, stack.servicesHost, 'go', env, { traces: 100, errors: 5, slow: 0, slowMs: MIX.slowMs });
    await network.stop(errors.process);
    await new Promise((r) => setTimeout(r, (plan.spec.metrics.scrapeIntervalSeconds + 5) * 1000));
    const slow = await startService(network, stack.servicesHost, 'go', env, { traces: 5, errors: 0, slow: 5, slowMs: MIX.slowMs });
    type Alert = { labels: Record<string, string>; state: string };
    const firing = await pollUntil('the page and the latency ticket fire', 120_000, async () => {
      const res = (await (await fetch(`${stack.components.prometheus!.url(PORTS.prometheus)}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
      const mine = res.data.alerts.filter((a) => a.labels.service === 'checkout' && a.state === 'firing').map((a) => `${a.labels.alertname} ${a.labels.slo} ${a.labels.severity}`).sort();
      if (mine.includes('SLOBurnRatePage availability page') && mine.includes('SLOBurnRateTicket latency ticket')) return { value: mine, seen: 'fired' };
      const sli = await promQuery('slo:sli_error:ratio_rate5m{service="checkout"}');
      return { seen: `${mine.join(', ') || 'none firing'}; error ratio (5m): ${sli.map((r) => `${r.metric.slo}=${r.value[1]}`).join(' ')}` };
    });
    await network.stop(slow.process);
    const sli = await promQuery('slo:sli_error:ratio_rate5m{service="checkout"}');
    process.stdout.write(`slo alerts firing for checkout: ${firing.join('; ')}; error ratio (5m): ${sli.map((r) => `${r.metric.slo}=${Number(r.value[1]).toFixed(4)}`).join(' ')}\n`);
    expect(firing).toEqual(['SLOBurnRatePage availability page', 'SLOBurnRateTicket availability ticket', 'SLOBurnRateTicket latency ticket']);
    expect([...errors.exportErrors(), ...slow.exportErrors()]).toEqual([]);
  });

  it('delivers the page to the on-call webhook and the latency ticket to the channel through a real Alertmanager; the page inhibits its own ticket', async () => {
    const firedAt = Date.now();
    const key = (n: Notification) => `${n.path} ${n.body.alerts.filter((a) => a.status === 'firing').map((a) => `${a.labels.alertname}/${a.labels.slo}/${a.labels.severity}`).sort().join(',')}`;
    // group_wait (30s) after Prometheus sends, then the webhook call
    const seen = await pollUntil('Alertmanager notifies both webhooks', 120_000, async () => {
      const got = notifications().filter((n) => n.body.status === 'firing' && n.body.commonLabels.service === 'checkout');
      const paths = new Set(got.map((n) => n.path));
      return paths.has('/oncall') && paths.has('/tickets') ? { value: got, seen: got.map(key).join('; ') } : { seen: got.map(key).join('; ') || 'nothing yet' };
    });
    process.stdout.write(`alertmanager delivered within ${((Date.now() - firedAt) / 1000).toFixed(0)} s of the alerts firing: ${seen.map(key).join('; ')}\n`);
    const page = seen.find((n) => n.path === '/oncall')!;
    expect(page.body.receiver).toBe('oncall');
    expect(page.body.alerts.map((a) => a.labels)).toEqual([expect.objectContaining({ alertname: 'SLOBurnRatePage', service: 'checkout', slo: 'availability', severity: 'page', environment: 'staging' })]);
    expect(page.body.alerts[0].annotations).toEqual(expect.objectContaining({ runbook_url: expect.stringMatching(/^https:\/\//), traces: expect.stringContaining('var-service=checkout') }));
    // the availability ticket fires in Prometheus too (see above), but its page inhibits it
    const tickets = seen.filter((n) => n.path === '/tickets').flatMap((n) => n.body.alerts.map((a) => `${a.labels.alertname} ${a.labels.slo}`));
    expect([...new Set(tickets)]).toEqual(['SLOBurnRateTicket latency']);
    // Alertmanager counts what it sent: the alertmanagerSelf names of the metric table, scraped by Prometheus
    const sent = await pollUntil('Prometheus scraped alertmanager_notifications_total{integration="webhook"}', 60_000, async () => {
      const r = await promQuery('sum(alertmanager_notifications_total{job="alertmanager", integration="webhook"})');
      const v = Number(r[0]?.value[1] ?? 0);
      return v >= 2 ? { value: v, seen: String(v) } : { seen: String(v) };
    });
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(await promQuery('sum(alertmanager_notifications_failed_total{job="alertmanager"})')).toEqual([expect.objectContaining({ value: [expect.any(Number), '0'] })]);
  }, 200_000);

  it('pings the heartbeat webhook with the Watchdog alone, again a minute later, and never a person with it', async () => {
    const pings = await pollUntil('two Watchdog pings reach the heartbeat webhook', 150_000, async () => {
      const got = notifications().filter((n) => n.path === '/heartbeat');
      return got.length >= 2 ? { value: got, seen: String(got.length) } : { seen: `${got.length} ping(s)` };
    });
    for (const p of pings) {
      expect(p.body.receiver).toBe('heartbeat');
      expect(p.body.alerts.map((a) => `${a.labels.alertname} ${a.status}`)).toEqual(['Watchdog firing']);
    }
    const elsewhere = notifications().filter((n) => n.path !== '/heartbeat' && n.body.alerts.some((a) => a.labels.alertname === 'Watchdog'));
    expect(elsewhere).toEqual([]);
  }, 160_000);

  it('the SDK reported no export error', async () => {
    await network.stop(service.process);
    expect(service.exportErrors()).toEqual([]);
  });
});
