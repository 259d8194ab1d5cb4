/**
 * `o11y validate` says what synth will say: over specs that vary where stacks disagree (ports
 * a stack publishes, retention minimums, collector limits, names, environment names), validate
 * accepts exactly when a real synth of the example app succeeds, and both list the same problems.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { stringify } from 'yaml';
import { throwIfAppProblems } from '../../src/app';
import { runSync } from '../../src/cli';
import { O11yValidationError } from '../../src/spec/issues';
import { collectStackIssues } from '../../src/targets/collect-issues';
import { defineStacks } from '../../stacks/stacks';
import { exampleSpec } from '../support/plans';

function validate(file: string): { code: number; err: string } {
  let err = '';
  const code = runSync(['validate', file], { out: () => undefined, err: (s) => (err += s) });
  return { code, err };
}

function synth(spec: unknown): { ok: boolean; message: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'o11y-vs-'));
  try {
    const app = new App({ outdir });
    const failed = collectStackIssues(app);
    defineStacks(app, spec as never);
    throwIfAppProblems(app, failed);
    app.synth();
    return { ok: true, message: '' };
  } catch (e) {
    if (!(e instanceof O11yValidationError)) throw e;
    return { ok: false, message: e.message };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const anyVariant = fc.record({
  metricsPort: fc.constantFrom(9464, 4317, 9090, 3000, 16686, 9465),
  retention: fc.constantFrom('1h', '2h', '14d', '30d'),
  spansPerSecond: fc.constantFrom(500, 5000, 400_000),
  envName: fc.constantFrom('prod', 'prdo'),
  serviceName: fc.constantFrom('checkout', 'tempo'),
  waitSeconds: fc.constantFrom(10, 300),
});
/** The example as it is: half of the runs start from it, so both outcomes are exercised. */
const exampleVariant = fc.constant({ metricsPort: 9464, retention: '14d', spansPerSecond: 500, envName: 'prod', serviceName: 'checkout', waitSeconds: 10 });
const variant = fc.oneof(exampleVariant, anyVariant);

describe('o11y validate and synth', () => {
  it('agree on every spec: validate accepts exactly when synth succeeds, and reports the same problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o11y-vs-spec-'));
    let accepted = 0;
    fc.assert(
      fc.property(variant, (v) => {
        const spec = structuredClone(exampleSpec()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        spec.services[0].metrics.port = v.metricsPort;
        spec.services[0].name = v.serviceName;
        spec.environments.staging.tracing = { retention: v.retention, tailSampling: { expectedSpansPerSecond: v.spansPerSecond, decisionWait: `${v.waitSeconds}s` } };
        if (v.envName !== 'prod') {
          spec.environments[v.envName] = spec.environments.prod;
          delete spec.environments.prod;
        }
        const file = join(dir, 'o11y.yaml');
        writeFileSync(file, stringify(spec));
        const validated = validate(file);
        const synthesized = synth(spec);
        expect({ accepted: validated.code === 0 }).toEqual({ accepted: synthesized.ok });
        // a problem of the stacks (not of the file alone) reads the same in both
        if (validated.err.startsWith("stack '")) expect(validated.err).toContain(synthesized.message);
        if (synthesized.ok) accepted++;
      }),
      { seed: 20261130, numRuns: 24 },
    );
    rmSync(dir, { recursive: true, force: true });
    // the variants really exercise both outcomes
    expect(accepted).toBeGreaterThan(0);
  }, 240_000);
});
