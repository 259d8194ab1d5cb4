import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_METRICS_PATH,
  DEFAULT_METRICS_RETENTION,
  DEFAULT_PROPAGATORS,
  DEFAULT_PROTOCOL,
  DEFAULT_SAMPLING_RATIO,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SLOWER_THAN,
  DEFAULT_TRACING_RETENTION,
} from '../../src/spec/defaults';
import { O11yValidationError } from '../../src/spec/issues';
import { loadSpec } from '../../src/spec/load';
import { resolveSpec } from '../../src/spec/resolve';
import type { ObservabilitySpec } from '../../src/spec/types';

const TYPES_FILE = join(__dirname, '..', '..', 'src', 'spec', 'types.ts');
const EXAMPLE_FILE = join(__dirname, '..', '..', 'stacks', 'o11y.yaml');

/** `Interface.property` → the text after `@default` in its JSDoc, read from src/spec/types.ts. */
function documentedDefaults(): Map<string, string> {
  const text = readFileSync(TYPES_FILE, 'utf8');
  const out = new Map<string, string>();
  const interfaces = [...text.matchAll(/export interface (\w+)/g)].map((m) => ({ name: m[1], at: m.index ?? 0 }));
  for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*readonly (\w+)\??:/g)) {
    const doc = /@default (.+)/.exec(m[1]);
    if (!doc) continue;
    const owner = interfaces.filter((i) => i.at < (m.index ?? 0)).pop();
    out.set(`${owner?.name}.${m[2]}`, doc[1].trim());
  }
  return out;
}

const minimal: ObservabilitySpec = { name: 'shop', services: [{ name: 'checkout' }] };

describe('defaults', () => {
  it('are the values the ObservabilitySpec documentation promises (@default in types.ts)', () => {
    const docs = documentedDefaults();
    expect(docs.get('ObservabilitySpec.sampling')).toBe(`{ ratio: ${DEFAULT_SAMPLING_RATIO} }`);
    expect(JSON.parse(docs.get('ObservabilitySpec.propagators')!)).toEqual(DEFAULT_PROPAGATORS);
    expect(JSON.parse(docs.get('ServiceSpec.protocol')!)).toBe(DEFAULT_PROTOCOL);
    expect(JSON.parse(docs.get('ServiceMetricsSpec.path')!)).toBe(DEFAULT_METRICS_PATH);
    expect(JSON.parse(docs.get('TracingSpec.retention')!)).toBe(DEFAULT_TRACING_RETENTION);
    expect(JSON.parse(docs.get('TracingSpec.slowerThan')!)).toBe(DEFAULT_SLOWER_THAN);
    expect(JSON.parse(docs.get('MetricsSpec.retention')!)).toBe(DEFAULT_METRICS_RETENTION);
    expect(JSON.parse(docs.get('MetricsSpec.scrapeInterval')!)).toBe(DEFAULT_SCRAPE_INTERVAL);
  });

  it('fill in everything a minimal spec leaves out', () => {
    const r = resolveSpec({ name: 'shop', services: [{ name: 'checkout', metrics: { port: 9464 } }] }, 'local');
    expect(r).toEqual({
      name: 'shop',
      environment: 'local',
      services: [{ name: 'checkout', protocol: 'http/protobuf', samplingRatio: 1, metrics: { port: 9464, path: '/metrics' }, attributes: {}, slos: [] }],
      propagators: ['tracecontext', 'baggage'],
      // 14d, 1s, 15d, 15s
      tracing: { retentionHours: 336, slowerThanMs: 1000, tempo: { mode: 'monolithic', modeFrom: 'volume' } },
      metrics: { retentionHours: 360, scrapeIntervalSeconds: 15 },
      logs: { retentionHours: 168 },
      // 28d
      slo: { windowHours: 672 },
      // no receivers: alerts fire and stay in Alertmanager and Grafana
      alerting: { receivers: [], route: {} },
    });
  });

  it('leave out what has no default: version, namespace and metrics', () => {
    const [s] = resolveSpec(minimal, 'local').services;
    expect(Object.keys(s).sort()).toEqual(['attributes', 'name', 'protocol', 'samplingRatio', 'slos']);
  });

  it('are copied, so a caller cannot change the defaults through a resolved spec', () => {
    const r = resolveSpec(minimal, 'local');
    expect(r.propagators).not.toBe(DEFAULT_PROPAGATORS);
    (r.propagators as string[]).push('b3');
    expect(resolveSpec(minimal, 'local').propagators).toEqual(['tracecontext', 'baggage']);
  });
});

describe('sampling precedence: env.services > env > service > spec', () => {
  const base: ObservabilitySpec = {
    name: 'shop',
    sampling: { ratio: 0.5 },
    services: [{ name: 'own', sampling: { ratio: 0.25 } }, { name: 'plain' }],
    environments: {
      env: { sampling: { ratio: 0.1 } },
      'env-svc': { sampling: { ratio: 0.1 }, services: { own: { sampling: { ratio: 0.75 } }, plain: { sampling: { ratio: 0.9 } } } },
      'svc-only': { services: { plain: { sampling: { ratio: 0.3 } } } },
      zero: { sampling: { ratio: 0 } },
    },
  };
  const ratios = (env: string) => Object.fromEntries(resolveSpec(base, env).services.map((s) => [s.name, s.samplingRatio]));

  it('uses the service ratio, else the spec ratio, where the environment says nothing', () => {
    expect(ratios('staging')).toEqual({ own: 0.25, plain: 0.5 });
  });

  it('lets the environment ratio win over both', () => {
    expect(ratios('env')).toEqual({ own: 0.1, plain: 0.1 });
  });

  it('lets a per-service override in the environment win over everything', () => {
    expect(ratios('env-svc')).toEqual({ own: 0.75, plain: 0.9 });
    expect(ratios('svc-only')).toEqual({ own: 0.25, plain: 0.3 });
  });

  it('keeps a ratio of 0 instead of falling through to the next level', () => {
    expect(ratios('zero')).toEqual({ own: 0, plain: 0 });
  });

  it('falls back to ratio 1 when nobody sets one', () => {
    expect(resolveSpec(minimal, 'prod').services[0].samplingRatio).toBe(1);
  });

  it('gives the example stacks the ratios their comments describe', () => {
    const spec = loadSpec(EXAMPLE_FILE);
    const table = (env: string) => Object.fromEntries(resolveSpec(spec, env).services.map((s) => [s.name, s.samplingRatio]));
    expect(table('local')).toEqual({ checkout: 1, cart: 1, catalog: 1, 'payments-gateway': 1 });
    expect(table('local-jaeger')).toEqual({ checkout: 1, cart: 1, catalog: 1, 'payments-gateway': 1 });
    // staging and prod sample at the tail, so their SDKs keep everything
    expect(table('staging')).toEqual({ checkout: 1, cart: 1, catalog: 1, 'payments-gateway': 1 });
    expect(table('prod')).toEqual({ checkout: 1, cart: 1, catalog: 1, 'payments-gateway': 1 });
    // an environment the file does not list gets the base spec's head sampling
    expect(table('qa')).toEqual({ checkout: 0.25, cart: 0.5, catalog: 0.5, 'payments-gateway': 1 });
  });
});

describe('attributes', () => {
  const spec: ObservabilitySpec = {
    name: 'shop',
    services: [{ name: 'checkout', attributes: { tier: 'web', team: 'payments' } }, { name: 'cart' }],
    environments: { prod: { services: { checkout: { attributes: { team: 'payments-oncall', region: 'eu-west-1' } }, cart: { attributes: { 'app.owner': 'x' } } } } },
  };

  it('merge an environment override over the service attributes, the override winning', () => {
    expect(resolveSpec(spec, 'prod').services[0].attributes).toEqual({ region: 'eu-west-1', team: 'payments-oncall', tier: 'web' });
    expect(resolveSpec(spec, 'prod').services[1].attributes).toEqual({ 'app.owner': 'x' });
  });

  it('are sorted by key, so the rendered environment does not depend on the order in the file', () => {
    expect(Object.keys(resolveSpec(spec, 'prod').services[0].attributes)).toEqual(['region', 'team', 'tier']);
    expect(Object.keys(resolveSpec(spec, 'staging').services[0].attributes)).toEqual(['team', 'tier']);
  });

  it('are left alone in other environments', () => {
    expect(resolveSpec(spec, 'staging').services.map((s) => s.attributes)).toEqual([{ team: 'payments', tier: 'web' }, {}]);
  });

  it('do not change the spec they came from', () => {
    resolveSpec(spec, 'prod');
    expect(spec.services[0].attributes).toEqual({ tier: 'web', team: 'payments' });
  });
});

describe('durations', () => {
  it.each([
    ['12h', 12],
    ['14d', 336],
    ['2w', 336],
    ['2h', 2],
    ['87600h', 87600],
  ])('turn a retention of %s into %d hours', (retention, hours) => {
    const r = resolveSpec({ ...minimal, tracing: { retention }, metrics: { retention } }, 'local');
    expect(r.tracing.retentionHours).toBe(hours);
    expect(r.metrics.retentionHours).toBe(hours);
  });

  it.each([
    ['250ms', 250],
    ['2s', 2000],
    ['1ms', 1],
  ])('turn a slow-trace threshold of %s into %d ms', (slowerThan, ms) => {
    expect(resolveSpec({ ...minimal, tracing: { slowerThan } }, 'local').tracing.slowerThanMs).toBe(ms);
  });

  it.each([
    ['15s', 15],
    ['1m', 60],
    ['90s', 90],
  ])('turn a scrape interval of %s into %d seconds', (scrapeInterval, s) => {
    expect(resolveSpec({ ...minimal, metrics: { scrapeInterval } }, 'local').metrics.scrapeIntervalSeconds).toBe(s);
  });
});

describe('environment overrides of tracing and metrics', () => {
  const spec: ObservabilitySpec = {
    ...minimal,
    tracing: { retention: '14d', slowerThan: '1s' },
    metrics: { retention: '15d', scrapeInterval: '15s' },
    environments: {
      prod: { tracing: { retention: '30d' }, metrics: { retention: '30d' } },
      fast: { tracing: { slowerThan: '300ms' }, metrics: { scrapeInterval: '5s' } },
    },
  };

  it('replace the retention of that environment only', () => {
    expect(resolveSpec(spec, 'prod').tracing).toEqual({ retentionHours: 720, slowerThanMs: 1000, tempo: { mode: 'monolithic', modeFrom: 'volume' } });
    expect(resolveSpec(spec, 'prod').metrics).toEqual({ retentionHours: 720, scrapeIntervalSeconds: 15 });
    expect(resolveSpec(spec, 'staging').tracing.retentionHours).toBe(336);
    expect(resolveSpec(spec, 'staging').metrics.retentionHours).toBe(360);
  });

  it('replace one setting and keep the others of the base spec', () => {
    expect(resolveSpec(spec, 'fast').tracing).toEqual({ retentionHours: 336, slowerThanMs: 300, tempo: { mode: 'monolithic', modeFrom: 'volume' } });
    expect(resolveSpec(spec, 'fast').metrics).toEqual({ retentionHours: 360, scrapeIntervalSeconds: 5 });
  });

  it('give the example stacks their documented retentions', () => {
    const example = loadSpec(EXAMPLE_FILE);
    const hours = (env: string) => {
      const r = resolveSpec(example, env);
      return [r.tracing.retentionHours, r.metrics.retentionHours];
    };
    // metrics keep the 28-day SLO window everywhere (it must fit), prod 30 days
    expect(hours('local')).toEqual([48, 672]);
    expect(hours('local-jaeger')).toEqual([336, 672]);
    expect(hours('staging')).toEqual([336, 672]);
    expect(hours('prod')).toEqual([720, 720]);
  });
});

describe('resolveSpec', () => {
  it('names the environment it resolved, known to the spec or not', () => {
    expect(resolveSpec(minimal, 'prod').environment).toBe('prod');
    expect(resolveSpec(minimal, 'qa-eu').environment).toBe('qa-eu');
  });

  it('validates a spec written in TypeScript like a file', () => {
    const bad = { name: 'Shop', services: [] } as unknown as ObservabilitySpec;
    expect(() => resolveSpec(bad, 'local')).toThrow(O11yValidationError);
    expect(() => resolveSpec(bad, 'local')).toThrow(/^spec: 2 problems\n/);
  });

  it('is deterministic', () => {
    const example = loadSpec(EXAMPLE_FILE);
    expect(JSON.stringify(resolveSpec(example, 'prod'))).toBe(JSON.stringify(resolveSpec(loadSpec(EXAMPLE_FILE), 'prod')));
  });
});
