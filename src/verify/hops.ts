/**
 * `o11y verify`: sends one trace (with an error span), one metric and one log record through the
 * stack's OTLP entry point and follows each to the store it must reach, one hop at a time, each
 * with its own deadline. A hop is a question a store answers about exactly this run (by trace id),
 * so an old series or an earlier run cannot make a broken path look healthy.
 */
import type { VerifyEndpoints } from './endpoints';
import { VERIFY_METRIC_PROMETHEUS, VERIFY_SERVICE, verifyTelemetry, type VerifyTelemetry } from './otlp-payloads';

export interface HopOutcome {
  readonly hop: string;
  readonly ok: boolean;
  /** What was found (ok) or what was seen last before the deadline (broken). */
  readonly detail: string;
  readonly seconds: number;
}

/** One answer of a store: done, or what it said instead. */
type Probe = { readonly done: true; readonly detail: string } | { readonly done: false; readonly seen: string };

interface Hop {
  readonly name: string;
  /** Where it looks, for the line it prints. */
  readonly where: string;
  probe(): Promise<Probe>;
}

export interface VerifyOptions {
  /** Seconds each hop may take before it is declared broken. @default 90 */
  readonly timeoutSeconds?: number;
  /** Between two probes of a hop. @default 2000 */
  readonly intervalMs?: number;
  /** Called with each hop's outcome, in order, as soon as it and every hop before it are known. */
  readonly onHop?: (o: HopOutcome) => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default Date.now */
  readonly now?: () => number;
}

const PER_REQUEST_MS = 10_000;

async function getJson(f: typeof fetch, url: string): Promise<{ status: number; body: unknown }> {
  const res = await f(url, { signal: AbortSignal.timeout(PER_REQUEST_MS) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: res.status, body: text.slice(0, 200) };
  }
}

function describeError(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

/** Polls a hop until it is done or its deadline passes. */
async function follow(hop: Hop, timeoutMs: number, intervalMs: number, now: () => number): Promise<HopOutcome> {
  const start = now();
  let seen = 'no answer yet';
  for (;;) {
    try {
      const p = await hop.probe();
      if (p.done) return { hop: hop.name, ok: true, detail: `${hop.where}: ${p.detail}`, seconds: (now() - start) / 1000 };
      seen = p.seen;
    } catch (e) {
      seen = describeError(e);
    }
    if (now() - start + intervalMs > timeoutMs) return { hop: hop.name, ok: false, detail: `${hop.where}: ${seen} (after ${Math.round(timeoutMs / 1000)} s)`, seconds: (now() - start) / 1000 };
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function promQuery(f: typeof fetch, base: string, path: string, params: Record<string, string>) {
  return getJson(f, `${base}${path}?${new URLSearchParams(params)}`);
}

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string> }[];
}

/** Does Prometheus hold an exemplar carrying `traceId` under `label` on a series `selector` selects? */
async function exemplarProbe(f: typeof fetch, prometheus: string, selector: string, label: string, traceId: string, sentAt: number): Promise<Probe> {
  const r = await promQuery(f, prometheus, '/api/v1/query_exemplars', { query: selector, start: String(sentAt / 1000 - 120), end: String(Date.now() / 1000 + 60) });
  if (r.status !== 200) return { done: false, seen: `HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}` };
  const series = ((r.body as { data?: ExemplarSeries[] }).data ?? []);
  const hit = series.find((s) => s.exemplars.some((e) => e.labels[label] === traceId));
  if (hit) return { done: true, detail: `${hit.seriesLabels.__name__ ?? selector} carries an exemplar ${label}=${traceId}` };
  const series0 = await promQuery(f, prometheus, '/api/v1/query', { query: `count(${selector})` });
  const count = ((series0.body as { data?: { result?: { value: [number, string] }[] } }).data?.result?.[0]?.value[1]) ?? '0';
  return { done: false, seen: `${count} series for ${selector}, none with an exemplar ${label}=${traceId}` };
}

function hopsFor(e: VerifyEndpoints, t: VerifyTelemetry, f: typeof fetch, sentAt: number): Hop[] {
  const hops: Hop[] = [];
  const store = e.traceStore;
  hops.push({
    name: 'trace',
    where: `${store.kind === 'jaeger' ? 'Jaeger' : 'Tempo'} (${store.component}) at ${store.url}`,
    async probe() {
      if (store.kind === 'jaeger') {
        const r = await getJson(f, `${store.url}/api/traces/${t.traceId}`);
        const spans = (r.body as { data?: { spans?: unknown[] }[] }).data?.[0]?.spans?.length ?? 0;
        return spans >= 2 ? { done: true, detail: `trace ${t.traceId} with ${spans} spans` } : { done: false, seen: r.status === 404 ? `no trace ${t.traceId}` : `HTTP ${r.status}, ${spans} spans of trace ${t.traceId}` };
      }
      const r = await getJson(f, `${store.url}/api/v2/traces/${t.traceId}`);
      const body = r.body as { trace?: { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] } };
      const spans = (body.trace?.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? [])).length;
      return spans >= 2 ? { done: true, detail: `trace ${t.traceId} with ${spans} spans` } : { done: false, seen: r.status === 404 ? `no trace ${t.traceId}` : `HTTP ${r.status}, ${spans} spans of trace ${t.traceId}` };
    },
  });
  const sm = e.spanMetrics;
  hops.push({
    name: 'span metrics',
    where: `Prometheus at ${e.prometheus} (computed by ${sm.source})`,
    probe: () => exemplarProbe(f, e.prometheus, `${sm.latencyBucket}{${sm.serviceLabel}="${VERIFY_SERVICE}"}`, sm.exemplarLabel, t.traceId, sentAt),
  });
  hops.push({
    name: 'metric',
    where: `Prometheus at ${e.prometheus} (OTLP from ${e.otlpHttp.component})`,
    probe: () => exemplarProbe(f, e.prometheus, `${VERIFY_METRIC_PROMETHEUS}{service_name="${VERIFY_SERVICE}"}`, 'trace_id', t.traceId, sentAt),
  });
  if (e.loki) {
    const loki = e.loki;
    hops.push({
      name: 'log',
      where: `Loki at ${loki}`,
      async probe() {
        const query = `{service_name="${VERIFY_SERVICE}"} | trace_id="${t.traceId}"`;
        const r = await getJson(f, `${loki}/loki/api/v1/query_range?${new URLSearchParams({ query, start: `${BigInt(sentAt - 300_000) * 1_000_000n}`, end: `${BigInt(Date.now() + 60_000) * 1_000_000n}`, limit: '10' })}`);
        if (r.status !== 200) return { done: false, seen: `HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}` };
        const lines = ((r.body as { data?: { result?: { values?: unknown[] }[] } }).data?.result ?? []).reduce((n, s) => n + (s.values?.length ?? 0), 0);
        return lines > 0 ? { done: true, detail: `${lines} line with trace_id ${t.traceId}` } : { done: false, seen: `no line for ${query}` };
      },
    });
  }
  hops.push({
    name: 'rules',
    where: `Prometheus at ${e.prometheus}`,
    async probe() {
      const r = await getJson(f, `${e.prometheus}/api/v1/rules`);
      const groups = (r.body as { data?: { groups?: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] } }).data?.groups ?? [];
      const loaded = new Set(groups.map((g) => g.name));
      const missing = e.ruleGroups.filter((g) => !loaded.has(g));
      if (missing.length) return { done: false, seen: `rule groups not loaded: ${missing.join(', ')}` };
      const failing = groups.flatMap((g) => g.rules.filter((x) => x.health === 'err').map((x) => `${g.name}/${x.name}: ${x.lastError ?? 'error'}`));
      if (failing.length) return { done: false, seen: `rules failing: ${failing.slice(0, 3).join('; ')}` };
      const rules = groups.reduce((n, g) => n + g.rules.length, 0);
      return { done: true, detail: `${groups.length} groups, ${rules} rules loaded, none failing` };
    },
  });
  if (e.alertmanager) {
    const am = e.alertmanager;
    hops.push({
      name: 'alertmanager',
      where: `Alertmanager at ${am}`,
      async probe() {
        const r = await getJson(f, `${e.prometheus}/api/v1/alertmanagers`);
        const active = (r.body as { data?: { activeAlertmanagers?: { url: string }[] } }).data?.activeAlertmanagers ?? [];
        if (active.length === 0) return { done: false, seen: 'Prometheus has no active Alertmanager' };
        const ready = await f(`${am}/-/ready`, { signal: AbortSignal.timeout(PER_REQUEST_MS) });
        return ready.ok ? { done: true, detail: `ready; Prometheus sends to ${active.map((a) => a.url).join(', ')}` } : { done: false, seen: `/-/ready answered HTTP ${ready.status}` };
      },
    });
  }
  return hops;
}

/**
 * Sends the run's telemetry, then follows every hop at once (each within its own deadline) and
 * reports them in order. Returns every outcome; the first that is not ok is the broken hop.
 */
export async function verifyStack(e: VerifyEndpoints, opts: VerifyOptions = {}): Promise<HopOutcome[]> {
  const f = opts.fetch ?? globalThis.fetch;
  const now = opts.now ?? Date.now;
  const timeoutMs = (opts.timeoutSeconds ?? 90) * 1000;
  const intervalMs = opts.intervalMs ?? 2000;
  const outcomes: HopOutcome[] = [];
  const report = (o: HopOutcome) => {
    outcomes.push(o);
    opts.onHop?.(o);
  };
  const sentAt = now();
  const t = verifyTelemetry(e.environment, sentAt);
  // the entry point: one request per signal; it answers as soon as its receiver took the data
  const send = await follow(
    {
      name: 'send',
      where: `OTLP/HTTP ${e.otlpHttp.component} at ${e.otlpHttp.url}`,
      async probe() {
        const refused: string[] = [];
        for (const [signal, body] of [['traces', t.traces], ['metrics', t.metrics], ['logs', t.logs]] as const) {
          const res = await f(`${e.otlpHttp.url}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(PER_REQUEST_MS) });
          if (!res.ok) refused.push(`${signal}: HTTP ${res.status} ${(await res.text()).slice(0, 120)}`);
        }
        return refused.length === 0 ? { done: true, detail: `trace ${t.traceId} (2 spans, 1 error), 1 metric, 1 log record accepted` } : { done: false, seen: refused.join('; ') };
      },
    },
    Math.min(timeoutMs, 30_000),
    intervalMs,
    now,
  );
  report(send);
  const hops = hopsFor(e, t, f, sentAt);
  if (!send.ok) {
    for (const h of hops) report({ hop: h.name, ok: false, detail: `${h.where}: not checked, nothing was sent`, seconds: 0 });
    return outcomes;
  }
  const pending = hops.map((h) => follow(h, timeoutMs, intervalMs, now));
  for (const p of pending) report(await p);
  return outcomes;
}

/** One line per hop, as `o11y verify` prints it. */
export function formatHop(o: HopOutcome): string {
  return `${o.ok ? 'ok    ' : 'BROKEN'} ${o.hop.padEnd(13)} ${o.detail}${o.ok ? ` (${o.seconds.toFixed(1)} s)` : ''}\n`;
}
