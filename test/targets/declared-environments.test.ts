import { App } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwIfAppProblems } from '../../src/app';
import { formatIssue } from '../../src/spec/issues';
import { collectStackIssues } from '../../src/targets/collect-issues';
import { undeclaredEnvironments } from '../../src/targets/declared-environments';
import { defineStacks } from '../../stacks/stacks';
import { exampleSpec } from '../support/plans';

function appWith(environments: Record<string, unknown>): App {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'o11y-envs-')) });
  defineStacks(app, { ...exampleSpec(), environments } as never);
  return app;
}

describe('environments that name no stack', () => {
  it('are none in the example app', () => {
    expect(undeclaredEnvironments(appWith(exampleSpec().environments ?? {}))).toEqual([]);
  });

  it('are refused by name, with the stacks the app has (a typo would cost prod its overrides)', () => {
    const envs = { ...exampleSpec().environments };
    envs.prdo = envs.prod!;
    delete envs.prod;
    expect(undeclaredEnvironments(appWith(envs)).map(formatIssue)).toEqual([
      "environments.prdo: names no stack of this app, did you mean 'prod'? (stack environments: local, local-jaeger, staging, prod, prod-peak)",
    ]);
  });
});

describe('a misspelt environment block, with the app-wide problems', () => {
  function problems(environments: Record<string, unknown>): string {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'o11y-envs-')) });
    const failed = collectStackIssues(app);
    defineStacks(app, { ...exampleSpec(), environments } as never);
    try {
      throwIfAppProblems(app, failed);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no problems';
  }

  it("is the one problem reported: the stack it was meant for, resolved without it, does not list its knock-on problems", () => {
    const { staging, ...rest } = exampleSpec().environments!;
    expect(problems({ ...rest, stagin: staging })).toBe(
      'spec: 1 problem\n' +
        "  - environments.stagin: names no stack of this app, did you mean 'staging'? (stack environments: local, local-jaeger, staging, prod, prod-peak); stack 'staging' ran without this block, its problems are listed once the name is fixed",
    );
  });

  it('comes before the problems of other stacks, which are still reported', () => {
    const { staging, ...rest } = exampleSpec().environments!;
    const message = problems({ ...rest, stagin: staging, prod: { ...rest.prod, tracing: { retention: '1h' } } });
    expect(message.split('\n')).toEqual([
      "spec, stack 'prod': 2 problems",
      "  - spec: environments.stagin: names no stack of this app, did you mean 'staging'? (stack environments: local, local-jaeger, staging, prod, prod-peak); stack 'staging' ran without this block, its problems are listed once the name is fixed",
      expect.stringMatching(/^  - stack 'prod': environments\.prod\.tracing\.retention: must be at least 2h/),
    ]);
  });
});
