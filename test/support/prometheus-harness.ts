/**
 * What the end-to-end tests share to run Debian's real Prometheus: where it is, the deadlines
 * (upper bounds on a loaded 2-core machine, never asserted as speed), a free port, polling
 * with a useful failure message, and the exemplar query's result shape.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { component, StackPlan } from '../../src/components/plan';
import { configFor242, flagsFor242 } from './prometheus-2-42';
import { renderedFile } from './plans';

export const PROMETHEUS = process.env.O11Y_PROMETHEUS ?? '/usr/bin/prometheus';
export const MISSING_PROMETHEUS = `${PROMETHEUS} is missing: install Debian's Prometheus with \`apt-get install prometheus\` (CI's .ci/run does)`;

export const STARTUP_DEADLINE_MS = 60_000;
export const DELIVERY_DEADLINE_MS = 60_000;
export const TEST_TIMEOUT_MS = 150_000;

/** One exemplar of `/api/v1/query_exemplars`. */
export interface Exemplar {
  readonly labels: Record<string, string>;
  readonly value: string;
  readonly timestamp: number;
}
export interface ExemplarSeries {
  readonly seriesLabels: Record<string, string>;
  readonly exemplars: readonly Exemplar[];
}

export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Calls `probe` until it returns a value, or fails with `what` and the last observation after the deadline. */
export async function pollUntil<T>(what: string, deadlineMs: number, probe: () => Promise<{ value?: T; seen: string }>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let seen = 'nothing yet';
  for (;;) {
    try {
      const r = await probe();
      if (r.value !== undefined) return r.value;
      seen = r.seen;
    } catch (e) {
      seen = String(e);
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${deadlineMs / 1000}s; last seen: ${seen}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Replaces the value of `--name=` in a flag list; throws if the flag is not there exactly once. */
export function withFlag(args: readonly string[], name: string, value: string): string[] {
  const prefix = `${name}=`;
  const hits = args.filter((a) => a.startsWith(prefix));
  if (hits.length !== 1) throw new Error(`expected one ${name} flag in the component's args, found ${hits.length}: ${args.join(' ')}`);
  return args.map((a) => (a.startsWith(prefix) ? `${prefix}${value}` : a));
}

/** A real Prometheus started for a test, and how to reach and stop it. */
export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** The flags it runs with: the component's own, with only the listen address, data path and config file changed. */
  readonly args: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts Debian's Prometheus with a plan's rendered prometheus.yml and the Prometheus
 * component's own flags, on a free port with its data under `dir`, and waits until it is
 * ready; on failure the error carries the tail of Prometheus's log.
 */
export async function startPrometheus(plan: StackPlan, dir: string): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS)) throw new Error(MISSING_PROMETHEUS);
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, configFor242(renderedFile(plan, 'prometheus.yml')));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = withFlag(
    withFlag(withFlag(flagsFor242(component(plan, 'prometheus')!.args), '--web.listen-address', `127.0.0.1:${port}`), '--storage.tsdb.path', join(dir, 'data')),
    '--config.file',
    configFile,
  );
  const child = spawn(PROMETHEUS, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let exitedEarly: string | undefined;
  const keepLog = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keepLog);
  child.stderr.on('data', keepLog);
  child.on('exit', (code, signal) => {
    exitedEarly = `prometheus exited (code ${code}, signal ${signal})`;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await pollUntil(`Prometheus at ${base} becoming ready`, STARTUP_DEADLINE_MS, async () => {
      if (exitedEarly) throw new Error(`${exitedEarly}:\n${log}`);
      const res = await fetch(`${base}/-/ready`);
      return res.status === 200 ? { value: true, seen: 'ready' } : { seen: `HTTP ${res.status}` };
    });
  } catch (e) {
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- prometheus log ---\n${log}`);
  }
  return { base, args, stop };
}

/** `/api/v1/query_exemplars` over the last hour (and a little ahead, for clock skew), as Grafana asks. */
export async function queryExemplars(base: string, query: string): Promise<ExemplarSeries[]> {
  const now = Date.now() / 1000;
  const params = new URLSearchParams({ query, start: String(now - 3600), end: String(now + 600) });
  const res = await fetch(`${base}/api/v1/query_exemplars?${params}`);
  const json = (await res.json()) as { status: string; data?: ExemplarSeries[]; error?: string };
  if (json.status !== 'success') throw new Error(`query_exemplars ${query}: HTTP ${res.status} ${json.error ?? ''}`);
  return json.data ?? [];
}
