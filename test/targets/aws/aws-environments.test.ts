import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { throwIfAppProblems } from '../../../src/app';
import { O11yValidationError } from '../../../src/spec/issues';
import type { EnvironmentOverride, ObservabilitySpec } from '../../../src/spec/types';
import { collectStackIssues } from '../../../src/targets/collect-issues';
import { awsEnvironments, AwsEnvironmentInputs } from '../../../src/targets/aws/aws-environments';
import { AwsObservabilityStack } from '../../../src/targets/aws/aws-stack';
import { DockerObservabilityStack } from '../../../src/targets/docker/docker-stack';
import { defineStacks, EXAMPLE_AWS_INPUTS } from '../../../stacks/stacks';
import { exampleSpec } from '../../support/plans';
import { makeTempDir, removeTempDirs, TerraformJson } from '../../support/synth';

afterAll(removeTempDirs);

/** What docs/spec.md's "Add an environment" adds to stacks/stacks.ts: one more entry, its own VPC, buckets and secrets. */
const QA: AwsEnvironmentInputs = {
  region: 'eu-west-1',
  state: { bucket: 'shop-terraform-state' },
  vpcId: 'vpc-0aaaabbbbccccdddd',
  privateSubnetIds: ['subnet-0aaaabbbbccccddd0', 'subnet-0aaaabbbbccccddd1'],
  otlpAllowedSecurityGroupIds: ['sg-0aaaabbbbccccdddd'],
  grafanaAllowedCidrs: ['10.100.0.0/16'],
  grafanaCertificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/2a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
  alertingSecretArns: {
    'pagerduty-routing-key': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/qa/pagerduty-routing-key-q1W2e3',
    'slack-webhook-url': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/qa/slack-webhook-url-r4T5y6',
    'heartbeat-url': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/qa/heartbeat-url-u7I8o9',
  },
};

/** The example's defineStacks, with the AWS inputs given here. */
function defineWith(app: App, spec: ObservabilitySpec, inputs: Record<string, AwsEnvironmentInputs>): void {
  new DockerObservabilityStack(app, 'local', { spec, traceBackend: 'tempo' });
  new DockerObservabilityStack(app, 'local-jaeger', { spec, traceBackend: 'jaeger' });
  awsEnvironments(app, spec, inputs);
}

/** Builds the app as synth does (every stack's problems collected, then the app-wide rules), then synthesizes it. */
function synth(define: (app: App) => void): { outdir: string; ids: string[] } {
  const outdir = makeTempDir('aws-envs');
  const app = new App({ outdir });
  const failed = collectStackIssues(app);
  define(app);
  throwIfAppProblems(app, failed);
  app.synth();
  return { outdir, ids: app.node.children.map((c) => c.node.id) };
}

function problems(define: (app: App) => void): string {
  try {
    synth(define);
  } catch (e) {
    if (e instanceof O11yValidationError) return e.message;
    throw e;
  }
  throw new Error('synth succeeded');
}

const withQa = (spec: ObservabilitySpec, qa: EnvironmentOverride): ObservabilitySpec => ({
  ...spec,
  environments: { ...spec.environments, qa },
});

describe('awsEnvironments', () => {
  it('builds exactly the stacks the example declared one by one: same ids, same order, same Terraform', () => {
    const spec = exampleSpec();
    const byHelper = Testing.app();
    const stacks = awsEnvironments(byHelper, spec, EXAMPLE_AWS_INPUTS);
    const byHand = Testing.app();
    for (const id of ['staging', 'prod', 'prod-peak']) new AwsObservabilityStack(byHand, id, { spec, ...EXAMPLE_AWS_INPUTS[id] });
    expect(Object.keys(stacks)).toEqual(['staging', 'prod', 'prod-peak']);
    expect(byHelper.node.children.map((c) => c.node.id)).toEqual(['staging', 'prod', 'prod-peak']);
    for (const id of ['staging', 'prod', 'prod-peak'] as const) {
      expect(stacks[id].environment).toBe(id);
      expect(Testing.synth(stacks[id])).toBe(Testing.synth(byHand.node.findChild(id) as AwsObservabilityStack));
    }
  });

  it('adds qa as one more entry: its own stack and state, its own names, the spec’s environments.qa applied', () => {
    // a week of metrics holds a week's SLO window (the window must fit the retention)
    const spec = withQa(exampleSpec(), { tracing: { retention: '3d' }, metrics: { retention: '7d' }, slo: { window: '7d' } });
    const { outdir, ids } = synth((app) => defineWith(app, spec, { ...EXAMPLE_AWS_INPUTS, qa: QA }));
    expect(ids).toEqual(['local', 'local-jaeger', 'staging', 'prod', 'prod-peak', 'qa']);
    const dir = join(outdir, 'stacks', 'qa');
    const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as TerraformJson;
    expect(json.terraform?.backend?.s3).toMatchObject({ bucket: 'shop-terraform-state', key: 'o11y/shop/qa.tfstate' });
    const buckets = Object.values(json.resource?.aws_s3_bucket ?? {}).map((b) => b.bucket).sort();
    expect(buckets).toEqual(['shop-qa-loki-logs', 'shop-qa-o11y-access-logs', 'shop-qa-o11y-config', 'shop-qa-tempo-traces']);
    // the override: Tempo keeps 3 days in qa (14 in the base spec)
    expect(readFileSync(join(dir, 'config', 'tempo.yaml'), 'utf8')).toContain('block_retention: 72h');
    const env = readFileSync(join(dir, 'config', 'otel', 'checkout.env'), 'utf8');
    expect(env).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.shop-qa.o11y.internal:4317');
    expect(env).toMatch(/OTEL_RESOURCE_ATTRIBUTES=deployment\.environment\.name=qa,/);
    // the other stacks are untouched
    for (const id of ['local', 'local-jaeger', 'staging', 'prod', 'prod-peak']) expect(existsSync(join(outdir, 'stacks', id, 'cdk.tf.json'))).toBe(true);
  });

  it('needs no environments.qa in the spec: the stack takes the base spec (the head ratio of 0.5 the example sets for new environments)', () => {
    const { outdir } = synth((app) => defineWith(app, exampleSpec(), { ...EXAMPLE_AWS_INPUTS, qa: QA }));
    // cart has no ratio of its own; qa has no override
    expect(readFileSync(join(outdir, 'stacks', 'qa', 'config', 'otel', 'cart.env'), 'utf8')).toContain('OTEL_TRACES_SAMPLER_ARG=0.5\n');
  });

  it('refuses environments.qa in the spec while no stack is qa, naming the stacks there are', () => {
    const spec = withQa(exampleSpec(), { tracing: { retention: '3d' } });
    expect(problems((app) => defineStacks(app, spec))).toBe(
      'spec: 1 problem\n  - environments.qa: names no stack of this app (stack environments: local, local-jaeger, staging, prod, prod-peak); fix the name or declare the stack',
    );
  });

  it("refuses a qa entry without the ARNs of the secrets the spec's receivers name", () => {
    const { alertingSecretArns: _, ...withoutSecrets } = QA;
    expect(problems((app) => defineWith(app, exampleSpec(), { ...EXAMPLE_AWS_INPUTS, qa: withoutSecrets }))).toBe(
      "stack 'qa': 3 problems\n" +
        "  - alertingSecretArns.heartbeat-url: is missing: a receiver of environment 'qa' names secret heartbeat-url; give the ARN of the Secrets Manager secret holding its value\n" +
        "  - alertingSecretArns.pagerduty-routing-key: is missing: a receiver of environment 'qa' names secret pagerduty-routing-key; give the ARN of the Secrets Manager secret holding its value\n" +
        "  - alertingSecretArns.slack-webhook-url: is missing: a receiver of environment 'qa' names secret slack-webhook-url; give the ARN of the Secrets Manager secret holding its value",
    );
  });

  it('refuses a key that is no environment name, and an entry carrying its own spec, before building any stack', () => {
    const app = Testing.app();
    const spec = exampleSpec();
    expect(() => awsEnvironments(app, spec, { QA, ok: { ...QA, spec } as AwsEnvironmentInputs })).toThrow(
      'awsEnvironments: 2 problems\n' +
        "  - inputs.QA: must be named like a spec environment: [a-z][a-z0-9-]* (a lowercase letter, then lowercase letters, digits or '-'), at most 32 characters (got \"QA\")\n" +
        '  - inputs.ok.spec: is given once, as the second argument of awsEnvironments, for every environment',
    );
    expect(app.node.children).toEqual([]);
  });
});
