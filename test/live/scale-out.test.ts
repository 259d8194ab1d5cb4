/**
 * The scaled-out collector for real: the laptop stack with `samplers: 3`, so the rendered
 * gateway (the collector with the `loadbalancing` exporter) routes to three samplers, each a real
 * collector of the pinned build with the rendered otel-sampler.yaml. A second gateway runs from
 * the same file. Traces whose spans come from three services are sent over OTLP/HTTP, each
 * service's spans of a trace through a different gateway, as services behind a load balancer do.
 *
 * The samplers' ratio policy decides by a hash of the trace id, so which traces they keep is
 * known exactly: the test expects that set, before a sampler crashes and after, and counts the
 * traces the crashed one held undecided as exactly the ones lost.
 *
 * Test-only tap (the one edit to a rendered file): each sampler's `traces/all` pipeline also
 * writes what it receives to a file named by its HOSTNAME, so the test sees which sampler got
 * which span. Tempo is stood in for by Jaeger (AGPL), as in the other live tests.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { fileContent, StackPlan } from '../../src/components/plan';
import { PORTS } from '../../src/spec/defaults';
import { pollUntil } from '../support/prometheus-harness';
import { examplePlan, scaledLocalSpec } from '../support/plans';
import { LiveNetwork, LiveProcess } from './support/netns';
import { KeepRatioPolicy, keepRatioPolicy, probabilisticKeeps } from './support/probabilistic';
import { defaultBinaries, placeComponent, RunningStack, startStack, waitHealthy } from './support/stack';

const SAMPLERS = 3;
const SERVICES = ['checkout', 'cart', 'catalog'] as const;
/** Spans per trace: checkout's server span, its client span to cart, cart's server span, and catalog's server span. */
const SPANS_PER_TRACE = 4;

function scaledPlan(tapDir: string): StackPlan {
  const plan = examplePlan('local', scaledLocalSpec(SAMPLERS));
  // the tap: every span a sampler receives, before it samples, into a file of its own
  const tap = (content: string) => {
    const cfg = parse(content) as { exporters: Record<string, unknown>; service: { pipelines: Record<string, { exporters: string[] }> } };
    cfg.exporters['file/tap'] = { path: join(tapDir, '${env:HOSTNAME}.jsonl'), flush_interval: '100ms' };
    cfg.service.pipelines['traces/all'].exporters.push('file/tap');
    return stringify(cfg);
  };
  const components = plan.components.map((c) => (c.name === 'otel-sampler' ? { ...c, files: c.files.map((f) => ({ ...f, content: tap(f.content) })) } : c));
  return { ...plan, components };
}

interface SentTrace {
  readonly traceId: string;
  readonly error: boolean;
  readonly sentAt: number;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** OTLP/JSON for `traces`: one resource per service, its spans of every trace. */
function otlpBody(service: string, spans: { traceId: string; spanId: string; parentSpanId?: string; kind: number; error: boolean; name: string }[]): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'deployment.environment.name', value: { stringValue: 'local' } }] },
        scopeSpans: [
          {
            scope: { name: 'o11y-live-scale-out' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: String(now - 20_000_000n),
              endTimeUnixNano: String(now),
              status: s.error ? { code: 2, message: 'failed' } : { code: 0 },
            })),
          },
        ],
      },
    ],
  });
}

/**
 * Sends `n` traces in batches; within a batch, each service's spans go through one gateway,
 * and the gateways alternate per service, so the spans of one trace arrive through different ones.
 */
async function sendTraces(gateways: readonly string[], n: number, errorEvery: number, out: SentTrace[]): Promise<void> {
  const BATCH = 50;
  for (let start = 0; start < n; start += BATCH) {
    const traces = Array.from({ length: Math.min(BATCH, n - start) }, (_, i) => ({ traceId: hex(16), root: hex(8), client: hex(8), cart: hex(8), catalog: hex(8), error: (start + i) % errorEvery === 0 }));
    const byService: Record<string, Parameters<typeof otlpBody>[1]> = {
      checkout: traces.flatMap((t) => [
        { traceId: t.traceId, spanId: t.root, kind: 2, error: false, name: 'POST /checkout' },
        { traceId: t.traceId, spanId: t.client, parentSpanId: t.root, kind: 3, error: false, name: 'POST /cart' },
      ]),
      cart: traces.map((t) => ({ traceId: t.traceId, spanId: t.cart, parentSpanId: t.client, kind: 2, error: t.error, name: 'POST /cart' })),
      catalog: traces.map((t) => ({ traceId: t.traceId, spanId: t.catalog, parentSpanId: t.root, kind: 2, error: false, name: 'GET /catalog' })),
    };
    const sentAt = Date.now();
    await Promise.all(
      SERVICES.map(async (svc, i) => {
        const gw = gateways[(i + start / BATCH) % gateways.length];
        const res = await fetch(`${gw}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpBody(svc, byService[svc]) });
        if (!res.ok) throw new Error(`${gw} answered ${res.status}: ${await res.text()}`);
      }),
    );
    out.push(...traces.map((t) => ({ traceId: t.traceId, error: t.error, sentAt })));
  }
}

/** Which sampler received which spans: trace id (hex) → sampler → span count. */
function tapped(tapDir: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  if (!existsSync(tapDir)) return out;
  for (const f of readdirSync(tapDir).filter((x) => x.endsWith('.jsonl'))) {
    const sampler = f.replace(/\.jsonl$/, '');
    for (const line of readFileSync(join(tapDir, f), 'utf8').split('\n').filter(Boolean)) {
      const doc = JSON.parse(line) as { resourceSpans?: { scopeSpans?: { spans?: { traceId: string }[] }[] }[] };
      for (const rs of doc.resourceSpans ?? []) {
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            const by = out.get(s.traceId) ?? new Map<string, number>();
            by.set(sampler, (by.get(sampler) ?? 0) + 1);
            out.set(s.traceId, by);
          }
        }
      }
    }
  }
  return out;
}

let runDir: string;
let tapDir: string;
let network: LiveNetwork;
let stack: RunningStack;
let plan: StackPlan;
let gateways: string[];
let secondGateway: LiveProcess;
const phase1: SentTrace[] = [];

async function promQuery(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const url = `${stack.components.prometheus!.url(PORTS.prometheus)}/api/v1/query?query=${encodeURIComponent(query)}`;
  return ((await (await fetch(url)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
}

/** Spans of the trace the trace store (Jaeger, for Tempo) returns; 0 when it has none. */
async function storedSpans(traceId: string): Promise<number> {
  const res = await fetch(`${stack.components.tempo!.url(PORTS.jaegerUi)}/api/traces/${traceId}`);
  return res.ok ? (((await res.json()) as { data: { spans: unknown[] }[] }).data[0]?.spans.length ?? 0) : 0;
}

/** Trace id → spans stored, for many traces (a few hundred requests at a time). */
async function storedAll(xs: readonly SentTrace[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < xs.length; i += 200) {
    const chunk = xs.slice(i, i + 200);
    const counts = await Promise.all(chunk.map((x) => storedSpans(x.traceId)));
    chunk.forEach((x, j) => out.set(x.traceId, counts[j]));
  }
  return out;
}

let keepRatio: KeepRatioPolicy;
/** What the samplers' policies keep: error traces (keep-errors) and what the ratio policy picks (these spans are never slow). */
const policiesKeep = (x: SentTrace) => x.error || probabilisticKeeps(keepRatio, x.traceId);

/** Waits until the trace store has the last of these traces the policies keep, whole: the samplers have decided all of them. */
async function waitDecided(xs: readonly SentTrace[]): Promise<void> {
  const last = xs.filter(policiesKeep).at(-1)!;
  const wait = plan.spec.tracing.tailSampling!.decisionWaitSeconds;
  await pollUntil(`the trace store has ${last.traceId}, the last trace sent that the policies keep`, (wait + 30) * 1000, async () =>
    (await storedSpans(last.traceId)) === SPANS_PER_TRACE ? { value: true, seen: 'stored' } : { seen: 'waiting' },
  );
}

/** The traces of `xs` stored whole and the ones not stored at all; a partly stored trace is in neither. */
function storedWhole(xs: readonly SentTrace[], stored: ReadonlyMap<string, number>): { whole: string[]; none: string[] } {
  return { whole: xs.filter((x) => stored.get(x.traceId) === SPANS_PER_TRACE).map((x) => x.traceId), none: xs.filter((x) => !stored.get(x.traceId)).map((x) => x.traceId) };
}

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'o11y-live-scale-'));
  tapDir = join(runDir, 'taps');
  mkdirSync(tapDir, { recursive: true });
  network = new LiveNetwork(join(runDir, 'logs'));
  plan = scaledPlan(tapDir);
  keepRatio = keepRatioPolicy(fileContent(plan, 'otel-sampler.yaml')!);
  stack = await startStack(plan, network, runDir, defaultBinaries());
  // a second gateway from the same rendered file: the tier is stateless, so any number may run
  const gw = stack.components['otel-collector']!;
  const host = network.addHost('otel-collector-b', []);
  network.writeHostsFiles();
  secondGateway = network.spawn(host, 'otel-collector-b', defaultBinaries()['otel-collector']!, placeComponent(gw.component, join(runDir, 'otel-collector-b')));
  await waitHealthy({ component: gw.component, host, process: secondGateway, url: (p) => `http://${host.ip}:${p}` });
  gateways = [gw.url(PORTS.otlpHttp), `http://${host.ip}:${PORTS.otlpHttp}`];
  await sendTraces(gateways, 2000, 20, phase1);
}, 300_000);

afterAll(async () => {
  await network?.destroy();
  if (process.env.O11Y_LIVE_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
});

describe(`two load-balancing collectors in front of ${SAMPLERS} samplers (local, samplers: ${SAMPLERS})`, () => {
  it('routes every span of a trace to one sampler, whichever gateway it came through, and spreads the traces over all of them', async () => {
    const seen = await pollUntil('every span of every trace tapped at a sampler', 60_000, async () => {
      const t = tapped(tapDir);
      const spans = phase1.reduce((a, x) => a + [...(t.get(x.traceId)?.values() ?? [])].reduce((b, c) => b + c, 0), 0);
      return spans === phase1.length * SPANS_PER_TRACE ? { value: t, seen: String(spans) } : { seen: `${spans} of ${phase1.length * SPANS_PER_TRACE} spans` };
    });
    const split = phase1.filter((x) => seen.get(x.traceId)!.size !== 1);
    const perSampler = new Map<string, number>();
    for (const x of phase1) for (const [s, n] of seen.get(x.traceId)!) perSampler.set(s, (perSampler.get(s) ?? 0) + n);
    process.stdout.write(`scale-out: ${phase1.length} traces (${phase1.length * SPANS_PER_TRACE} spans) through 2 gateways; spans per sampler: ${[...perSampler].sort().map(([s, n]) => `${s} ${n}`).join(', ')}; traces split across samplers: ${split.length}\n`);
    expect(split.map((x) => x.traceId)).toEqual([]);
    expect([...perSampler.keys()].sort()).toEqual(['otel-sampler-0', 'otel-sampler-1', 'otel-sampler-2']);
    // a hash of the trace id on a ring where each sampler holds 200 of 600 points, placed by a
    // crc32 of its address: its share moves with the addresses by about ±0.02 (1σ; one run saw
    // 0.39), and 2 000 traces add ±0.01. Each gets a share, within 0.1 of a third (over 4σ)
    for (const n of perSampler.values()) expect(Math.abs(n / (phase1.length * SPANS_PER_TRACE) - 1 / SAMPLERS)).toBeLessThan(0.1);
  });

  it('keeps every error trace: each sampler decides on whole traces', async () => {
    const errors = phase1.filter((x) => x.error);
    const missing = await pollUntil('every error trace stored whole', 60_000, async () => {
      const left = (await Promise.all(errors.map(async (x) => ((await storedSpans(x.traceId)) === SPANS_PER_TRACE ? '' : x.traceId)))).filter(Boolean);
      return left.length === 0 ? { value: left, seen: 'all' } : { seen: `${left.length} of ${errors.length} missing` };
    });
    expect(errors.length).toBe(100);
    expect(missing).toEqual([]);
  });

  it('keeps exactly the other traces the ratio policy picks by trace id, whole, and drops the rest', async () => {
    expect(keepRatio.samplingPercentage / 100).toBe(plan.spec.tracing.tailSampling!.ratio);
    await waitDecided(phase1);
    const normal = phase1.filter((x) => !x.error);
    const picked = normal.filter(policiesKeep).map((x) => x.traceId);
    const { whole, none } = storedWhole(normal, await storedAll(normal));
    process.stdout.write(`scale-out sampling: ${normal.length} normal traces, ${whole.length} stored whole, ${none.length} dropped; the ${keepRatio.samplingPercentage} % policy picks ${picked.length} by trace id\n`);
    expect(whole.sort()).toEqual([...picked].sort());
    expect(none.length).toBe(normal.length - picked.length);
  });

  it('counts every span in the span metrics summed over the samplers, each sampler its own instance', async () => {
    const q = 'sum(traces_spanmetrics_calls_total{job=~".+"})';
    const total = await pollUntil(`${q} = ${phase1.length * SPANS_PER_TRACE}`, 90_000, async () => {
      const v = Number((await promQuery(q))[0]?.value[1] ?? 0);
      return v === phase1.length * SPANS_PER_TRACE ? { value: v, seen: String(v) } : { seen: String(v) };
    });
    expect(total).toBe(phase1.length * SPANS_PER_TRACE);
    const instances = (await promQuery('count by (instance) (traces_spanmetrics_calls_total)')).map((r) => r.metric.instance).sort();
    expect(instances).toEqual(['otel-sampler-0', 'otel-sampler-1', 'otel-sampler-2']);
    // the service graph pairs checkout's client span with cart's server span (they reach the same
    // sampler whichever gateway each came through); a root server span is an edge from `user`
    const edges = (await promQuery('sum by (client, server) (traces_service_graph_request_total)')).map((r) => `${r.metric.client}→${r.metric.server} ${r.value[1]}`).sort();
    expect(edges).toEqual([`checkout→cart ${phase1.length}`, `user→checkout ${phase1.length}`]);
  });

  it('loses exactly the traces a crashed sampler held undecided: its resolver drops it and the others take every later trace', async () => {
    const phase2: SentTrace[] = [];
    const victim = stack.replicas['otel-sampler']![1];
    let crashedAt = 0;
    const sending = (async () => {
      const until = Date.now() + 55_000;
      while (Date.now() < until) {
        await sendTraces(gateways, 50, 20, phase2);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    // long enough before the crash for traces it decided, and after it for the re-resolve and later traffic
    await new Promise((r) => setTimeout(r, 20_000));
    crashedAt = Date.now();
    // a crash (an OOM kill, a lost host): a SIGTERM would let it decide every trace it holds before exiting
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    // as Docker's DNS forgets a dead container, and Cloud Map an unhealthy task
    network.unname(victim.host, 'otel-sampler');
    await sending;
    const t = tapped(tapDir);
    const atVictim = (x: SentTrace) => t.get(x.traceId)?.has('otel-sampler-1') ?? false;
    const complete = (x: SentTrace) => [...(t.get(x.traceId)?.entries() ?? [])].filter(([s]) => s !== 'otel-sampler-1').reduce((a, [, n]) => a + n, 0) === SPANS_PER_TRACE;
    const before = phase2.filter((x) => x.sentAt < crashedAt);
    const window = phase2.filter((x) => x.sentAt >= crashedAt && x.sentAt < crashedAt + 15_000);
    const after = phase2.filter((x) => x.sentAt >= crashedAt + 15_000);
    const lost = (xs: SentTrace[]) => xs.filter((x) => !complete(x)).length;
    // what the live samplers got whole before the crash and once the gateways re-resolved: kept at the ratio, as before
    const live = [...before, ...after].filter(complete);
    await waitDecided(live);
    const stored = await storedAll(phase2);
    const liveStored = storedWhole(live, stored);
    // a sampler decides a trace one decision wait after its first span: what the crashed one got
    // within that wait of the crash is lost, kept or not; what it got earlier was decided as
    // everywhere else. A band of 2 s either side is left out (when a span arrived after it was
    // sent, and when a kept trace left the exporter's queue).
    const wait = plan.spec.tracing.tailSampling!.decisionWaitSeconds * 1000;
    const held = before.filter(atVictim);
    const decided = held.filter((x) => x.sentAt < crashedAt - wait - 2_000);
    const undecided = held.filter((x) => x.sentAt > crashedAt - wait + 2_000);
    const decidedStored = storedWhole(decided, stored);
    const lostKept = held.filter((x) => policiesKeep(x) && stored.get(x.traceId) !== SPANS_PER_TRACE);
    process.stdout.write(
      `sampler crashed: before ${before.length} traces, ${held.length} at the crashed sampler: ${decided.length} sent over ${wait / 1000 + 2} s before the crash (${decidedStored.whole.length} kept), ` +
        `${undecided.length} in its last ${wait / 1000 - 2} s (undecided: ${undecided.filter(policiesKeep).length} of them to keep, stored ${undecided.filter((x) => stored.get(x.traceId)).length}); ` +
        `lost of those to keep: ${lostKept.length}; at live samplers ${live.length} whole (${liveStored.whole.length} kept); first 15 s after ${window.length} (${lost(window)} not whole at a live sampler while the gateways re-resolved), later ${after.length} (${lost(after)})\n`,
    );
    expect(liveStored.whole.sort()).toEqual(live.filter(policiesKeep).map((x) => x.traceId).sort());
    expect(liveStored.none.length).toBe(live.length - liveStored.whole.length);
    expect(decided.length).toBeGreaterThan(50);
    expect(undecided.length).toBeGreaterThan(50);
    expect(decidedStored.whole.sort()).toEqual(decided.filter(policiesKeep).map((x) => x.traceId).sort());
    expect(decidedStored.none.length).toBe(decided.length - decidedStored.whole.length);
    expect(undecided.filter((x) => stored.get(x.traceId)).map((x) => x.traceId)).toEqual([]);
    // the loss: the traces to keep that it held undecided, and nothing it had decided
    const band = (x: SentTrace) => x.sentAt >= crashedAt - wait - 2_000 && x.sentAt <= crashedAt - wait + 2_000;
    expect(lostKept.filter((x) => !band(x)).map((x) => x.traceId).sort()).toEqual(undecided.filter(policiesKeep).map((x) => x.traceId).sort());
    // every trace sent once the gateways re-resolved reaches a live sampler whole
    expect(after.length).toBeGreaterThan(500);
    expect(lost(after)).toBe(0);
    expect(lost(window)).toBeLessThanOrEqual(Math.ceil(window.length / 2));
  }, 240_000);
});
