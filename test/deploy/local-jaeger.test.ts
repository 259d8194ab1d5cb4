/**
 * local-jaeger deployed for real: `npx cdktf deploy local-jaeger` (docs/local.md) onto a Docker
 * daemon, with the Docker and random providers built from the Go module proxy and the pinned
 * images built here. Jaeger, the collector, Prometheus and Alertmanager are the real binaries at
 * the deployed versions; Loki and Grafana are stand-ins (AGPL, test/deploy/stand-in). Services on
 * real SDKs configured only by their generated `.env` files send to the published 127.0.0.1
 * ports; then the stack is checked as deployed: every hop by `o11y verify`, a second plan, a
 * Prometheus restart, a broken collector, and what `cdktf destroy` leaves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../support/prometheus-harness';
import type { RunningService, SdkLanguage } from '../live/support/sdk-services';
import { allHealthy, dockerHarness, DockerHarness, leftovers, promQuery } from './support/docker-harness';
import { resourcesByType, terraform, terraformOk } from './support/terraform';

const STACK = 'local-jaeger';
const PREFIX = `shop-${STACK}-`;
const LANGUAGES: Record<string, SdkLanguage> = { checkout: 'node', cart: 'python', catalog: 'go', 'payments-gateway': 'go' };
const MIX = { traces: 6, errors: 2, slow: 1, slowMs: 600 };
const JAEGER = 'http://127.0.0.1:16686';
const PROMETHEUS = 'http://127.0.0.1:9090';

let h: DockerHarness;
let services: RunningService[] = [];
const report: string[] = [];

beforeAll(async () => {
  h = await dockerHarness(STACK);
}, 10 * 60_000);

afterAll(async () => {
  await h?.close();
  process.stdout.write(`${report.join('\n')}\n`);
}, 10 * 60_000);

const stackDir = () => h.stackDir();
const o11y = (args: string[]) => h.o11y(args);

describe('local-jaeger deployed on Docker with cdktf and the real providers', () => {
  it('deploys with `npx cdktf deploy local-jaeger --auto-approve --skip-provider-lock`, every container reaching running and healthy', async () => {
    const out = await h.project.sh('npx', ['cdktf', 'deploy', STACK, '--auto-approve', '--skip-provider-lock']);
    expect(out).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    const state = resourcesByType(await terraformOk(stackDir(), ['show', '-json'], { DOCKER_HOST: h.daemon.host }));
    report.push(`${STACK} applied: ${Object.entries(state).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    // the six components, the one-shot health-probe installer with its busybox image and volume, and
    // the one-shot container that hands the collector's queue volume to its user
    expect(state).toEqual({ docker_container: 8, docker_image: 7, docker_network: 1, docker_volume: 6, random_password: 1 });
    const healthy = await allHealthy(h.daemon);
    report.push(`${STACK} containers: ${healthy.map((c) => `${c.name} ${c.health === 'none' ? c.status : c.health}`).join(', ')}`);
    expect(healthy.map((c) => c.name)).toEqual(['alertmanager', 'grafana', 'jaeger', 'loki', 'otel-collector', 'prometheus'].map((n) => `${PREFIX}${n}`));
    // the collector's image is FROM scratch: its health check runs the busybox the installer copied, and its health_check extension answers
    const collector = healthy.find((c) => c.name === `${PREFIX}otel-collector`)!;
    expect(collector.health).toBe('healthy');
    const res = await fetch(`http://${collector.ip}:13133/`);
    expect(res.status).toBe(200);
  });

  it('takes traces with errors, metrics and logs from services on real SDKs driven by their generated .env files', async () => {
    services = await h.startServices(LANGUAGES, MIX);
    // Jaeger (real) returns every trace, error spans marked
    for (const s of services) {
      for (const sent of s.traces) {
        const spans = await pollUntil(`Jaeger returns ${s.service}'s trace ${sent.traceId}`, 60_000, async () => {
          const body = (await (await fetch(`${JAEGER}/api/traces/${sent.traceId}`)).json()) as { data?: { spans: { tags: { key: string; value: unknown }[] }[] }[] };
          const got = body.data?.[0]?.spans ?? [];
          return got.length >= 1 ? { value: got, seen: 'found' } : { seen: 'not yet' };
        });
        expect([s.service, spans.some((sp) => sp.tags.some((t) => t.key === 'error' && t.value === true))]).toEqual([s.service, sent.error]);
      }
    }
    // span metrics computed by the collector, with exemplars of the services' own trace ids
    const sentIds = new Set(services.flatMap((s) => s.traces.map((t) => t.traceId)));
    const exemplarIds = await pollUntil('span-metric exemplars in Prometheus', 120_000, async () => {
      const now = Date.now() / 1000;
      const params = new URLSearchParams({ query: 'traces_spanmetrics_duration_seconds_bucket', start: String(now - 900), end: String(now + 60) });
      const res = (await (await fetch(`${PROMETHEUS}/api/v1/query_exemplars?${params}`)).json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
      const ids = [...new Set(res.data.flatMap((d) => d.exemplars.map((e) => e.labels.trace_id)))].filter((id) => sentIds.has(id));
      return ids.length > 0 ? { value: ids, seen: 'found' } : { seen: `${res.data.length} series with exemplars` };
    });
    // the services' own metrics: scraped at host.docker.internal where they have a metrics port, over OTLP otherwise
    await pollUntil("every service's request counter in Prometheus", 120_000, async () => {
      const got = await promQuery(PROMETHEUS, 'count by (job, service_name) (shop_requests_total)');
      const names = got.map((r) => r.metric.service_name ?? r.metric.job).sort();
      return names.join() === Object.keys(LANGUAGES).sort().join() ? { value: names, seen: 'all' } : { seen: names.join(', ') || 'none' };
    });
    const up = await promQuery(PROMETHEUS, 'up');
    const down = up.filter((r) => r.value[1] !== '1').map((r) => `${r.metric.job} ${r.metric.instance}`);
    expect(down).toEqual([]);
    report.push(`${STACK} SDK traffic: ${sentIds.size} traces in Jaeger; ${exemplarIds.length} span-metric exemplar trace ids; ${up.length} scrape targets up`);
  });

  it('loads every rule group and sends to its Alertmanager', async () => {
    const rules = (await (await fetch(`${PROMETHEUS}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { health: string }[] }[] } };
    expect(rules.data.groups.length).toBeGreaterThan(0);
    expect(rules.data.groups.flatMap((g) => g.rules.filter((r) => r.health === 'err'))).toEqual([]);
    const ams = (await (await fetch(`${PROMETHEUS}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: { url: string }[] } };
    expect(ams.data.activeAlertmanagers.map((a) => a.url)).toEqual(['http://alertmanager:9093/api/v2/alerts']);
  });

  it('passes `o11y verify local-jaeger`: every hop carries data', async () => {
    const r = await o11y(['verify', STACK]);
    report.push(`o11y verify ${STACK} (good):\n${r.out}${r.err}`);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^(ok|BROKEN) /.test(l)).map((l) => l.slice(0, 6).trim())).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('plans no changes on a second plan', async () => {
    const r = await terraform(stackDir(), ['plan', '-detailed-exitcode', '-input=false', '-lock=false'], { DOCKER_HOST: h.daemon.host });
    report.push(`${STACK} second plan: exit ${r.code} (${r.stdout.match(/No changes\.|Plan: [^\n]*/)?.[0] ?? r.stdout.slice(-300)})`);
    expect([r.code, r.stdout.match(/No changes\./)?.[0] ?? r.stdout + r.stderr]).toEqual([0, 'No changes.']);
  });

  it("keeps Prometheus's TSDB across `docker restart`: a series written before is queryable after", async () => {
    const before = Math.floor(Date.now() / 1000) - 5;
    const q = 'sum(shop_requests_total)';
    const was = await promQuery(PROMETHEUS, q, before);
    expect(was).toHaveLength(1);
    h.daemon.docker(['restart', `${PREFIX}prometheus`]);
    await allHealthy(h.daemon);
    const after = await pollUntil('Prometheus answers after the restart', 60_000, async () => {
      const r = await promQuery(PROMETHEUS, q, before).catch(() => undefined);
      return r && r.length === 1 ? { value: r, seen: 'answered' } : { seen: JSON.stringify(r) };
    });
    expect(after[0].value[1]).toBe(was[0].value[1]);
    report.push(`${STACK} Prometheus restart: ${q} at ${before} = ${was[0].value[1]} before and after`);
  });

  it("names the broken hop when the collector's traces exporter points at a wrong port", async () => {
    const file = join(stackDir(), 'cdk.tf.json');
    const good = readFileSync(file, 'utf8');
    expect(good.split('endpoint: jaeger:4317').length).toBe(2);
    writeFileSync(file, good.replace('endpoint: jaeger:4317', 'endpoint: jaeger:4319'));
    try {
      await terraformOk(stackDir(), ['apply', '-auto-approve', '-input=false'], { DOCKER_HOST: h.daemon.host });
      await allHealthy(h.daemon);
      const r = await o11y(['verify', STACK, '--timeout', '30']);
      report.push(`o11y verify ${STACK} (collector exporting traces to jaeger:4319):\n${r.out}${r.err}`);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^o11y verify: local-jaeger is broken at hop 'trace': Jaeger \(jaeger\) at http:\/\/127\.0\.0\.1:16686: no trace [0-9a-f]{32} \(after 30 s\)\n$/);
      // the metric, log and span-metric paths do not go through that exporter: only the trace hop breaks
      expect(r.out.split('\n').filter((l) => l.startsWith('BROKEN')).map((l) => l.split(/\s+/)[1])).toEqual(['trace']);
    } finally {
      writeFileSync(file, good);
    }
  });

  it('leaves no container, volume or network of the stack after `npx cdktf destroy local-jaeger`', async () => {
    await Promise.all(services.map((s) => h.network.stop(s.process)));
    services = [];
    const out = await h.project.sh('npx', ['cdktf', 'destroy', STACK, '--auto-approve', '--skip-provider-lock']);
    expect(out).toMatch(/Destroy complete! Resources: \d+ destroyed/);
    expect(leftovers(h.daemon, PREFIX)).toEqual([]);
    expect(h.daemon.docker(['ps', '-aq']).trim()).toBe('');
    expect(h.daemon.docker(['volume', 'ls', '-q']).trim()).toBe('');
  });
});
