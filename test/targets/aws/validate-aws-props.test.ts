import { TerraformResource } from 'cdktf';
import { O11yValidationError } from '../../../src/spec/issues';
import type { ObservabilitySpec } from '../../../src/spec/types';
import { AwsObservabilityStack } from '../../../src/targets/aws/aws-stack';
import { bucketNameProblems, cidrProblem } from '../../../src/targets/aws/validate-aws-props';
import { exampleSpec } from '../../support/plans';
import { removeTempDirs, testApp } from '../../support/synth';
import { Inputs, prodInputs } from './helpers';

afterAll(removeTempDirs);

/** The formatted problems of building prod with these inputs (and spec); [] when it builds. */
function problems(change: Partial<Inputs>, spec: ObservabilitySpec = exampleSpec()): string[] {
  try {
    new AwsObservabilityStack(testApp(), 'prod', { spec, ...prodInputs(change) });
    return [];
  } catch (e) {
    if (e instanceof O11yValidationError) return e.lines;
    throw e;
  }
}

describe('validation of the AWS inputs', () => {
  test('the example inputs are valid', () => {
    expect(problems({})).toEqual([]);
  });

  test("a placeholder of o11y init is refused where no other rule refuses it, and said once where one does", () => {
    expect(problems({ grafanaDomainName: 'grafana.REPLACE-ME', state: { bucket: 'shop-terraform-state', dynamodbTable: 'REPLACE-ME-locks' }, vpcId: 'vpc-REPLACE-ME' })).toEqual([
      'vpcId: must be a VPC id such as vpc-0123456789abcdef0 (got "vpc-REPLACE-ME")',
      'state.dynamodbTable: is a placeholder (REPLACE-ME) written by o11y init: replace it with your value (got "REPLACE-ME-locks")',
      'grafanaDomainName: is a placeholder (REPLACE-ME) written by o11y init: replace it with your value (got "grafana.REPLACE-ME")',
    ]);
    // in a list or a map too; the spec is not an input (a service may be called anything valid)
    expect(problems({ scrapeTargetCidrs: ['10.0.0.0/8'], alertingSecretArns: { ...prodInputs().alertingSecretArns, unused: 'REPLACE-ME' } })).toEqual([
      'alertingSecretArns.unused: is a placeholder (REPLACE-ME) written by o11y init: replace it with your value (got "REPLACE-ME")',
    ]);
  });

  test('a Grafana password rotation date that is no day written YYYY-MM-DD is refused, naming it', () => {
    expect(problems({ grafanaAdminPasswordRotatedOn: '2027-01-15' })).toEqual([]);
    for (const bad of ['2027-02-29', '2027-1-15', '15.01.2027', '2027-01-15T00:00:00Z']) {
      expect(problems({ grafanaAdminPasswordRotatedOn: bad })).toEqual([`grafanaAdminPasswordRotatedOn: must be a day written YYYY-MM-DD (the day the password was last rotated) (got ${JSON.stringify(bad)})`]);
    }
    expect(problems({ grafanaAdminPasswordRotatedOn: '' })).toEqual(['props.grafanaAdminPasswordRotatedOn: must not be empty (got "")']);
  });

  test('a bucket name S3 would refuse is named with the field and the rule it breaks', () => {
    expect(problems({ tracesBucket: 'shop_traces' })).toEqual(['tracesBucket: may contain only lowercase letters, digits, dots and hyphens (got "shop_traces")']);
    expect(problems({ configBucket: 'ab' })).toEqual(['configBucket: must be 3 to 63 characters long (got "ab")']);
    expect(problems({ state: { bucket: '-state' } })).toEqual(['state.bucket: must begin and end with a letter or digit (got "-state")']);
    // an uppercase first or last letter is one problem (not also a wrong beginning or end)
    expect(problems({ state: { bucket: 'Shop-State' } })).toEqual(['state.bucket: may contain only lowercase letters, digits, dots and hyphens (got "Shop-State")']);
    expect(problems({ tracesBucket: 'shop.prod.traces' })).toEqual([
      `tracesBucket: must not contain '.': TLS to a dotted bucket's virtual-hosted address fails, and the bucket only accepts TLS (got "shop.prod.traces")`,
    ]);
  });

  test('the bucket rules follow the S3 naming rules', () => {
    expect(bucketNameProblems('shop-prod-tempo-traces')).toEqual([]);
    expect(bucketNameProblems('192.168.1.1')).toContain('must not be formatted as an IP address');
    expect(bucketNameProblems('xn--shop')).toEqual(["must not start with 'xn--' (reserved by S3)"]);
    expect(bucketNameProblems('shop-s3alias')).toEqual(["must not end with '-s3alias' (reserved by S3)"]);
    expect(bucketNameProblems('a'.repeat(63))).toEqual([]);
    expect(bucketNameProblems('a'.repeat(64))).toEqual(['must be 3 to 63 characters long']);
  });

  test("Tempo's bucket holds nothing but Tempo's blocks", () => {
    expect(problems({ configBucket: 'shop-prod-tempo-traces' })).toEqual([
      `configBucket: must differ from tracesBucket: Tempo treats every top-level prefix of its bucket as a tenant (got "shop-prod-tempo-traces")`,
    ]);
  });

  test("a tracing retention shorter than Tempo's minimum is reported with the AWS problems, in one error", () => {
    const spec = exampleSpec();
    const short: ObservabilitySpec = { ...spec, environments: { ...spec.environments, prod: { ...spec.environments?.prod, tracing: { retention: '1h' } } } };
    expect(problems({ privateSubnetIds: [] }, short)).toEqual([
      'environments.prod.tracing.retention: must be at least 2h: Tempo compacts in 1h windows and keeps compacted blocks 1h (got "1h")',
      'privateSubnetIds: must name at least one private subnet for the tasks (two or more in different zones for resilience) (got [])',
    ]);
  });

  test('the lifecycle margin cannot be less than a day, and noncurrent expiry needs versioning', () => {
    expect(problems({ tracesExpirationMarginDays: 0 })).toEqual([
      'tracesExpirationMarginDays: must be a whole number of days, at least 1: the lifecycle backstop must never delete a block Tempo still keeps (got 0)',
    ]);
    expect(problems({ tracesNoncurrentVersionDays: 3 })).toEqual(["tracesNoncurrentVersionDays: requires 'tracesBucketVersioning': without versioning there are no noncurrent versions (got 3)"]);
    expect(problems({ tracesNoncurrentVersionDays: 3, tracesBucketVersioning: true })).toEqual([]);
  });

  test("a KMS key Tempo's role could not be given permissions on is refused", () => {
    expect(problems({ kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:alias/traces' })).toEqual([
      `kmsKeyArn: must be a key ARN (arn:aws:kms:<region>:<account>:key/<id>): an alias or key id cannot be granted to Tempo's task role, so Tempo could not read or write its blocks (got "arn:aws:kms:eu-west-1:111122223333:alias/traces")`,
    ]);
    expect(problems({ kmsKeyArn: '1234abcd-12ab-34cd-86ef-1234567890ab' })).toHaveLength(1);
    // a key id no KMS key has (the variant digit 5): the AWS provider refuses it at validate, so synth does
    expect(problems({ kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' })).toHaveLength(1);
    expect(problems({ kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-86ef-1234567890ab' })).toEqual([
      `kmsKeyArn: must be a key in the stack's region (eu-west-1): S3 encrypts with keys of the bucket's region only (got "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34c...)`,
    ]);
  });

  test('missing or malformed network ids are named', () => {
    expect(problems({ privateSubnetIds: [] })).toEqual(['privateSubnetIds: must name at least one private subnet for the tasks (two or more in different zones for resilience) (got [])']);
    expect(problems({ privateSubnetIds: ['subnet-0123456789abcdef0', 'sub-1'] })).toEqual(['privateSubnetIds[1]: must be a subnet id such as subnet-0123456789abcdef0 (got "sub-1")']);
    expect(problems({ vpcId: 'vpc-xyz' })).toEqual(['vpcId: must be a VPC id such as vpc-0123456789abcdef0 (got "vpc-xyz")']);
    expect(problems({ otlpAllowedSecurityGroupIds: ['sg-nope'] })).toEqual(['otlpAllowedSecurityGroupIds[0]: must be a security group id such as sg-0123456789abcdef0 (got "sg-nope")']);
  });

  test('without anyone allowed to send OTLP, or to open Grafana, the stack is refused', () => {
    expect(problems({ otlpAllowedSecurityGroupIds: [], otlpAllowedCidrs: [] })).toEqual([
      "otlpAllowedCidrs: or 'otlpAllowedSecurityGroupIds' must name the services: without either, Tempo's OTLP ports are open to nobody",
    ]);
    expect(problems({ grafanaAllowedCidrs: undefined })).toEqual(["grafanaAllowedCidrs: or 'grafanaAllowedSecurityGroupIds' must name who opens Grafana: without either, nobody can reach it"]);
    expect(problems({ grafanaAllowedCidrs: ['0.0.0.0/0'] })).toEqual(['grafanaAllowedCidrs[0]: must not be the whole internet: Grafana is an admin UI; name your VPN or office ranges (got "0.0.0.0/0")']);
  });

  test('CIDR blocks are IPv4 blocks without host bits', () => {
    expect(cidrProblem('10.0.0.0/16')).toBeUndefined();
    expect(cidrProblem('0.0.0.0/0')).toBeUndefined();
    expect(problems({ otlpAllowedCidrs: ['10.0.1.0/16'] })).toEqual(['otlpAllowedCidrs[0]: has host bits set; AWS would store it as a different block (got "10.0.1.0/16")']);
    expect(problems({ scrapeTargetCidrs: ['10.0.0.0'] })).toEqual(['scrapeTargetCidrs[0]: must be an IPv4 CIDR block such as 10.0.0.0/16 (got "10.0.0.0")']);
  });

  test('an OTLP port a service exports to but the security group would not open is refused', () => {
    // checkout and catalog export with gRPC in the example spec
    expect(problems({ otlpProtocols: ['http/protobuf'] })).toEqual([
      `otlpProtocols: must include 'grpc': checkout, catalog export with it, and its port would stay closed to them (got ["http/protobuf"])`,
    ]);
  });

  test('Amazon Managed Service for Prometheus is refused: it cannot store the exemplars the stack needs', () => {
    expect(problems({ metricsBackend: 'amazon-managed-prometheus' })).toEqual([
      `metricsBackend: must be 'prometheus': the stack needs exemplars (trace links on latency panels), and Amazon Managed Service for Prometheus does not store exemplars (got "amazon-managed-prometheus")`,
    ]);
    expect(problems({ metricsBackend: 'prometheus' })).toEqual([]);
  });

  test('task sizes must be Fargate sizes, and log retention a CloudWatch value', () => {
    expect(problems({ sizing: { tempo: { cpu: 1000 } } })).toEqual(['sizing.tempo.cpu: must be a Fargate CPU value (256, 512, 1024, 2048, 4096, 8192, 16384) (got 1000)']);
    expect(problems({ sizing: { grafana: { memoryMiB: 4096 } } })).toEqual(["sizing.grafana.memoryMiB: must be one of Fargate's memory sizes for 256 CPU units (512..2048 in steps of 512) (got 4096)"]);
    expect(problems({ sizing: { jaeger: { cpu: 256 } } })).toEqual(['sizing.jaeger: is not a component of this stack (tempo, otel-collector, prometheus, loki, alertmanager, grafana) (got {"cpu":256})']);
    expect(problems({ logRetentionDays: 10 })).toEqual([
      'logRetentionDays: must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653) (got 10)',
    ]);
  });

  test('every problem is collected into one error, and no resource exists when it is thrown', () => {
    const app = testApp();
    let error: unknown;
    try {
      new AwsObservabilityStack(app, 'prod', { spec: exampleSpec(), ...prodInputs({ vpcId: 'nope', privateSubnetIds: [], tracesBucket: 'upper_case', metricsBackend: 'amazon-managed-prometheus' }) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(O11yValidationError);
    expect((error as O11yValidationError).message.split('\n')[0]).toBe("stack 'prod': 4 problems");
    expect((error as O11yValidationError).issues.map((i) => i.path)).toEqual(['tracesBucket', 'vpcId', 'privateSubnetIds', 'metricsBackend']);
    expect(app.node.findAll().filter((c) => c instanceof TerraformResource)).toEqual([]);
  });
});
