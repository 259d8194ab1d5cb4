/**
 * `tracing.tailSampling` in the spec: every validation rule with its exact message (written out
 * by hand from the rules, as a user reads them), the documented defaults, and how an
 * environment's block is merged over the base one field by field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssue, O11yValidationError } from '../../src/spec/issues';
import { parseSpec } from '../../src/spec/load';
import { resolveSpec } from '../../src/spec/resolve';
import type { ResolvedTailSampling } from '../../src/spec/resolved';
import type { ObservabilitySpec, TailSamplingSpec, TracingSpec } from '../../src/spec/types';
import { specIssues } from '../../src/spec/validate';
import { exampleSpec } from '../support/plans';

const TYPES_FILE = join(__dirname, '..', '..', 'src', 'spec', 'types.ts');
const KNOWN_KEYS = 'enabled, keepErrors, slowerThan, ratio, decisionWait, expectedSpansPerSecond, samplers';

type Json = Record<string, unknown>;

function spec(tracing: Json, environments?: Json): Json {
  return { name: 'shop', services: [{ name: 'checkout' }], tracing, ...(environments ? { environments } : {}) };
}

const problems = (value: unknown) => specIssues(value).map(formatIssue);
const tailProblems = (tail: unknown) => problems(spec({ tailSampling: tail }));

function tailOf(s: ObservabilitySpec, env: string): ResolvedTailSampling | undefined {
  return resolveSpec(s, env).tracing.tailSampling;
}

/** The resolved defaults, by hand: keep errors, slower than tracing.slowerThan (1s), 10 %, 10 s, 1000 spans/s. */
const DEFAULTS: ResolvedTailSampling = { keepErrors: true, slowerThanMs: 1000, ratio: 0.1, decisionWaitSeconds: 10, expectedSpansPerSecond: 1000, samplers: 1 };

describe('validation of tracing.tailSampling', () => {
  it('accepts an empty block, every field at its bounds, and minutes or seconds for decisionWait', () => {
    expect(tailProblems({})).toEqual([]);
    expect(tailProblems({ enabled: true, keepErrors: false, slowerThan: '1ms', ratio: 0, decisionWait: '1s', expectedSpansPerSecond: 1 })).toEqual([]);
    expect(tailProblems({ ratio: 1, decisionWait: '1s', expectedSpansPerSecond: 320_000 })).toEqual([]);
    expect(tailProblems({ ratio: 1, decisionWait: '5m', expectedSpansPerSecond: 31_429 })).toEqual([]);
    expect(tailProblems({ decisionWait: '300s' })).toEqual([]);
  });

  it('refuses a ratio outside 0..1, or not a number', () => {
    expect(tailProblems({ ratio: 1.5 })).toEqual(['tracing.tailSampling.ratio: must be between 0 and 1 (got 1.5)']);
    expect(tailProblems({ ratio: -0.1 })).toEqual(['tracing.tailSampling.ratio: must be between 0 and 1 (got -0.1)']);
    expect(tailProblems({ ratio: '10%' })).toEqual(['tracing.tailSampling.ratio: must be a number, not string (got "10%")']);
  });

  it('refuses a decisionWait above 5 minutes, however it is written', () => {
    const tooLong = (got: string) => `tracing.tailSampling.decisionWait: must be at most 5m: the collector holds every trace in memory that long (got "${got}")`;
    expect(tailProblems({ decisionWait: '6m' })).toEqual([tooLong('6m')]);
    expect(tailProblems({ decisionWait: '301s' })).toEqual([tooLong('301s')]);
    expect(tailProblems({ decisionWait: '9999m' })).toEqual([tooLong('9999m')]);
  });

  it.each(['10', '0s', '1h', '1.5s', '10 s', '500ms', '', '1m30s'])('refuses the decisionWait %p: not an interval like 15s or 1m', (bad) => {
    expect(tailProblems({ decisionWait: bad })).toEqual([`tracing.tailSampling.decisionWait: must match an interval like 15s or 1m (got ${JSON.stringify(bad)})`]);
  });

  it('refuses a sampler count outside 1..64, and too few samplers for the span rate', () => {
    expect(tailProblems({ samplers: 0 })).toEqual(['tracing.tailSampling.samplers: must be between 1 and 64 (got 0)']);
    expect(tailProblems({ samplers: 2.5 })).toEqual(['tracing.tailSampling.samplers: must be an integer (got 2.5)']);
    const spec: ObservabilitySpec = { name: 'shop', services: [{ name: 'checkout' }], tracing: { tailSampling: { expectedSpansPerSecond: 600_000, samplers: 1 } } };
    expect(() => resolveSpec(spec, 'prod')).toThrow(
      "tracing.tailSampling.samplers (environment 'prod'): must be at least 2 for 600000 spans/s: one collector carries at most 320000 spans/s on the largest Fargate task (got 1)",
    );
  });

  it('defaults to one sampler up to 80 000 spans/s and one more per 80 000 above', () => {
    const samplers = (expectedSpansPerSecond: number) => resolveSpec({ name: 'shop', services: [{ name: 'checkout' }], tracing: { tailSampling: { expectedSpansPerSecond } } }, 'prod').tracing.tailSampling!.samplers;
    expect([1, 80_000, 80_001, 160_000, 600_000].map(samplers)).toEqual([1, 1, 2, 2, 8]);
  });

  it.each(['1m', '0ms', '1.5s', '2 s', '1000'])('refuses the slowerThan %p: not a latency like 500ms or 2s', (bad) => {
    expect(tailProblems({ slowerThan: bad })).toEqual([`tracing.tailSampling.slowerThan: must match a latency like 500ms or 2s (got ${JSON.stringify(bad)})`]);
  });

  it('refuses an expectedSpansPerSecond that is not a whole number from 1 to 20 480 000 (64 samplers of 320 000)', () => {
    expect(tailProblems({ expectedSpansPerSecond: 1.5 })).toEqual(['tracing.tailSampling.expectedSpansPerSecond: must be an integer (got 1.5)']);
    expect(tailProblems({ expectedSpansPerSecond: 20_480_001 })).toEqual(['tracing.tailSampling.expectedSpansPerSecond: must be between 1 and 20480000 (got 20480001)']);
    expect(tailProblems({ expectedSpansPerSecond: 0 })).toEqual(['tracing.tailSampling.expectedSpansPerSecond: must be between 1 and 20480000 (got 0)']);
    expect(tailProblems({ expectedSpansPerSecond: '1000' })).toEqual(['tracing.tailSampling.expectedSpansPerSecond: must be an integer, not string (got "1000")']);
  });

  it('refuses switches that are not booleans', () => {
    expect(tailProblems({ enabled: 'no', keepErrors: 'yes' })).toEqual([
      'tracing.tailSampling.enabled: must be true or false, not string (got "no")',
      'tracing.tailSampling.keepErrors: must be true or false, not string (got "yes")',
    ]);
  });

  it('refuses `tailSampling: true`: the block is a map (`{}` turns it on with the defaults)', () => {
    expect(tailProblems(true)).toEqual(['tracing.tailSampling: must be a map, not boolean (got true)']);
  });

  it('suggests the nearest key for a typo, and lists the keys otherwise', () => {
    expect(tailProblems({ decision_wait: '10s' })).toEqual([`tracing.tailSampling.decision_wait: unknown key, did you mean 'decisionWait'? (got "10s")`]);
    expect(tailProblems({ expectedTracesPerSecond: 100 })).toEqual([`tracing.tailSampling.expectedTracesPerSecond: unknown key, did you mean 'expectedSpansPerSecond'? (got 100)`]);
    expect(tailProblems({ hashSalt: 'o11y' })).toEqual([`tracing.tailSampling.hashSalt: unknown key; known keys: ${KNOWN_KEYS} (got "o11y")`]);
  });

  it('checks an environment block with the same rules, under its own path', () => {
    expect(problems(spec({}, { prod: { tracing: { tailSampling: { ratio: 2, decisionWait: '10m' } } } }))).toEqual([
      'environments.prod.tracing.tailSampling.ratio: must be between 0 and 1 (got 2)',
      'environments.prod.tracing.tailSampling.decisionWait: must be at most 5m: the collector holds every trace in memory that long (got "10m")',
    ]);
  });

  it('reports every problem of the block at once, from a YAML file', () => {
    try {
      parseSpec('name: shop\nservices: [{ name: checkout }]\ntracing:\n  tailSampling: { ratio: 5, decisionWait: 1h, expectedSpansPerSecond: 0.5 }\n', 'o11y.yaml');
      throw new Error('parseSpec accepted the spec');
    } catch (e) {
      expect(e).toBeInstanceOf(O11yValidationError);
      expect((e as O11yValidationError).lines).toEqual([
        'tracing.tailSampling.ratio: must be between 0 and 1 (got 5)',
        'tracing.tailSampling.decisionWait: must match an interval like 15s or 1m (got "1h")',
        'tracing.tailSampling.expectedSpansPerSecond: must be an integer (got 0.5)',
      ]);
    }
  });
});

/** `Interface.property` → the text after `@default` in its JSDoc, read from src/spec/types.ts. */
function documentedDefaults(interfaceName: string): Map<string, string> {
  const text = readFileSync(TYPES_FILE, 'utf8');
  const start = text.indexOf(`export interface ${interfaceName} `);
  const body = text.slice(start, text.indexOf('\n}\n', start));
  const out = new Map<string, string>();
  for (const m of body.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*readonly (\w+)\??:/g)) {
    const doc = /@default (.+)/.exec(m[1]);
    if (doc) out.set(m[2], doc[1].trim());
  }
  return out;
}

describe('resolution of tracing.tailSampling', () => {
  const minimal: ObservabilitySpec = { name: 'shop', services: [{ name: 'checkout' }] };
  const withTracing = (tracing: TracingSpec, environments?: ObservabilitySpec['environments']): ObservabilitySpec => ({ ...minimal, tracing, ...(environments ? { environments } : {}) });

  it('refuses, once an environment merged its fields, more buffered spans than one collector can hold', () => {
    const over = withTracing({ tailSampling: { expectedSpansPerSecond: 31_430 } }, { prod: { tracing: { tailSampling: { decisionWait: '5m' } } } });
    expect(() => resolveSpec(over, 'prod')).toThrow(O11yValidationError);
    try {
      resolveSpec(over, 'prod');
    } catch (e) {
      expect((e as O11yValidationError).issues.map(formatIssue)).toEqual([
        "tracing.tailSampling (environment 'prod'): expectedSpansPerSecond ÷ samplers × decisionWait must be at most 9428992 spans: that is what one collector can hold on the largest Fargate task (120 GiB); shorten decisionWait or add samplers (got \"31430 ÷ 1 × 300s\")",
      ]);
    }
    // the base alone (10 s of wait) is fine, and so is the largest load that fits
    expect(tailOf(over, 'staging')?.decisionWaitSeconds).toBe(10);
    expect(tailOf(withTracing({ tailSampling: { expectedSpansPerSecond: 31_429, decisionWait: '5m' } }), 'prod')?.expectedSpansPerSecond).toBe(31_429);
  });

  it('is off when the spec says nothing about it', () => {
    expect(tailOf(minimal, 'prod')).toBeUndefined();
    expect(resolveSpec(minimal, 'prod').tracing).toEqual({ retentionHours: 336, slowerThanMs: 1000, tempo: { mode: 'monolithic', modeFrom: 'volume' } });
  });

  it('turns on with every default for `tailSampling: {}`', () => {
    expect(tailOf(withTracing({ tailSampling: {} }), 'prod')).toEqual(DEFAULTS);
  });

  it('has the defaults that types.ts documents', () => {
    const docs = documentedDefaults('TailSamplingSpec');
    expect(Object.fromEntries(docs)).toEqual({
      enabled: 'true',
      keepErrors: 'true',
      slowerThan: '- tracing.slowerThan ("1s")',
      ratio: '0.1',
      decisionWait: '"10s"',
      expectedSpansPerSecond: '1000',
      samplers: '- 1 up to 80 000 spans/s, else one per 80 000 spans/s (a 4-vCPU sampler each)',
    });
    expect(DEFAULTS).toEqual({
      keepErrors: JSON.parse(docs.get('keepErrors')!),
      slowerThanMs: 1000,
      ratio: JSON.parse(docs.get('ratio')!),
      decisionWaitSeconds: Number(/^"(\d+)s"$/.exec(docs.get('decisionWait')!)![1]),
      expectedSpansPerSecond: JSON.parse(docs.get('expectedSpansPerSecond')!),
      samplers: 1,
    });
  });

  it('takes slowerThan from tracing.slowerThan unless the block sets its own', () => {
    expect(tailOf(withTracing({ slowerThan: '250ms', tailSampling: {} }), 'prod')?.slowerThanMs).toBe(250);
    expect(tailOf(withTracing({ slowerThan: '250ms', tailSampling: { slowerThan: '2s' } }), 'prod')?.slowerThanMs).toBe(2000);
    // the environment's tracing.slowerThan is the fallback in that environment
    const s = withTracing({ slowerThan: '250ms', tailSampling: {} }, { prod: { tracing: { slowerThan: '3s' } } });
    expect([tailOf(s, 'prod')?.slowerThanMs, tailOf(s, 'staging')?.slowerThanMs]).toEqual([3000, 250]);
  });

  it('writes decisionWait in seconds', () => {
    expect(tailOf(withTracing({ tailSampling: { decisionWait: '2m' } }), 'prod')?.decisionWaitSeconds).toBe(120);
    expect(tailOf(withTracing({ tailSampling: { decisionWait: '45s' } }), 'prod')?.decisionWaitSeconds).toBe(45);
  });

  it('lets an environment change one field and keeps the base block for the others', () => {
    const base: TailSamplingSpec = { keepErrors: false, slowerThan: '500ms', ratio: 0.2, decisionWait: '30s', expectedSpansPerSecond: 2000 };
    const s = withTracing({ tailSampling: base }, { prod: { tracing: { tailSampling: { ratio: 0.05 } } } });
    expect(tailOf(s, 'prod')).toEqual({ keepErrors: false, slowerThanMs: 500, ratio: 0.05, decisionWaitSeconds: 30, expectedSpansPerSecond: 2000, samplers: 1 });
    expect(tailOf(s, 'staging')).toEqual({ keepErrors: false, slowerThanMs: 500, ratio: 0.2, decisionWaitSeconds: 30, expectedSpansPerSecond: 2000, samplers: 1 });
  });

  it('keeps the base block in an environment that overrides only other tracing settings', () => {
    const s = withTracing({ tailSampling: { ratio: 0.3 } }, { prod: { tracing: { retention: '30d' } } });
    expect(tailOf(s, 'prod')).toEqual({ ...DEFAULTS, ratio: 0.3 });
  });

  it('turns off in an environment that says `enabled: false`, and only there', () => {
    const s = withTracing({ tailSampling: { ratio: 0.3 } }, { local: { tracing: { tailSampling: { enabled: false } } } });
    expect(tailOf(s, 'local')).toBeUndefined();
    expect(tailOf(s, 'prod')).toEqual({ ...DEFAULTS, ratio: 0.3 });
  });

  it('turns on in an environment that says `enabled: true` over a base that is off, with the base fields', () => {
    const s = withTracing({ tailSampling: { enabled: false, ratio: 0.3 } }, { prod: { tracing: { tailSampling: { enabled: true } } } });
    expect(tailOf(s, 'prod')).toEqual({ ...DEFAULTS, ratio: 0.3 });
    expect(tailOf(s, 'staging')).toBeUndefined();
  });

  it('can be on in one environment only', () => {
    const s = withTracing({}, { prod: { tracing: { tailSampling: { expectedSpansPerSecond: 5000 } } } });
    expect(tailOf(s, 'prod')).toEqual({ ...DEFAULTS, expectedSpansPerSecond: 5000 });
    expect(tailOf(s, 'staging')).toBeUndefined();
    expect(tailOf(s, 'local')).toBeUndefined();
  });

  it('treats `tailSampling:` without a value (YAML null) as absent', () => {
    const s = parseSpec('name: shop\nservices: [{ name: checkout }]\ntracing:\n  tailSampling:\n', 'o11y.yaml');
    expect(tailOf(s, 'prod')).toBeUndefined();
  });

  it('gives the example spec tail sampling in staging and prod only', () => {
    const example = exampleSpec();
    expect(tailOf(example, 'staging')).toEqual({ keepErrors: true, slowerThanMs: 1000, ratio: 0.25, decisionWaitSeconds: 10, expectedSpansPerSecond: 500, samplers: 1 });
    expect(tailOf(example, 'prod')).toEqual({ keepErrors: true, slowerThanMs: 1000, ratio: 0.1, decisionWaitSeconds: 10, expectedSpansPerSecond: 5000, samplers: 1 });
    expect(tailOf(example, 'local')).toBeUndefined();
    expect(tailOf(example, 'local-jaeger')).toBeUndefined();
  });
});
