/**
 * The SLO rules of an organisation with many services: the objective and threshold rules name
 * every SLO, so their `or` chains grow with the services. Each must stay readable by the PromQL
 * grammar the synth checks use (a flat chain of more than about 185 operands is not: synth at
 * 1000 services failed with "cannot parse the query at offset 11297") and by promtool.
 */
import { growSpec } from '../../bench/generate-spec';
import { promqlMetricNames } from '../../src/checks/dashboard-metrics';
import { OR_CHAIN_WIDTH, orChain, SLO_RULES_FILE } from '../../src/render/slo-rules';
import { parse } from 'yaml';
import { examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { promtoolCheckRules } from '../support/rule-tests';

type RuleDoc = { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] };

describe('SLO rules at 1000 services', () => {
  const rules = renderedFile(examplePlan('staging', growSpec(exampleSpec(), 1000)), SLO_RULES_FILE);
  const exprs = (parse(rules) as RuleDoc).groups.flatMap((g) => g.rules);

  it('name hundreds of SLOs in one rule (the chains this test is about)', () => {
    const objective = exprs.find((r) => r.record === 'slo:objective:ratio')!;
    expect(objective.expr.split(' or ').length).toBeGreaterThan(4 * OR_CHAIN_WIDTH);
  });

  it('parse with the grammar of the synth checks, every rule', () => {
    expect(exprs.flatMap((r) => promqlMetricNames(r.expr).problems.map((p) => `${r.record ?? r.alert}: ${p}`))).toEqual([]);
  });

  it('pass promtool check rules', () => {
    const r = promtoolCheckRules(rules);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });
});

describe('orChain', () => {
  it('is a flat chain up to its width, and nests groups beyond it', () => {
    expect(orChain(['a', 'b', 'c'])).toBe('a or b or c');
    const terms = Array.from({ length: OR_CHAIN_WIDTH * OR_CHAIN_WIDTH + 1 }, (_, i) => `t${i}`);
    const chain = orChain(terms);
    // every operand once, in order
    expect(chain.replace(/[()]/g, '').split(' or ')).toEqual(terms);
    // no flat run longer than the width at any depth
    expect(Math.max(...chain.split(/[()]/).map((run) => run.split(' or ').length))).toBeLessThanOrEqual(OR_CHAIN_WIDTH);
  });
});
