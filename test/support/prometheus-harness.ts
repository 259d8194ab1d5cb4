/**
 * What the end-to-end tests share to run Debian's real Prometheus: where it is, the deadlines
 * (upper bounds on a loaded 2-core machine, never asserted as speed), a free port, polling
 * with a useful failure message, and the exemplar query's result shape.
 */
import { AddressInfo, createServer as createNetServer } from 'node:net';

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
