import { App } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue } from '../../src/spec/issues';
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
      'environments.prdo: names no stack of this app (stack environments: local, local-jaeger, staging, prod, prod-peak); fix the name or declare the stack',
    ]);
  });
});
