import { getReferencesInExpression, parse } from '@cdktf/hcl2json';
import { EXAMPLE_STACK_IDS, exampleApp, hasTemplateSequence, removeTempDirs, StackOutput, synthToDisk, TerraformJson } from '../support/synth';

/**
 * Every string of a `cdk.tf.json` is a Terraform template. Terraform's JSON syntax and a native
 * heredoc share the template language exactly (`${…}`, `%{…}`, `$${`, `%%{`, no backslash
 * escapes), so wrapping a string in a heredoc lets the real HCL parser (@cdktf/hcl2json) read it
 * as Terraform will.
 */
const MARKER = 'O11Y_TEMPLATE_EOT';
const heredoc = (s: string) => `<<${MARKER}\n${s}\n${MARKER}\n`;

/** Roots that are not resources: they resolve against the enclosing block or the workspace. */
const CONTEXT_ROOTS = new Set(['path', 'terraform']);

interface Found {
  readonly count: number;
  readonly problems: string[];
}

/** Walks every string, with the objects above it (for `each`/`count`, which need `for_each`/`count`). */
function* templates(value: unknown, path: string, above: readonly Record<string, unknown>[]): Generator<[string, string, readonly Record<string, unknown>[]]> {
  if (typeof value === 'string') {
    if (hasTemplateSequence(value)) yield [path, value, above];
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* templates(value[i], `${path}[${i}]`, above);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) yield* templates(v, path ? `${path}.${k}` : k, [...above, o]);
  }
}

function resolves(json: TerraformJson, ref: string, above: readonly Record<string, unknown>[]): boolean {
  const [root, a, b] = ref.split('.').map((s) => s.replace(/^"|"$/g, ''));
  switch (root) {
    case 'data':
      return json.data?.[a]?.[b] !== undefined;
    case 'var':
      return json.variable?.[a] !== undefined;
    case 'local':
      return json.locals?.[a] !== undefined;
    case 'module':
      return json.module?.[a] !== undefined;
    case 'each':
      return above.some((o) => 'for_each' in o);
    case 'count':
      return above.some((o) => 'count' in o);
    case 'self':
      // a provisioner's or connection's resource, and the resource or data source a postcondition checks
      return above.some((o) => 'provisioner' in o || 'connection' in o || 'postcondition' in o);
    default:
      return CONTEXT_ROOTS.has(root) || json.resource?.[root]?.[a] !== undefined;
  }
}

/** Parses every template of a synthesized stack and resolves every reference in it. */
async function checkExpressions(json: TerraformJson): Promise<Found> {
  const problems: string[] = [];
  let count = 0;
  for (const [path, s, above] of templates(json, '', [])) {
    count++;
    if (s.split('\n').includes(MARKER)) throw new Error(`${path}: holds the heredoc marker line`);
    try {
      await parse(`${path}.tf`, `x = ${heredoc(s)}`);
    } catch (e) {
      problems.push(`${path}: does not parse: ${(e as Error).message}`);
      continue;
    }
    for (const ref of await getReferencesInExpression(`${path}.tf`, heredoc(s))) {
      if (!resolves(json, ref.value, above)) problems.push(`${path}: refers to ${ref.value}, which is not in this stack`);
    }
  }
  return { count, problems };
}

let outputs: Map<string, StackOutput>;
beforeAll(() => {
  outputs = synthToDisk(exampleApp());
});
afterAll(removeTempDirs);

test.each(EXAMPLE_STACK_IDS)('every Terraform expression in the %s stack parses and refers to something in the stack', async (id) => {
  const { count, problems } = await checkExpressions(outputs.get(id)!.json);
  expect(problems).toEqual([]);
  // every stack wires something together (images, passwords, parameter names), so there is something to check
  expect(count).toBeGreaterThan(0);
});

describe('the expression check itself', () => {
  const base: TerraformJson = {
    resource: { aws_s3_bucket: { traces: { bucket: 'b' } } },
    data: { aws_iam_policy_document: { read: {} } },
    output: {
      ok: { value: '${aws_s3_bucket.traces.arn}/${data.aws_iam_policy_document.read.json} $${literal} %%{literal}' },
    },
  };
  const withOutput = (value: string): TerraformJson => ({ ...base, output: { ...base.output, planted: { value } } });

  test('accepts references to resources and data sources that exist, and escaped literals', async () => {
    expect(await checkExpressions(base)).toEqual({ count: 1, problems: [] });
  });

  test('rejects an expression that does not parse', async () => {
    const { problems } = await checkExpressions(withOutput('${upper(aws_s3_bucket.traces.arn}'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^output\.planted\.value: does not parse: /);
  });

  test('rejects an unknown template directive', async () => {
    const { problems } = await checkExpressions(withOutput('costs %{y}'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^output\.planted\.value: does not parse: /);
  });

  test('rejects a reference to a resource the stack does not have', async () => {
    expect((await checkExpressions(withOutput('${aws_s3_bucket.missing.arn}'))).problems).toEqual([
      'output.planted.value: refers to aws_s3_bucket.missing.arn, which is not in this stack',
    ]);
    expect((await checkExpressions(withOutput('costs ${x}'))).problems).toEqual(['output.planted.value: refers to x, which is not in this stack']);
  });
});
