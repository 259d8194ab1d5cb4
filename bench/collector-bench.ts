/**
 * `npm run bench:collector [-- --waits 5,10 --rates 2000,5000,10000,15000]`: the tail-sampling
 * collector measured, for the sizing figures in src/spec/defaults.ts. Each point of the grid is
 * staging's plan with `tracing.tailSampling.{decisionWait, expectedSpansPerSecond}` changed in a
 * copy of stacks/o11y.yaml, so the collector runs the rendered config byte for byte, in the build
 * `npm run build:live` makes (exactly the rendered configs' components), beside a real Prometheus
 * and a Jaeger under Tempo's name. telemetrygen on the services' host sends spans at a known
 * rate; the collector's memory (VmRSS) and CPU time come from /proc, the spans it accepted and
 * refused from its own metrics. Method and results: bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { PORTS, TEST_TOOLS } from '../src/spec/defaults';
import type { ObservabilitySpec } from '../src/spec/types';
import { binary } from '../test/live/support/binaries';
import { COLLECTOR_VERSION } from '../test/live/support/collector-build';
import { liveCollector } from '../test/live/support/live-plans';
import { LiveNetwork } from '../test/live/support/netns';
import { defaultBinaries, startStack } from '../test/live/support/stack';
import { awsPlan, exampleSpec } from '../test/support/plans';
import { EXAMPLE_AWS_INPUTS } from '../stacks/stacks';

/**
 * Child spans per trace: one, the fewest telemetrygen makes (it raises 0 to 1), so traces are as
 * small as it allows, near the case the sizing assumes ("every span could start a trace"): every
 * second buffered span carries its own trace entry and its own copy of the resource.
 * Without a decision cache, tail_sampling keeps decided traces' (emptied) entries until
 * num_traces evicts them, so its memory is steady only once num_traces (2 × spans/s × wait
 * traces) is full: after 2 × (1 + CHILD_SPANS) × wait seconds.
 */
const CHILD_SPANS = 1;
/** No telemetrygen worker is asked for more than this many spans/s (its limiter has a burst of 1). */
const MAX_SPANS_PER_WORKER = 250;
/** Seconds after num_traces filled before the steady window starts, and the window's length. */
const SETTLE_S = 3;
const WINDOW_S = 15;
/** Seconds the idle collector runs before its idle RSS is read. */
const IDLE_S = 3;
/** Below this share of the offered rate accepted, telemetrygen fell short of the offered load. */
const KEPT_UP = 0.95;
/**
 * Span and resource attributes of an ordinary HTTP server span (semantic conventions): telemetrygen's own spans
 * carry only two attributes, real ones a dozen; a buffered span's size is mostly its attributes.
 */
const SPAN_ATTRIBUTES = [
  'http.request.method="GET"',
  'http.route="/api/cart/{cartId}/items"',
  'url.path="/api/cart/8d2f7c1e-5b3a-4e8f-9c61-2a7d0b4e9f13/items"',
  'url.scheme="https"',
  'http.response.status_code=200',
  'server.address="cart.shop.internal"',
  'server.port=8080',
  'client.address="10.100.23.17"',
  'user_agent.original="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"',
  'network.protocol.version="1.1"',
];
const RESOURCE_ATTRIBUTES = [
  'service.namespace="storefront"',
  'service.version="2.0.0"',
  'deployment.environment.name="staging"',
  'host.name="ip-10-100-23-17.eu-west-1.compute.internal"',
  'telemetry.sdk.language="go"',
];

interface Point {
  readonly waitS: number;
  /** Offered spans/s. */
  readonly rate: number;
}

interface Result extends Point {
  readonly workers: number;
  readonly numTraces: number;
  readonly idleRssMiB: number;
  readonly steadyRssMiB: number;
  readonly peakRssMiB: number;
  readonly acceptedPerS: number;
  readonly refusedPerS: number;
  /** CPU seconds per second over the window: cores in use. */
  readonly cores: number;
  readonly tracesOnMemory?: number;
  /** The Go heap in use (memory_limiter's measure), median over the window. */
  readonly heapMiB: number;
  /** telemetrygen's CPU seconds per second over the window. */
  readonly generatorCores: number;
  /** Traces evicted before their decision (num_traces full) during the whole run. */
  readonly droppedTooEarly: number;
  /** Seconds from the start of the load until num_traces was full; undefined if it never filled. */
  readonly filledS?: number;
}

const bufferedSpans = (r: Result) => r.acceptedPerS * r.waitS;
const bytesPerSpan = (r: Result) => ((r.steadyRssMiB - r.idleRssMiB) * 2 ** 20) / bufferedSpans(r);
const spansPerCore = (r: Result) => r.acceptedPerS / r.cores;
/** telemetrygen delivered (nearly) the offered rate. */
const reached = (r: Result) => r.acceptedPerS >= KEPT_UP * r.rate;
/** The collector took everything it was sent: nothing refused, no trace evicted before its decision. */
const collectorOk = (r: Result) => r.refusedPerS === 0 && r.droppedTooEarly === 0;

function fail(message: string): never {
  process.stderr.write(`bench:collector: ${message}\n`);
  process.exit(1);
}

function numbers(v: string | undefined, flag: string): number[] {
  const list = (v ?? '').split(',').map(Number);
  if (!v || list.some((n) => !Number.isFinite(n) || n <= 0)) fail(`${flag} needs comma-separated positive numbers (got ${v})`);
  return list;
}

function parseArgs(args: readonly string[]): Point[] {
  let waits = [5, 10];
  let rates = [2000, 5000, 10_000, 15_000];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--waits') waits = numbers(args[++i], '--waits');
    else if (args[i] === '--rates') rates = numbers(args[++i], '--rates');
    else if (args[i] === '--help' || args[i] === '-h') {
      process.stdout.write('usage: npm run bench:collector [-- --waits 5,10] [--rates 2000,5000,10000,15000]\n  --waits   decisionWait values, seconds\n  --rates   offered spans/s\n');
      process.exit(0);
    } else fail(`unknown argument ${args[i]}`);
  }
  return waits.flatMap((waitS) => rates.map((rate) => ({ waitS, rate })));
}

/** Staging's spec with this point's tail-sampling figures; everything else as stacks/o11y.yaml has it. */
function specFor(p: Point): ObservabilitySpec {
  const spec = exampleSpec();
  const staging = spec.environments!.staging;
  const tracing = { ...staging.tracing, tailSampling: { ...staging.tracing!.tailSampling, decisionWait: `${p.waitS}s`, expectedSpansPerSecond: p.rate } };
  return { ...spec, environments: { ...spec.environments, staging: { ...staging, tracing } } };
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function rssMiB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The sum of every series of each named metric on the collector's own /metrics. */
async function collectorMetrics(url: string, names: readonly string[]): Promise<Record<string, number | undefined>> {
  let text = '';
  for (let attempt = 1; ; attempt++) {
    try {
      text = await (await fetch(url)).text();
      break;
    } catch (e) {
      // a scrape that fails now and then is no reason to throw the point away
      if (attempt === 3) throw new Error(`${url}: ${(e as Error).message} (${String((e as Error).cause ?? '')})`);
      await sleep(300);
    }
  }
  const out: Record<string, number | undefined> = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
    const name = m?.[1].replace(/_total$/, '');
    if (m && name && names.includes(name)) out[name] = (out[name] ?? 0) + Number(m[3]);
  }
  return out;
}

// counters carry no _total suffix in 0.159's own Prometheus endpoint (kept either way)
const ACCEPTED = 'otelcol_receiver_accepted_spans';
const REFUSED = 'otelcol_receiver_refused_spans';
const ON_MEMORY = 'otelcol_processor_tail_sampling_sampling_traces_on_memory';
const DROPPED_EARLY = 'otelcol_processor_tail_sampling_sampling_trace_dropped_too_early';
const HEAP = 'otelcol_process_runtime_heap_alloc_bytes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function runPoint(p: Point, telemetrygen: string, collectorBinary: string): Promise<Result> {
  const plan = awsPlan(specFor(p), 'staging', EXAMPLE_AWS_INPUTS.staging);
  const tail = plan.spec.tracing.tailSampling!;
  if (tail.decisionWaitSeconds !== p.waitS || tail.expectedSpansPerSecond !== p.rate) throw new Error(`the plan did not take the point's figures: ${JSON.stringify(tail)}`);
  const numTraces = Number(plan.files.find((f) => f.output === 'otel-collector.yaml')!.content.match(/num_traces: (\d+)/)![1]);
  const runDir = mkdtempSync(join(tmpdir(), 'o11y-bench-collector-'));
  const network = new LiveNetwork(join(runDir, 'logs'));
  let failed = true;
  try {
    const stack = await startStack(plan, network, runDir, { ...defaultBinaries(), 'otel-collector': collectorBinary });
    const collector = stack.components['otel-collector']!;
    const pid = collector.process.child.pid!;
    // `ip netns exec` execs the command: the child's pid is the collector's
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    if (!collectorBinary.endsWith(comm)) throw new Error(`pid ${pid} is ${comm}, not the collector`);
    const metricsUrl = `${collector.url(PORTS.collectorMetrics)}/metrics`;

    await sleep(IDLE_S * 1000);
    const idle: number[] = [];
    for (let i = 0; i < 3; i++, await sleep(500)) idle.push(rssMiB(pid));

    const workers = Math.ceil(p.rate / MAX_SPANS_PER_WORKER);
    const fillS = 2 * (1 + CHILD_SPANS) * p.waitS * 1.2 + 10;
    const loadS = fillS + SETTLE_S + WINDOW_S + 10;
    const gen = network.spawn(stack.servicesHost, 'telemetrygen', telemetrygen, [
      'traces',
      '--otlp-endpoint', `${plan.topology.hostOf('otel-collector')}:${PORTS.otlpGrpc}`,
      '--otlp-insecure',
      '--service', 'cart',
      '--workers', String(workers),
      // per worker, and counted in spans: the limiter waits before every span, parent and child
      '--rate', String(p.rate / workers),
      '--child-spans', String(CHILD_SPANS),
      // the OTel SDKs' default export batch (telemetrygen's own is 100)
      '--batch-size', '512',
      '--duration', `${loadS}s`,
      '--interval', '10s',
      ...SPAN_ATTRIBUTES.flatMap((a) => ['--telemetry-attributes', a]),
      ...RESOURCE_ATTRIBUTES.flatMap((a) => ['--otlp-attributes', a]),
    ]);
    const loadStart = Date.now();
    let held = 0;
    while (Date.now() - loadStart < fillS * 1000) {
      await sleep(1000);
      held = (await collectorMetrics(metricsUrl, [ON_MEMORY]))[ON_MEMORY] ?? 0;
      if (Date.now() - loadStart > p.waitS * 1000 && held >= 0.98 * numTraces) break;
    }
    const filledS = (Date.now() - loadStart) / 1000;
    await sleep(SETTLE_S * 1000);
    if (gen.child.exitCode !== null) throw new Error(`telemetrygen exited (${gen.child.exitCode}): ${gen.output().slice(-2000)}`);

    const m0 = await collectorMetrics(metricsUrl, [ACCEPTED, REFUSED]);
    const c0 = cpuSeconds(pid);
    const g0 = cpuSeconds(gen.child.pid!);
    const t0 = Date.now();
    const rss: number[] = [];
    const onMemory: number[] = [];
    const heap: number[] = [];
    while (Date.now() - t0 < WINDOW_S * 1000) {
      rss.push(rssMiB(pid));
      const v = await collectorMetrics(metricsUrl, [ON_MEMORY, HEAP]);
      if (v[ON_MEMORY] !== undefined) onMemory.push(v[ON_MEMORY]);
      if (v[HEAP] !== undefined) heap.push(v[HEAP] / 2 ** 20);
      await sleep(1000);
    }
    const m1 = await collectorMetrics(metricsUrl, [ACCEPTED, REFUSED]);
    const c1 = cpuSeconds(pid);
    const g1 = cpuSeconds(gen.child.pid!);
    const s = (Date.now() - t0) / 1000;
    const dropped = (await collectorMetrics(metricsUrl, [DROPPED_EARLY]))[DROPPED_EARLY] ?? 0;
    await network.stop(gen, 5_000);
    const result: Result = {
      ...p,
      workers,
      numTraces,
      idleRssMiB: median(idle),
      steadyRssMiB: median(rss),
      peakRssMiB: Math.max(...rss),
      acceptedPerS: ((m1[ACCEPTED] ?? 0) - (m0[ACCEPTED] ?? 0)) / s,
      refusedPerS: ((m1[REFUSED] ?? 0) - (m0[REFUSED] ?? 0)) / s,
      cores: (c1 - c0) / s,
      tracesOnMemory: onMemory.length ? median(onMemory) : undefined,
      heapMiB: heap.length ? median(heap) : NaN,
      generatorCores: (g1 - g0) / s,
      droppedTooEarly: dropped,
      filledS: held >= 0.98 * numTraces ? filledS : undefined,
    };
    failed = false;
    return result;
  } finally {
    await network.destroy();
    if (failed) process.stderr.write(`bench:collector: wait ${p.waitS}s, ${p.rate} spans/s failed; logs in ${join(runDir, 'logs')}\n`);
    else rmSync(runDir, { recursive: true, force: true });
  }
}

const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const f2 = (n: number) => n.toFixed(2);

/** Least squares y = a + b·x. */
function fit(xs: readonly number[], ys: readonly number[]): { a: number; b: number } {
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return { a: my - b * mx, b };
}

function machine(): string {
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'unknown CPU';
  return `${cpus().length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
}

async function main(): Promise<void> {
  const points = parseArgs(process.argv.slice(2));
  const telemetrygen = binary('telemetrygen', 'telemetrygen');
  const collector = liveCollector();
  if (!existsSync(join(collector.dir, 'done'))) fail('the collector is not built: run `npm run build:live` first');
  const started = Date.now();
  process.stdout.write(`collector ${COLLECTOR_VERSION} (Collector Builder, the rendered configs' components), telemetrygen ${TEST_TOOLS.telemetrygen.version}\n`);
  process.stdout.write(`machine: ${machine()}; load average ${loadavg().map(f2).join(' ')}\n`);
  process.stdout.write(`${points.length} points, traces of ${1 + CHILD_SPANS} spans, ${SPAN_ATTRIBUTES.length} span and ${RESOURCE_ATTRIBUTES.length + 1} resource attributes\n\n`);

  const results: Result[] = [];
  for (const p of points) {
    const r = await runPoint(p, telemetrygen, collector.binary);
    results.push(r);
    process.stdout.write(`  wait ${p.waitS}s, ${f0(p.rate)} spans/s: accepted ${f0(r.acceptedPerS)}/s, RSS ${f0(r.idleRssMiB)} → ${f0(r.steadyRssMiB)} MiB, ${f2(r.cores)} cores\n`);
  }

  const head = ['wait', 'offered/s', 'accepted/s', 'refused/s', 'num_traces', 'full after', 'traces held', 'idle RSS', 'steady RSS', 'peak RSS', 'heap', 'dropped early', 'buffered spans', 'bytes/span', 'CPU cores', 'spans/s per core', 'telemetrygen cores', 'offered reached', 'collector took all'];
  const rows = results.map((r) => [
    `${r.waitS}s`, f0(r.rate), f0(r.acceptedPerS), f0(r.refusedPerS), f0(r.numTraces), r.filledS === undefined ? 'never' : `${f0(r.filledS)} s`, r.tracesOnMemory === undefined ? '–' : f0(r.tracesOnMemory),
    `${f0(r.idleRssMiB)} MiB`, `${f0(r.steadyRssMiB)} MiB`, `${f0(r.peakRssMiB)} MiB`, `${f0(r.heapMiB)} MiB`, f0(r.droppedTooEarly), f0(bufferedSpans(r)), f0(bytesPerSpan(r)), f2(r.cores), f0(spansPerCore(r)), f2(r.generatorCores), reached(r) ? 'yes' : 'no', collectorOk(r) ? 'yes' : 'no',
  ]);
  process.stdout.write(`\n| ${head.join(' | ')} |\n|${head.map(() => ' --- ').join('|')}|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n\n`);

  const ok = results.filter(collectorOk);
  const behind = results.filter((r) => !collectorOk(r));
  const short = results.filter((r) => !reached(r));
  const { a, b } = fit(results.map(bufferedSpans), results.map((r) => r.steadyRssMiB * 2 ** 20));
  const lines = [
    `idle RSS (median): ${f0(median(results.map((r) => r.idleRssMiB)))} MiB`,
    `memory per buffered span, (steady − idle) / (accepted/s × wait), median of all points: ${f0(median(results.map(bytesPerSpan)))} B (min ${f0(Math.min(...results.map(bytesPerSpan)))}, max ${f0(Math.max(...results.map(bytesPerSpan)))})`,
    `steady RSS against buffered spans, least squares over all points: ${f0(a / 2 ** 20)} MiB + ${f0(b)} B per span`,
    `spans/s per core, median of the points where the collector took all: ${ok.length ? f0(median(ok.map(spansPerCore))) : '–'} (min ${ok.length ? f0(Math.min(...ok.map(spansPerCore))) : '–'})`,
    `most spans/s accepted: ${f0(Math.max(...results.map((r) => r.acceptedPerS)))} at ${f2(results.reduce((m, r) => (r.acceptedPerS > m.acceptedPerS ? r : m)).cores)} cores`,
    behind.length ? `the collector refused spans or evicted undecided traces (saturated): ${behind.map((r) => `${r.waitS}s × ${f0(r.rate)}/s → ${f0(r.acceptedPerS)}/s at ${f2(r.cores)} cores`).join('; ')}` : 'the collector took every span it was sent at every point (nothing refused, no trace evicted before its decision)',
    short.length ? `telemetrygen fell short of the offered rate at: ${short.map((r) => `${r.waitS}s × ${f0(r.rate)}/s → ${f0(r.acceptedPerS)}/s (telemetrygen ${f2(r.generatorCores)} cores, collector ${f2(r.cores)})`).join('; ')}` : 'telemetrygen delivered the offered rate at every point',
    `took ${f0((Date.now() - started) / 1000)} s; load average ${loadavg().map(f2).join(' ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => fail((e as Error).stack ?? String(e)));
