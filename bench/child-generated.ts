/**
 * One benchmark run with a generated spec: `node -r ./bin/register.js bench/child-generated.ts <services>`,
 * output to $CDKTF_OUTDIR. It does what stacks/main.ts does (load the example's spec, the
 * example's stacks through synthApp) with the spec grown to <services> services in between;
 * synth-bench.ts checks before timing that, with no service added, it writes exactly what
 * stacks/main.ts writes.
 */
import { join } from 'node:path';
import { synthApp } from '../src/app';
import { loadSpec } from '../src/spec/load';
import { validateSpec } from '../src/spec/validate';
import { defineStacks } from '../stacks/stacks';
import { benchAwsInputs, growSpec } from './generate-spec';

// the same file stacks/main.ts reads (importing its SPEC_FILE would run main.ts's own synth)
const SPEC_FILE = join(__dirname, '..', 'stacks', 'o11y.yaml');
const count = Number(process.argv[2]);

synthApp((app) => {
  const spec = growSpec(loadSpec(SPEC_FILE), count);
  // the example pays for one validation of its whole spec in loadSpec; so does the grown one
  validateSpec(spec, `generated spec with ${count} services`);
  // one metrics port per generated service: the AWS stacks' rule quota raised to match
  defineStacks(app, spec, benchAwsInputs(count));
});
