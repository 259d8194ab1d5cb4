/**
 * The size of prometheus/rules/slos.yml (staging's: the collector's span metrics) for the
 * example spec and for it grown to 100 and 1000 services (generate-spec.ts), with its rule
 * count: `node -r ./bin/register.js bench/slo-rules-size.ts`. Both must stay about flat: the
 * rules depend on the distinct objectives and thresholds, not on the number of services.
 */
import { SLO_RULES_FILE } from '../src/render/slo-rules';
import { examplePlan, exampleSpec, renderedFile } from '../test/support/plans';
import { parse } from 'yaml';
import { growSpec } from './generate-spec';

for (const count of [4, 100, 1000]) {
  const spec = growSpec(exampleSpec(), count);
  const slos = spec.services.reduce((n, s) => n + (s.slos?.length ?? 0), 0);
  const text = renderedFile(examplePlan('staging', spec), SLO_RULES_FILE);
  const rules = (parse(text) as { groups: { rules: unknown[] }[] }).groups.reduce((n, g) => n + g.rules.length, 0);
  console.log(`${count} services, ${slos} SLOs: slos.yml ${(text.length / 1024).toFixed(1)} KiB, ${rules} rules`);
}
