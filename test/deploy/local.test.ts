/**
 * local (Tempo) deployed for real: `npx cdktf deploy local` onto a Docker daemon of the test's
 * own. The collector, Prometheus and Alertmanager are real; Tempo, Loki and Grafana are the
 * labelled stand-ins (AGPL, test/deploy/stand-in) under their pinned names, with the upstream
 * entrypoints, users, data directories and health-check commands. What a stand-in cannot prove
 * is not asserted: Tempo's metrics-generator does not run, so `o11y verify` must find exactly the
 * span-metrics hop broken and every other hop carrying data.
 */
import { pollUntil } from '../support/prometheus-harness';
import type { RunningService, SdkLanguage } from '../live/support/sdk-services';
import { allHealthy, dockerHarness, DockerHarness, leftovers, promQuery } from './support/docker-harness';
import { resourcesByType, terraform, terraformOk } from './support/terraform';

const STACK = 'local';
const PREFIX = `shop-${STACK}-`;
const LANGUAGES: Record<string, SdkLanguage> = { checkout: 'node', catalog: 'go' };
const MIX = { traces: 4, errors: 1, slow: 1, slowMs: 600 };
const TEMPO = 'http://127.0.0.1:3200';
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

describe('local deployed on Docker with cdktf, Tempo, Loki and Grafana as stand-ins', () => {
  it('deploys with `npx cdktf deploy local --auto-approve --skip-provider-lock`, every container reaching running and healthy', async () => {
    const out = await h.project.sh('npx', ['cdktf', 'deploy', STACK, '--auto-approve', '--skip-provider-lock']);
    expect(out).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    const state = resourcesByType(await terraformOk(stackDir(), ['show', '-json'], { DOCKER_HOST: h.daemon.host }));
    report.push(`${STACK} applied: ${Object.entries(state).map(([t, n]) => `${t} ${n}`).join(', ')}`);
    // the six components, the one-shot health-probe installer with its busybox image and volume, and
    // the one-shot container that hands the collector's queue volume to its user
    expect(state).toEqual({ docker_container: 8, docker_image: 7, docker_network: 1, docker_volume: 7, random_password: 1 });
    const cs = await allHealthy(h.daemon);
    report.push(`${STACK} containers: ${cs.map((c) => `${c.name} ${c.health === 'none' ? c.status : c.health}`).join(', ')}`);
    expect(cs.map((c) => c.name)).toEqual(['alertmanager', 'grafana', 'loki', 'otel-collector', 'prometheus', 'tempo'].map((n) => `${PREFIX}${n}`));
    expect(cs.find((c) => c.name === `${PREFIX}otel-collector`)!.health).toBe('healthy');
    // Tempo, Loki and Grafana are stand-ins, and say so on every answer
    expect((await fetch(`${TEMPO}/ready`)).headers.get('x-o11y-stand-in')).toBe('tempo');
  });

  it("takes the services' traces into the Tempo stand-in and their metrics into Prometheus", async () => {
    services = await h.startServices(LANGUAGES, MIX);
    for (const s of services) {
      for (const sent of s.traces) {
        await pollUntil(`Tempo (stand-in) returns ${s.service}'s trace ${sent.traceId}`, 60_000, async () => {
          const res = await fetch(`${TEMPO}/api/v2/traces/${sent.traceId}`);
          return res.status === 200 ? { value: true, seen: 'found' } : { seen: `HTTP ${res.status}` };
        });
      }
    }
    await pollUntil("every service's request counter in Prometheus", 120_000, async () => {
      const got = await promQuery(PROMETHEUS, 'count by (job, service_name) (shop_requests_total)');
      const names = got.map((r) => r.metric.service_name ?? r.metric.job).sort();
      return names.join() === Object.keys(LANGUAGES).sort().join() ? { value: names, seen: 'all' } : { seen: names.join(', ') || 'none' };
    });
  });

  it('`o11y verify local` finds every hop but span metrics carrying data: the Tempo stand-in computes none', async () => {
    const r = await o11y(['verify', STACK, '--timeout', '45']);
    report.push(`o11y verify ${STACK} (Tempo stand-in):\n${r.out}${r.err}`);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n').filter((l) => /^(ok|BROKEN) /.test(l)).map((l) => `${l.slice(0, 6).trim()} ${l.slice(7, 20).trim()}`);
    expect(lines).toEqual(['ok send', 'ok trace', 'BROKEN span metrics', 'ok metric', 'ok log', 'ok rules', 'ok alertmanager']);
    expect(r.err).toMatch(/^o11y verify: local is broken at hop 'span metrics': Prometheus at http:\/\/127\.0\.0\.1:9090 \(computed by tempo\): 0 series for traces_spanmetrics_latency_bucket\{service="o11y-verify"\}/);
  });

  it('plans no changes on a second plan', async () => {
    const r = await terraform(stackDir(), ['plan', '-detailed-exitcode', '-input=false', '-lock=false'], { DOCKER_HOST: h.daemon.host });
    report.push(`${STACK} second plan: exit ${r.code} (${r.stdout.match(/No changes\.|Plan: [^\n]*/)?.[0] ?? r.stdout.slice(-300)})`);
    expect([r.code, r.stdout.match(/No changes\./)?.[0] ?? r.stdout + r.stderr]).toEqual([0, 'No changes.']);
  });

  it('leaves no container, volume or network of the stack after `npx cdktf destroy local`', async () => {
    await Promise.all(services.map((s) => h.network.stop(s.process)));
    services = [];
    const out = await h.project.sh('npx', ['cdktf', 'destroy', STACK, '--auto-approve', '--skip-provider-lock']);
    expect(out).toMatch(/Destroy complete! Resources: \d+ destroyed/);
    expect(leftovers(h.daemon, PREFIX)).toEqual([]);
    expect(h.daemon.docker(['ps', '-aq']).trim()).toBe('');
    expect(h.daemon.docker(['volume', 'ls', '-q']).trim()).toBe('');
  });
});
