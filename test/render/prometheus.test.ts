/**
 * Prometheus server flags, checked against Prometheus' documentation and against the real
 * server binary (Debian's prometheus 2.42 at /usr/bin; the flags used here are the same in 3.x):
 *
 * - prometheus.io/docs/prometheus/latest/feature_flags/, "Exemplars storage":
 *   `--enable-feature=exemplar-storage` (still a feature flag in 3.x);
 * - the same page up to 2.55: `--enable-feature=remote-write-receiver` "is deprecated. Use
 *   `--web.enable-remote-write-receiver` instead" (a plain flag);
 * - `prometheus --help`: `--storage.tsdb.retention.time` "Units Supported: y, w, d, h, m, s, ms".
 *
 * The real binary parses every flag before it reads its configuration; given a configuration file
 * that does not exist it stops there (exit 2, "Error loading config") without opening a port, so
 * the flags are checked without starting a server.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXEMPLAR_STORAGE_FLAG, prometheusFlags, REMOTE_WRITE_RECEIVER_FLAG, renderPrometheusConfig, RETENTION_FLAG } from '../../src/render/prometheus';
import { O11yValidationError } from '../../src/spec/issues';
import { loadSpec } from '../../src/spec/load';
import { resolveSpec } from '../../src/spec/resolve';
import type { ResolvedSpec } from '../../src/spec/resolved';
import { parse } from 'yaml';
import { flagsFor242 } from '../support/prometheus-2-42';
import { examplePlan, renderedFile } from '../support/plans';

const EXAMPLE_FILE = join(__dirname, '..', '..', 'stacks', 'o11y.yaml');
const PATHS = { config: '/etc/prometheus/prometheus.yml', data: '/prometheus' };
const example = loadSpec(EXAMPLE_FILE);

function withRetention(hours: number): ResolvedSpec {
  const base = resolveSpec(example, 'staging');
  return { ...base, metrics: { ...base.metrics, retentionHours: hours } };
}

/** Prometheus' duration syntax (prometheus/common model.ParseDuration, as documented in configuration.md). */
const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

function prometheusHours(text: string): number {
  const m = PROMETHEUS_DURATION.exec(text);
  if (!m || text === '') throw new Error(`not a Prometheus duration: ${text}`);
  const [y, w, d, h, min, s, ms] = m.slice(1).map((x) => Number(x ?? 0));
  return y * 365 * 24 + w * 7 * 24 + d * 24 + h + min / 60 + s / 3600 + ms / 3_600_000;
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'o11y-prom-flags-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the real prometheus with `flags`, the config file swapped for one that does not exist. */
function runPrometheus(flags: readonly string[]): { status: number | null; output: string } {
  const missingConfig = join(scratch, 'absent', 'prometheus.yml');
  const args = flags.map((f) => (f.startsWith('--config.file=') ? `--config.file=${missingConfig}` : f.startsWith('--storage.tsdb.path=') ? `--storage.tsdb.path=${join(scratch, 'data')}` : f));
  // the timeout only keeps a broken run from hanging the suite; nothing is timed
  const r = spawnSync('prometheus', flagsFor242(args), { encoding: 'utf8', timeout: 30_000, cwd: scratch });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('prometheusFlags', () => {
  it('are exactly these for the example local stack', () => {
    expect(prometheusFlags(resolveSpec(example, 'local'), PATHS)).toEqual([
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      '--storage.tsdb.retention.time=4w',
      '--enable-feature=exemplar-storage',
      '--web.enable-remote-write-receiver',
      '--web.enable-otlp-receiver',
      '--web.listen-address=0.0.0.0:9090',
    ]);
  });

  it('spell the exemplar storage and remote-write receiver flags as Prometheus documents them', () => {
    const flags = prometheusFlags(resolveSpec(example, 'prod'), PATHS);
    expect(EXEMPLAR_STORAGE_FLAG).toBe('--enable-feature=exemplar-storage');
    expect(REMOTE_WRITE_RECEIVER_FLAG).toBe('--web.enable-remote-write-receiver');
    expect(RETENTION_FLAG).toBe('--storage.tsdb.retention.time');
    expect(flags).toContain('--enable-feature=exemplar-storage');
    expect(flags).toContain('--web.enable-remote-write-receiver');
    // not the deprecated feature-flag form of the receiver, which 3.x ignores
    expect(flags.filter((f) => f.startsWith('--enable-feature='))).toEqual(['--enable-feature=exemplar-storage']);
  });

  it.each([
    // 28 days: the SLO window must fit (prod keeps 30)
    ['local', '4w'],
    ['local-jaeger', '4w'],
    ['staging', '4w'],
    ['prod', '30d'],
  ])('carry the metrics retention of %s (%s)', (env, retention) => {
    expect(prometheusFlags(resolveSpec(example, env), PATHS)).toContain(`--storage.tsdb.retention.time=${retention}`);
  });

  it('are accepted by the real prometheus, which enables exemplar storage and knows no unknown option', () => {
    const r = runPrometheus(prometheusFlags(resolveSpec(example, 'prod'), PATHS));
    expect(r.output).toContain('Error loading config');
    expect(r.output).not.toContain('Error parsing commandline arguments');
    expect(r.output).not.toContain('Unknown option for --enable-feature');
    expect(r.output).toMatch(/exemplar storage enabled/i);
    expect(r.status).toBe(2);
  });

  it('would be caught by that check if a flag were misspelled (negative controls)', () => {
    const flags = prometheusFlags(resolveSpec(example, 'prod'), PATHS);
    const misspelled = runPrometheus(flags.map((f) => (f === REMOTE_WRITE_RECEIVER_FLAG ? '--web.enable-remote-write-reciever' : f)));
    expect(misspelled.output).toContain("unknown long flag '--web.enable-remote-write-reciever'");
    const feature = runPrometheus(flags.map((f) => (f === EXEMPLAR_STORAGE_FLAG ? '--enable-feature=exemplars-storage' : f)));
    expect(feature.output).toContain('Unknown option for --enable-feature');
  });
});

describe('the retention flag', () => {
  it.each([
    [2, '2h'],
    [36, '36h'],
    [48, '2d'],
    [336, '2w'],
    [360, '15d'],
    [720, '30d'],
    [8760, '365d'],
    [2562047, '2562047h'],
  ])('writes %d hours as %s, a Prometheus duration of the same length', (hours, text) => {
    const flag = prometheusFlags(withRetention(hours), PATHS).find((f) => f.startsWith(`${RETENTION_FLAG}=`))!;
    expect(flag).toBe(`--storage.tsdb.retention.time=${text}`);
    expect(text).toMatch(PROMETHEUS_DURATION);
    expect(prometheusHours(text)).toBe(hours);
  });

  it('is parsed by the real prometheus for every unit we write', () => {
    // 2562047h is the longest Go time.Duration (about 292 years), Prometheus' limit
    for (const hours of [2, 36, 48, 336, 360, 8760, 2562047]) {
      const r = runPrometheus(prometheusFlags(withRetention(hours), PATHS));
      expect([hours, r.output.includes('Error parsing commandline arguments')]).toEqual([hours, false]);
      expect(r.status).toBe(2);
    }
    // negative control: a spelling Prometheus does not know
    expect(runPrometheus(['--config.file=x', `${RETENTION_FLAG}=15D`]).output).toContain('not a valid duration string: "15D"');
  });

  // BUG (src/spec/duration.ts DURATION_PATTERN, src/spec/resolve.ts resolvedRules): the spec accepts
  // retentions up to 999999w (167999832h), but Prometheus (and Tempo) hold durations as Go
  // time.Duration, at most 2562047h: Prometheus stops with "duration out of range" from 15251w,
  // 106752d or 2562048h on. The spec should reject such a retention with a path and a reason.
  it('is never out of range for Prometheus: the spec rejects what Prometheus cannot hold', () => {
    let resolved: ResolvedSpec;
    try {
      resolved = resolveSpec({ ...example, metrics: { retention: '999999w' } }, 'staging');
    } catch (e) {
      expect(e).toBeInstanceOf(O11yValidationError);
      expect((e as O11yValidationError).lines[0]).toMatch(/^metrics\.retention: /);
      return;
    }
    expect(runPrometheus(prometheusFlags(resolved, PATHS)).output).not.toContain('duration out of range');
  });
});

describe('renderPrometheusConfig', () => {
  const spec = resolveSpec(example, 'prod');
  const config = renderPrometheusConfig(spec, {
    targets: [
      { job: 'prometheus', address: 'localhost:9090' },
      { job: 'checkout', address: 'checkout:9464', path: '/metrics', labels: { service: 'checkout' } },
      { job: 'cart', address: 'cart:9465', path: '/internal/metrics', labels: {} },
    ],
  }) as { global: Record<string, unknown>; storage: unknown; scrape_configs: Record<string, unknown>[] };

  it('sizes the exemplar buffer (storage.exemplars.max_exemplars), 100000 unless told otherwise', () => {
    expect(config.storage).toEqual({ exemplars: { max_exemplars: 100000 } });
    expect(renderPrometheusConfig(spec, { targets: [], maxExemplars: 5 })).toMatchObject({ storage: { exemplars: { max_exemplars: 5 } } });
  });

  it('scrapes and evaluates at the spec interval and labels the series with the stack and environment', () => {
    expect(config.global).toEqual({ scrape_interval: '15s', evaluation_interval: '15s', external_labels: { o11y_stack: 'shop', environment: 'prod' } });
  });

  it('writes metrics_path only where it differs from the Prometheus default /metrics, and labels only where there are some', () => {
    expect(config.scrape_configs).toEqual([
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
      { job_name: 'checkout', static_configs: [{ targets: ['checkout:9464'], labels: { service: 'checkout' } }] },
      { job_name: 'cart', metrics_path: '/internal/metrics', static_configs: [{ targets: ['cart:9465'] }] },
    ]);
  });

  it('discovers a DNS name\'s A records (one per Cloud Map task) and labels them by relabelling', () => {
    const cfg = renderPrometheusConfig(spec, { targets: [{ job: 'checkout', address: 'checkout.shop-prod.o11y.internal:9464', labels: { service: 'checkout' }, discovery: 'dns' }] });
    expect(cfg.scrape_configs).toEqual([
      {
        job_name: 'checkout',
        dns_sd_configs: [{ names: ['checkout.shop-prod.o11y.internal'], type: 'A', port: 9464 }],
        relabel_configs: [{ target_label: 'service', replacement: 'checkout' }],
      },
    ]);
  });

  it('scrapes services on AWS through DNS discovery and on Docker as static targets', () => {
    const jobs = (stack: 'staging' | 'local') => (parse(renderedFile(examplePlan(stack), 'prometheus.yml')) as { scrape_configs: Record<string, unknown>[] }).scrape_configs.filter((j) => j.job_name === 'checkout');
    expect(Object.keys(jobs('staging')[0])).toEqual(['job_name', 'dns_sd_configs', 'relabel_configs']);
    expect(Object.keys(jobs('local')[0])).toEqual(['job_name', 'static_configs']);
  });
});
