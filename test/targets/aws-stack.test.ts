import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Testing } from 'cdktf';
import { PORTS } from '../../src/spec/defaults';
import type { ObservabilitySpec } from '../../src/spec/types';
import {
  exampleApp,
  hasTemplateSequence,
  PlannedStack,
  removeTempDirs,
  resourcesOf,
  StackOutput,
  synthJson,
  synthToDisk,
  terraformBinary,
  terraformEvaluate,
  terraformLiteral,
  TerraformJson,
} from '../support/synth';

const AWS_STACKS = ['staging', 'prod'] as const;
type AwsStackId = (typeof AWS_STACKS)[number];

/** SSM Standard-tier parameters hold at most 4 KB (AWS Systems Manager quotas). */
const SSM_STANDARD_MAX_BYTES = 4096;

interface Built {
  readonly stack: PlannedStack;
  readonly json: TerraformJson;
  readonly disk: StackOutput;
}
let built: Record<AwsStackId, Built>;

beforeAll(() => {
  const example = exampleApp();
  const json = Object.fromEntries(AWS_STACKS.map((id) => [id, synthJson(example.stacks.get(id)!)]));
  const disk = synthToDisk(example);
  built = Object.fromEntries(AWS_STACKS.map((id) => [id, { stack: example.stacks.get(id)!, json: json[id], disk: disk.get(id)! }])) as Record<AwsStackId, Built>;
});
afterAll(removeTempDirs);

/** The OTEL parameters of a stack: only those under its own prefix, so other SSM parameters may be added. */
function otelParameters(id: AwsStackId): Map<string, { resource: string; name: string; value: string; type: string; tier?: string }> {
  const prefix = `/o11y/shop/${id}/otel/`;
  const out = new Map<string, { resource: string; name: string; value: string; type: string; tier?: string }>();
  for (const [resource, p] of Object.entries(resourcesOf(built[id].json, 'aws_ssm_parameter'))) {
    const name = p.name as string;
    if (!name.startsWith(prefix)) continue;
    const service = name.slice(prefix.length);
    expect(out.has(service)).toBe(false);
    out.set(service, { resource, name, value: p.value as string, type: p.type as string, tier: p.tier as string | undefined });
  }
  return out;
}

const serviceNames = (id: AwsStackId) => built[id].stack.plan.spec.services.map((s) => s.name);

describe.each(AWS_STACKS)('the %s stack on AWS', (id) => {
  test('it keeps Terraform state in S3, encrypted, with a lock, under a key of its own', () => {
    const backend = built[id].json.terraform?.backend ?? {};
    expect(Object.keys(backend)).toEqual(['s3']);
    const s3 = backend.s3;
    expect(s3).toMatchObject({ bucket: 'shop-terraform-state', key: `o11y/shop/${id}.tfstate`, region: 'eu-west-1', encrypt: true });
    // S3 native locking (Terraform ≥ 1.10) or a DynamoDB table: one of them, never none
    expect(s3.use_lockfile === true || typeof s3.dynamodb_table === 'string').toBe(true);
  });

  test('its AWS provider tags every resource with the stack, the environment and the tool', () => {
    // with jest, cdktf's matchers compare the synthesized (snake_case) keys
    expect(Testing.synth(built[id].stack)).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      default_tags: [{ tags: { 'o11y-stack': 'shop', environment: id, 'managed-by': 'o11y-stack' } }],
    });
    expect(built[id].json.provider?.aws).toHaveLength(1);
  });

  test('it publishes one SSM parameter per service, a plain String within the Standard tier', () => {
    const params = otelParameters(id);
    expect([...params.keys()].sort()).toEqual([...serviceNames(id)].sort());
    for (const [service, p] of params) {
      expect(Testing.synth(built[id].stack)).toHaveResourceWithProperties(SsmParameter, { name: `/o11y/shop/${id}/otel/${service}`, type: 'String' });
      expect(p.type).toBe('String');
      if (p.tier !== undefined) expect(p.tier).toBe('Standard');
      expect(Buffer.byteLength(terraformLiteral(p.value), 'utf8')).toBeLessThanOrEqual(SSM_STANDARD_MAX_BYTES);
    }
  });

  test("each parameter's value is byte-for-byte the rendered config/otel/<service>.json", () => {
    for (const [service, p] of otelParameters(id)) {
      const file = built[id].disk.config.get(`otel/${service}.json`);
      expect(file).toBeDefined();
      expect({ service, value: terraformLiteral(p.value) }).toEqual({ service, value: file });
    }
  });

  (terraformBinary() ? test : test.skip)("Terraform itself reads each parameter's value as the rendered file (terraform on PATH)", () => {
    const params = otelParameters(id);
    const values = Object.fromEntries([...params].map(([s, p]) => [s.replace(/-/g, '_'), p.value]));
    const want = Object.fromEntries([...params].map(([s]) => [s.replace(/-/g, '_'), built[id].disk.config.get(`otel/${s}.json`)!]));
    expect(terraformEvaluate(values)).toEqual(want);
  });

  test("each service is sent to the tail-sampling collector's discovery name, on the OTLP port of its protocol", () => {
    const domain = `shop-${id}.o11y.internal`;
    for (const service of serviceNames(id)) {
      const env = JSON.parse(built[id].disk.config.get(`otel/${service}.json`)!) as Record<string, string>;
      const url = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT);
      expect(url.hostname).toBe(`otel-collector.${domain}`);
      expect(Number(url.port)).toBe(env.OTEL_EXPORTER_OTLP_PROTOCOL === 'grpc' ? PORTS.otlpGrpc : PORTS.otlpHttp);
    }
    // where the stack creates the private namespace, it is that domain, and Tempo and the collector register in it
    const namespaces = Object.values(resourcesOf(built[id].json, 'aws_service_discovery_private_dns_namespace'));
    if (namespaces.length > 0) {
      expect(namespaces.map((n) => n.name)).toEqual([domain]);
      expect(Object.values(resourcesOf(built[id].json, 'aws_service_discovery_service')).map((s) => s.name)).toEqual(expect.arrayContaining(['tempo', 'otel-collector']));
    }
  });

  test('every config object it uploads to S3 is byte-for-byte the file of the same path in config/', () => {
    // whatever the stack delivers through S3 (component configs, dashboards), keyed like config/
    const objects = Object.values(resourcesOf(built[id].json, 'aws_s3_object')).filter((o) => typeof o.content === 'string');
    for (const o of objects) {
      const key = o.key as string;
      expect({ key, content: terraformLiteral(o.content as string) }).toEqual({ key, content: built[id].disk.config.get(key) });
    }
  });

  test('its outputs list every parameter by reference', () => {
    const params = otelParameters(id);
    const output = built[id].json.output?.['otel-env-parameters'];
    expect(output).toBeDefined();
    expect(output!.value).toEqual(Object.fromEntries([...params].map(([s, p]) => [s, `\${aws_ssm_parameter.${p.resource}.name}`])));
  });
});

test('staging and prod never share a state key', () => {
  const keys = AWS_STACKS.map((id) => built[id].json.terraform?.backend?.s3.key);
  expect(new Set(keys).size).toBe(AWS_STACKS.length);
});

describe('a spec attribute holding Terraform template syntax', () => {
  let tricky: Built;
  beforeAll(() => {
    const withNote = (spec: ObservabilitySpec): ObservabilitySpec => ({
      ...spec,
      services: spec.services.map((s) => (s.name === 'checkout' ? { ...s, attributes: { ...s.attributes, note: 'costs ${x} and %{y}' } } : s)),
    });
    const example = exampleApp({ spec: withNote });
    const stack = example.stacks.get('staging')!;
    const json = synthJson(stack);
    tricky = { stack, json, disk: synthToDisk(example).get('staging')! };
  });

  const checkoutParameter = () => Object.values(resourcesOf(tricky.json, 'aws_ssm_parameter')).find((p) => p.name === '/o11y/shop/staging/otel/checkout')!;

  test('is escaped in the SSM parameter, so Terraform evaluates no part of it', () => {
    const rendered = tricky.disk.config.get('otel/checkout.json')!;
    // attribute values are percent-encoded down to [A-Za-z0-9._-/@:], so no template sequence survives
    expect(rendered).toContain('note=costs%20%24%7Bx%7D%20and%20%25%7By%7D');
    const value = checkoutParameter().value as string;
    expect(hasTemplateSequence(value)).toBe(false);
  });

  test("leaves the parameter's value equal to the rendered file", () => {
    expect(terraformLiteral(checkoutParameter().value as string)).toBe(tricky.disk.config.get('otel/checkout.json'));
  });
});
