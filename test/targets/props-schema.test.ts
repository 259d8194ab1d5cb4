import { App } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsObservabilityStack } from '../../src/targets/aws/aws-stack';
import { DockerObservabilityStack } from '../../src/targets/docker/docker-stack';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { exampleSpec } from '../support/plans';

const app = () => new App({ outdir: mkdtempSync(join(tmpdir(), 'o11y-props-')) });

/** The message a construct throws for props as JavaScript or YAML could pass them. */
function awsError(props: Record<string, unknown>): string {
  try {
    new AwsObservabilityStack(app(), 'staging', props as never);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('AwsObservabilityStack props, checked at run time', () => {
  const base = () => ({ spec: exampleSpec(), ...EXAMPLE_AWS_INPUTS.staging });

  it('refuses an unknown key with the prop path and the key it was probably meant to be', () => {
    expect(awsError({ ...base(), kmsKeyARN: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' })).toBe(
      "stack 'staging': 1 problem\n  - props.kmsKeyARN: unknown key, did you mean 'kmsKeyArn'? (got \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34c...)",
    );
  });

  it('refuses wrong types everywhere at once, nested ones with their path', () => {
    const msg = awsError({ ...base(), privateSubnetIds: 'subnet-0123456789abcdef0', state: { bucket: 'b', lock: true }, sizing: { tempo: { cpu: '1024' }, mimir: {} }, containerInsights: 'yes' });
    expect(msg.split('\n').slice(1)).toEqual([
      "  - props.state.lock: unknown key; known keys: bucket, key, region, dynamodbTable (got true)",
      '  - props.privateSubnetIds: must be a list, not string (got "subnet-0123456789abcdef0")',
      '  - props.sizing.tempo.cpu: must be an integer, not string (got "1024")',
      '  - props.sizing.mimir: must be one of tempo, jaeger, prometheus, grafana, otel-collector, otel-sampler, loki, alertmanager, tempo-distributor, tempo-live-store, tempo-block-builder, tempo-query-frontend, tempo-querier, tempo-backend-scheduler, tempo-backend-worker, tempo-metrics-generator (got "mimir")',
      '  - props.containerInsights: must be true or false, not string (got "yes")',
    ]);
  });

  it('names a cross-field problem of the spec inside the props by its prop path', () => {
    const spec = exampleSpec();
    expect(awsError({ ...base(), spec: { ...spec, services: [...spec.services, spec.services[0]] } })).toBe(
      "stack 'staging': 1 problem\n  - props.spec.services[4].name: duplicates services[0].name (got \"checkout\")",
    );
  });

  it('checks the spec inside the props like the spec file', () => {
    expect(awsError({ ...base(), spec: { ...exampleSpec(), servcies: [] } })).toBe("stack 'staging': 1 problem\n  - props.spec.servcies: unknown key, did you mean 'services'? (got [])");
  });

  it('accepts the example inputs', () => {
    expect(() => new AwsObservabilityStack(app(), 'staging', base())).not.toThrow();
  });
});

describe('DockerObservabilityStack props, checked at run time', () => {
  it('refuses an unknown key and a trace backend it does not know', () => {
    expect(() => new DockerObservabilityStack(app(), 'local', { spec: exampleSpec(), traceBackend: 'zipkin', statepath: 'x' } as never)).toThrow(
      "stack 'local': 2 problems\n  - props.statepath: unknown key, did you mean 'statePath'? (got \"x\")\n  - props.traceBackend: must be one of tempo, jaeger (got \"zipkin\")",
    );
  });
});
