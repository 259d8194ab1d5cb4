/**
 * The collector's queues survive a crash, for real: the local stack's rendered collector config in
 * the pinned collector build, with its trace store down. N spans go in and wait in the exporter's
 * persistent queue (file_storage, on the collector's own directory as on its volume); the
 * collector is killed with SIGKILL, as an OOM kill would, and started again on the same directory;
 * then the trace store (a real Jaeger under Tempo's name, as in the other live tests) comes up,
 * and every one of the N spans arrives. With the queue in memory none would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jaegerComponent } from '../../src/components/jaeger';
import { COLLECTOR_QUEUE_DIR } from '../../src/components/otel-collector';
import { component } from '../../src/components/plan';
import { PORTS } from '../../src/spec/defaults';
import { pollUntil } from '../support/prometheus-harness';
import { examplePlan } from '../support/plans';
import { binary } from './support/binaries';
import { liveCollector } from './support/live-plans';
import { Host, LiveNetwork } from './support/netns';
import { placeComponent, RunningComponent, waitHealthy } from './support/stack';

const plan = examplePlan('local');
const collector = component(plan, 'otel-collector')!;
const TRACES = 100;
const SERVICE = 'queued-through-a-crash';
// telemetrygen writes a root span and one child per trace
const SPANS = TRACES * 2;

let runDir: string;
let network: LiveNetwork;
let collectorHost: Host;
let storeHost: Host;
let args: string[];

function startCollector(name: string): RunningComponent {
  const process = network.spawn(collectorHost, name, liveCollector().binary, args);
  return { component: collector, host: collectorHost, process, url: (port) => `http://${collectorHost.ip}:${port}` };
}

async function collectorMetric(c: RunningComponent, name: string): Promise<number> {
  const text = await (await fetch(c.url(PORTS.collectorMetrics) + '/metrics')).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Spans of SERVICE the trace store holds, by span id (none while it is down). */
async function storedSpans(): Promise<number> {
  const res = await fetch(`http://${storeHost.ip}:${PORTS.jaegerUi}/api/traces?service=${SERVICE}&limit=${TRACES * 4}&lookback=1h`).catch(() => undefined);
  if (!res?.ok) return 0;
  const body = (await res.json()) as { data: { spans: { spanID: string }[] }[] };
  return new Set(body.data.flatMap((t) => t.spans.map((s) => s.spanID))).size;
}

beforeAll(() => {
  runDir = mkdtempSync(join(tmpdir(), 'o11y-live-queue-'));
  network = new LiveNetwork(join(runDir, 'logs'));
  collectorHost = network.addHost('otel-collector', [plan.topology.hostOf('otel-collector')]);
  // Tempo's name: where the rendered config sends traces (Prometheus and Loki stay down throughout)
  storeHost = network.addHost('tempo', [plan.topology.hostOf('tempo')]);
  network.writeHostsFiles();
  args = placeComponent(collector, join(runDir, 'otel-collector'));
});

afterAll(async () => {
  await network?.destroy();
  if (process.env.O11Y_LIVE_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
});

describe("the local collector's persistent queue", () => {
  it(`delivers all ${SPANS} spans queued while the trace store was down, after the collector was killed (SIGKILL) and restarted`, async () => {
    const first = startCollector('otel-collector');
    await waitHealthy(first);
    const telemetrygen = binary('telemetrygen', 'telemetrygen');
    execFileSync(telemetrygen, ['traces', '--otlp-endpoint', `${collectorHost.ip}:${PORTS.otlpGrpc}`, '--otlp-insecure', '--traces', String(TRACES), '--child-spans', '1', '--rate', '0', '--service', SERVICE], { stdio: 'ignore' });
    await pollUntil(`the collector accepted ${SPANS} spans`, 30_000, async () => {
      const n = await collectorMetric(first, 'otelcol_receiver_accepted_spans_total');
      return n >= SPANS ? { value: n, seen: String(n) } : { seen: String(n) };
    });
    // a request has failed against the stopped store: the spans wait in the queue, not in flight once
    await pollUntil('the trace exporter failed to send at least once', 30_000, async () => {
      const failed = await collectorMetric(first, 'otelcol_exporter_send_failed_spans_total');
      const out = first.process.output();
      return failed > 0 || /Exporting failed. Will retry/.test(out) ? { value: true, seen: 'failed' } : { seen: `send_failed ${failed}` };
    });
    const queueDir = join(runDir, 'otel-collector', COLLECTOR_QUEUE_DIR);
    process.stdout.write(`queue directory before the kill: ${existsSync(queueDir) ? readdirSync(queueDir).join(', ') : 'missing'}\n`);

    first.process.child.kill('SIGKILL');
    expect(await first.process.exited).toBeNull();
    expect(first.process.child.signalCode).toBe('SIGKILL');

    const second = startCollector('otel-collector-restarted');
    await waitHealthy(second);
    expect(await storedSpans()).toBe(0);
    const store = { ...jaegerComponent(), name: 'tempo' as const };
    network.spawn(storeHost, 'tempo', binary('jaeger', 'jaeger'), placeComponent(store, join(runDir, 'tempo')));

    let seen = 0;
    await pollUntil(`the trace store holds all ${SPANS} spans`, 120_000, async () => {
      seen = await storedSpans();
      return seen >= SPANS ? { value: seen, seen: String(seen) } : { seen: String(seen) };
    }).catch(() => undefined);
    process.stdout.write(`spans in the trace store after the kill and restart: ${seen} of ${SPANS}\n`);
    expect(seen).toBe(SPANS);
  }, 300_000);
});
