/**
 * The Prometheus part of the emitted-metrics table (src/checks/dashboard-metrics.ts) against a
 * real Prometheus (Debian's /usr/bin/prometheus, on 127.0.0.1) started with the stack's own
 * exemplar and remote-write flags and scraping itself, as the stack's Prometheus does.
 * Debian ships 2.42 while the stack runs 3.x; these names exist in both.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC_FAMILIES } from '../../src/checks/dashboard-metrics';
import { EXEMPLAR_STORAGE_FLAG, REMOTE_WRITE_RECEIVER_FLAG } from '../../src/render/prometheus';
import { STACK_ALERTS_FILE } from '../../src/render/stack-alerts';
import { examplePlan, renderedFile } from '../support/plans';

const PROMETHEUS = process.env.O11Y_PROMETHEUS ?? '/usr/bin/prometheus';
const MISSING_PROMETHEUS = `${PROMETHEUS} is missing: install Debian's Prometheus with \`apt-get install prometheus\` (CI's .ci/run does)`;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

let dir: string;
let prom: ChildProcess | undefined;
let base: string;
let log = '';

beforeAll(async () => {
  if (!existsSync(PROMETHEUS)) throw new Error(MISSING_PROMETHEUS);
  dir = mkdtempSync(join(tmpdir(), 'o11y-prom-self-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // the stack's own alert rules, loaded as the stack loads them: rule-evaluation series exist per rule group
  writeFileSync(join(dir, 'stack.yml'), renderedFile(examplePlan('staging'), STACK_ALERTS_FILE));
  // an Alertmanager to send to, as the stack's Prometheus has (nothing listens there: the per-Alertmanager series exist once it is discovered)
  const alertmanager = `127.0.0.1:${await freePort()}`;
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nalerting: { alertmanagers: [{ static_configs: [{ targets: ['${alertmanager}'] }] }] }\nrule_files: ['${join(dir, 'stack.yml')}']\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`);
  prom = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, EXEMPLAR_STORAGE_FLAG, REMOTE_WRITE_RECEIVER_FLAG], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prom.stdout?.on('data', (b) => (log += String(b)));
  prom.stderr?.on('data', (b) => (log += String(b)));
});

afterAll(() => {
  prom?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Metric names Prometheus holds, once a self-scrape has stored `up` and the exemplar gauges. */
async function storedNames(want: readonly string[]): Promise<string[]> {
  const deadline = Date.now() + 45_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    try {
      // a request to the remote-write receiver, so its handler label exists like in the stack
      await fetch(`${base}/api/v1/write`, { method: 'POST', body: '' });
      const res = (await (await fetch(`${base}/api/v1/label/__name__/values`)).json()) as { data: string[] };
      names = res.data;
      if (want.every((n) => names.includes(n))) return names;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Prometheus never stored all of ${want.join(', ')}; it has ${names.length} names. Log:\n${log.slice(-2000)}`);
}

describe("Prometheus' own metrics (a real Prometheus)", () => {
  it('stores every name the table says Prometheus emits about itself and about each scrape', async () => {
    const want = [...METRIC_FAMILIES.prometheusSelf.names, ...METRIC_FAMILIES.scrapeSeries.names];
    const names = await storedNames(want);
    expect(want.filter((n) => !names.includes(n))).toEqual([]);
  });

  it('labels remote-write receiver requests with handler="/api/v1/write", as the stack-health panel selects them', async () => {
    await storedNames(['prometheus_http_requests_total']);
    const deadline = Date.now() + 30_000;
    let result: unknown[] = [];
    while (Date.now() < deadline && result.length === 0) {
      const url = `${base}/api/v1/query?query=${encodeURIComponent('prometheus_http_requests_total{handler="/api/v1/write"}')}`;
      result = ((await (await fetch(url)).json()) as { data: { result: unknown[] } }).data.result;
      if (result.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(result.length).toBeGreaterThan(0);
  });
});
