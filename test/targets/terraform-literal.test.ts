import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { terraformLiteral } from '../../src/targets/terraform-literal';
import { examplePlan } from '../support/plans';
import { removeTempDirs, synthJson, terraformBinary, terraformEvaluate, testApp } from '../support/synth';

afterAll(removeTempDirs);

const TRICKY = 'a ${b} $${c} %{d} %%{e} $$__tags $$${f} "q" back\\slash\nnext\tline → end\n';

/** The string cdktf writes into the JSON for `value`. */
function synthesized(value: string): string {
  const stack = new TerraformStack(testApp(), 's');
  new TerraformOutput(stack, 'v', { value });
  return (synthJson(stack).output as Record<string, { value: string }>).v.value;
}

const withTerraform = terraformBinary() ? test : test.skip;

describe('placing rendered text into Terraform', () => {
  withTerraform('terraformLiteral makes Terraform pass any text through byte for byte, every rendered file of prod included', () => {
    const files = examplePlan('prod').files;
    const values: Record<string, string> = { tricky: synthesized(terraformLiteral(TRICKY)) };
    files.forEach((f, i) => (values[`f${i}`] = synthesized(terraformLiteral(f.content))));
    const want: Record<string, string> = { tricky: TRICKY };
    files.forEach((f, i) => (want[`f${i}`] = f.content));
    expect(terraformEvaluate(values)).toEqual(want);
  });

  // why neither target uses Fn.rawString for rendered files
  withTerraform('Fn.rawString does not: Terraform keeps its JSON escapes, so newlines arrive as a backslash and an n', () => {
    const got = terraformEvaluate({ v: synthesized(Fn.rawString('a: 1\nb: "2"\n')) }).v;
    expect(got).toBe('a: 1\\nb: \\"2\\"\\n');
  });
});
