/**
 * The collector's documented sizing (src/components/otel-collector.ts, `collectorSizing`):
 *   buffered = spans/s × decision_wait
 *   num_traces = max(10 000, 2 × buffered)
 *   memory ≥ (64 MiB + buffered × 8 KiB) / 0.6, CPU ≥ max(512, spans/s ÷ 20 000 × 1024)
 *   → the smallest Fargate size with both.
 * Figures below are worked out by hand from that formula; the Fargate table is AWS's, not ours.
 */
import { collectorSizing } from '../../src/components/otel-collector';
import { FARGATE_MEMORY_BY_CPU, fargateSizeAtLeast } from '../../src/components/task-sizes';
import { MAX_DECISION_WAIT_SECONDS, MAX_EXPECTED_SPANS_PER_SECOND, MAX_TOTAL_SPANS_PER_SECOND, SAMPLER_SPANS_PER_SECOND } from '../../src/spec/defaults';
import { O11yValidationError } from '../../src/spec/issues';
import { resolveSpec } from '../../src/spec/resolve';
import type { ResolvedTailSampling } from '../../src/spec/resolved';
import type { ObservabilitySpec } from '../../src/spec/types';
import { exampleSpec } from '../support/plans';

/**
 * Fargate task sizes as AWS documents them ("Troubleshoot Amazon ECS task definition invalid CPU
 * or memory errors", docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html;
 * the same table in the ECS API reference for RegisterTaskDefinition `memory`).
 */
function awsFargateTable(): Record<number, number[]> {
  const gb = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => (from + i * step) * 1024);
  return {
    256: [512, 1024, 2048],
    512: gb(1, 4, 1),
    1024: gb(2, 8, 1),
    2048: gb(4, 16, 1),
    4096: gb(8, 30, 1),
    8192: gb(16, 60, 4),
    16384: gb(32, 120, 8),
  };
}

const AWS_FARGATE = awsFargateTable();
const isFargatePair = (cpu: number, memoryMiB: number) => (AWS_FARGATE[cpu] ?? []).includes(memoryMiB);

function tail(expectedSpansPerSecond: number, decisionWaitSeconds: number): ResolvedTailSampling {
  return { keepErrors: true, slowerThanMs: 1000, ratio: 0.1, decisionWaitSeconds, expectedSpansPerSecond, samplers: 1 };
}

/** The spec a user would write for these figures (in seconds, as `decisionWait: <n>s`). */
function specWith(expectedSpansPerSecond: number, decisionWaitSeconds: number): ObservabilitySpec {
  return { name: 'shop', services: [{ name: 'checkout' }], tracing: { tailSampling: { expectedSpansPerSecond, decisionWait: `${decisionWaitSeconds}s` } } };
}

/** True when the spec's validation refuses the combination (it never reaches sizing). */
function refused(expectedSpansPerSecond: number, decisionWaitSeconds: number): boolean {
  try {
    resolveSpec(specWith(expectedSpansPerSecond, decisionWaitSeconds), 'prod');
    return false;
  } catch (e) {
    if (e instanceof O11yValidationError) return true;
    throw e;
  }
}

function sizes(expectedSpansPerSecond: number, decisionWaitSeconds: number): boolean {
  try {
    const s = collectorSizing(tail(expectedSpansPerSecond, decisionWaitSeconds));
    return isFargatePair(s.cpu, s.memoryMiB);
  } catch {
    return false;
  }
}

function sizesAsResolved(expectedSpansPerSecond: number, decisionWaitSeconds: number): boolean {
  const s = collectorSizing(resolveSpec(specWith(expectedSpansPerSecond, decisionWaitSeconds), 'prod').tracing.tailSampling!);
  return isFargatePair(s.cpu, s.memoryMiB);
}

describe('the Fargate table the sizing picks from', () => {
  it("is AWS's documented table of task sizes", () => {
    expect(Object.fromEntries(Object.entries(FARGATE_MEMORY_BY_CPU).map(([c, m]) => [c, [...m]]))).toEqual(AWS_FARGATE);
  });

  it('gives the smallest size with at least the asked CPU and memory', () => {
    expect(fargateSizeAtLeast(512, 443)).toEqual({ cpu: 512, memoryMiB: 1024 });
    expect(fargateSizeAtLeast(1024, 10_193)).toEqual({ cpu: 2048, memoryMiB: 10_240 });
    expect(fargateSizeAtLeast(5120, 5310)).toEqual({ cpu: 8192, memoryMiB: 16_384 });
    expect(() => fargateSizeAtLeast(16_385, 1024)).toThrow('no Fargate task size has 16385 CPU units and 1024 MiB');
  });
});

describe('collectorSizing', () => {
  it.each([
    // spans/s, wait s → buffered spans, num_traces, cpu, memory MiB (raw memory in the comment)
    ['staging (500/s, 10s)', 500, 10, 5_000, 10_000, 512, 1024], // (64 + 39.1) / 0.6 = 172
    ['prod (5000/s, 10s)', 5000, 10, 50_000, 100_000, 512, 1024], // (64 + 390.6) / 0.6 = 758
    ['the defaults (1000/s, 10s)', 1000, 10, 10_000, 20_000, 512, 1024], // (64 + 78.1) / 0.6 = 237
    ['one span a second for one second', 1, 1, 1, 10_000, 512, 1024], // 107
    ['20 000/s for 1 minute', 20_000, 60, 1_200_000, 2_400_000, 2048, 16_384], // (64 + 9375) / 0.6 = 15 732: above 1 vCPU's 8 GiB
    ['10 000/s for 5 minutes', 10_000, 300, 3_000_000, 6_000_000, 8192, 40_960], // (64 + 23 437.5) / 0.6 = 39 170: above 4 vCPU's 30 GiB
    ['50 000/s for 30s', 50_000, 30, 1_500_000, 3_000_000, 4096, 20_480], // (64 + 11 718.75) / 0.6 = 19 638, 2.5 vCPU → 4 vCPU
    ['160 000/s for 1s (8 vCPU)', 160_000, 1, 160_000, 320_000, 8192, 16_384], // 2190 MiB, 8 vCPU → 16 GiB minimum
    ['320 000/s for 1s (16 vCPU)', 320_000, 1, 320_000, 640_000, 16_384, 32_768], // 4274 MiB, 16 vCPU → 32 GiB minimum
  ])('sizes %s as the formula says', (_name, perSecond, wait, bufferedSpans, numTraces, cpu, memoryMiB) => {
    expect(collectorSizing(tail(perSecond, wait))).toEqual({ bufferedSpans, numTraces, cpu, memoryMiB });
  });

  it('sizes the example staging and prod collectors from stacks/o11y.yaml', () => {
    const spec = exampleSpec();
    const of = (env: string) => collectorSizing(resolveSpec(spec, env).tracing.tailSampling!);
    expect(of('staging')).toEqual({ bufferedSpans: 5_000, numTraces: 10_000, cpu: 512, memoryMiB: 1024 });
    expect(of('prod')).toEqual({ bufferedSpans: 50_000, numTraces: 100_000, cpu: 512, memoryMiB: 1024 });
  });

  it('never holds fewer traces than it buffers spans, and grows num_traces with spans/s and with the wait', () => {
    for (const [s, w] of [[1, 1], [4999, 1], [5000, 1], [5001, 1], [1000, 300], [160_000, 1]] as const) {
      const r = collectorSizing(tail(s, w));
      expect(r.numTraces).toBeGreaterThanOrEqual(r.bufferedSpans);
      expect(r.numTraces).toBe(Math.max(10_000, 2 * s * w));
    }
    expect(collectorSizing(tail(6000, 10)).numTraces).toBeGreaterThan(collectorSizing(tail(5000, 10)).numTraces);
    expect(collectorSizing(tail(5000, 11)).numTraces).toBeGreaterThan(collectorSizing(tail(5000, 10)).numTraces);
  });
});

/** spans/s values across the whole range, with the tier edges of the CPU formula (20 000 per vCPU) and of the memory limit. */
const SPANS_GRID = [...new Set([1, 2, 10, 100, 999, 1000, 5000, 10_000, 10_001, 20_000, 20_001, 31_429, 31_430, 40_000, 40_001, 50_000, 80_000, 80_001, 100_000, 160_000, 160_001, 200_000, 320_000, 320_001, 600_000, MAX_EXPECTED_SPANS_PER_SECOND, MAX_TOTAL_SPANS_PER_SECOND])].sort((a, b) => a - b);
const WAIT_GRID = Array.from({ length: MAX_DECISION_WAIT_SECONDS }, (_, i) => i + 1);

describe('every combination the spec accepts gets a Fargate task size', () => {
  it('covers the spec limits: 1..MAX_TOTAL_SPANS_PER_SECOND spans/s (spread over samplers) and 1s..5m of decision wait', () => {
    expect(MAX_DECISION_WAIT_SECONDS).toBe(300);
    expect(refused(1, 1)).toBe(false);
    expect(refused(1, MAX_DECISION_WAIT_SECONDS + 1)).toBe(true);
    expect(refused(MAX_EXPECTED_SPANS_PER_SECOND + 1, 1)).toBe(false);
    expect(refused(MAX_TOTAL_SPANS_PER_SECOND + 1, 1)).toBe(true);
  });

  it('sizes each sampler for its share of the spans: 600 000 spans/s over the default 8 samplers is 75 000 each', () => {
    const t: ResolvedTailSampling = { keepErrors: true, slowerThanMs: 1000, ratio: 0.1, decisionWaitSeconds: 10, expectedSpansPerSecond: 600_000, samplers: Math.ceil(600_000 / SAMPLER_SPANS_PER_SECOND) };
    expect(t.samplers).toBe(8);
    expect(collectorSizing(t)).toEqual(collectorSizing({ ...t, expectedSpansPerSecond: 75_000, samplers: 1 }));
  });

  it('sizes small and medium collectors (up to 31 429 spans/s) for every decision wait the spec allows', () => {
    const failing: string[] = [];
    for (const s of SPANS_GRID.filter((x) => x <= 31_429)) {
      // each sampler is sized for its share (the default sampler count for that rate)
      for (const w of WAIT_GRID) if (!refused(s, w) && !sizesAsResolved(s, w)) failing.push(`${s}/s × ${w}s`);
    }
    expect(failing).toEqual([]);
  });

  /*
   * Validation refuses what one collector cannot be sized for: above 320 000 spans/s (16 vCPU) and
   * above 9 428 992 buffered spans (spans/s × decisionWait, 120 GiB). Before that rule the spec
   * accepted 200 000 spans/s and collectorSizing threw a plain Error from planStack.
   */
  it('sizes every combination the spec accepts, or validation refuses it first (whole grid)', () => {
    const failing: string[] = [];
    for (const s of SPANS_GRID) {
      // each sampler is sized for its share (the default sampler count for that rate)
      for (const w of WAIT_GRID) if (!refused(s, w) && !sizesAsResolved(s, w)) failing.push(`${s}/s × ${w}s`);
    }
    expect(failing).toEqual([]);
  });

  it('has a Fargate size up to 320 000 spans/s and 9 428 992 buffered spans, and none beyond (the limits validation must enforce)', () => {
    // CPU: 16 vCPU carry 16 × 20 000 spans/s; memory: (120 GiB × 0.6 − 64 MiB) / 8 KiB = 9 428 992 spans
    expect([sizes(320_000, 1), sizes(320_001, 1)]).toEqual([true, false]);
    expect([sizes(31_429, 300), sizes(31_430, 300)]).toEqual([true, false]);
    expect([sizes(320_000, 29), sizes(320_000, 30)]).toEqual([true, false]);
    expect([31_429 * 300, 320_000 * 29].every((b) => b <= 9_428_992)).toBe(true);
    expect([31_430 * 300, 320_000 * 30].every((b) => b > 9_428_992)).toBe(true);
  });
});
