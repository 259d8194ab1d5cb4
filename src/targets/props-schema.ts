/**
 * Run-time checks of the public constructs' props, as strict as the spec's: props come from
 * JavaScript, from `as any` and from YAML too, where the compiler checked nothing. An unknown
 * key (`kmsKeyARN`) or a wrong type is a problem with the prop's path, reported with every
 * other problem before any resource is created. Values are checked here for shape only; the
 * AWS rules (ids, CIDRs, bucket names) stay in validate-aws-props.ts.
 */
import { COMPONENT_NAMES } from '../components/component';
import { Issue } from '../spec/issues';
import { bool, dict, list, num, obj, oneOf, optional, required, Schema, str } from '../spec/schema-kit';
import { specSchema } from '../spec/spec-schema';
import { OTLP_PROTOCOLS } from '../spec/types';
import type { AwsObservabilityStackProps } from './aws/aws-stack';
import type { DockerObservabilityStackProps } from './docker/docker-stack';

const strings = () => list(str());
const wholeNumber = () => num({ integer: true });
// shapes only: the registry and reference grammar is stackImagesIssues' (components/stack-images.ts)
const imagesSchema = () => obj({ registry: optional(str({ minLength: 1 })), components: optional(dict(oneOf(COMPONENT_NAMES), str({ minLength: 1 }))) });

const awsPropsSchema = obj({
  spec: required(specSchema),
  environment: optional(str({ minLength: 1 })),
  region: required(str({ minLength: 1 })),
  state: required(obj({ bucket: required(str({ minLength: 1 })), key: optional(str({ minLength: 1 })), region: optional(str({ minLength: 1 })), dynamodbTable: optional(str({ minLength: 1 })) })),
  vpcId: required(str()),
  privateSubnetIds: required(strings()),
  otlpAllowedCidrs: optional(strings()),
  otlpAllowedSecurityGroupIds: optional(strings()),
  otlpProtocols: optional(list(oneOf(OTLP_PROTOCOLS))),
  grafanaAllowedCidrs: optional(strings()),
  grafanaAllowedSecurityGroupIds: optional(strings()),
  scrapeTargetCidrs: optional(strings()),
  discoveryDomain: optional(str({ minLength: 1 })),
  tracesBucket: optional(str()),
  logsBucket: optional(str()),
  logsExpirationMarginDays: optional(wholeNumber()),
  configBucket: optional(str()),
  accessLogsBucket: optional(str()),
  kmsKeyArn: optional(str()),
  tracesExpirationMarginDays: optional(wholeNumber()),
  tracesBucketVersioning: optional(bool()),
  tracesNoncurrentVersionDays: optional(wholeNumber()),
  metricsBackend: optional(oneOf(['prometheus', 'amazon-managed-prometheus'] as const)),
  sizing: optional(dict(oneOf(COMPONENT_NAMES), obj({ cpu: optional(wholeNumber()), memoryMiB: optional(wholeNumber()) }))),
  logRetentionDays: optional(wholeNumber()),
  securityGroupRuleQuota: optional(wholeNumber()),
  containerInsights: optional(bool()),
  protectData: optional(bool()),
  grafanaCertificateArn: optional(str()),
  alertingSecretArns: optional(dict(str(), str())),
  grafanaDomainName: optional(str({ minLength: 1 })),
  grafanaHostedZoneId: optional(str({ minLength: 1 })),
  grafanaPlainHttp: optional(bool()),
  grafanaAdminPasswordRotatedOn: optional(str({ minLength: 1 })),
  images: optional(imagesSchema()),
});

const dockerPropsSchema = obj({
  spec: required(specSchema),
  traceBackend: optional(oneOf(['tempo', 'jaeger'] as const)),
  environment: optional(str({ minLength: 1 })),
  statePath: optional(str({ minLength: 1 })),
  images: optional(imagesSchema()),
});

// every prop of the TypeScript interfaces has its run-time check, and no more
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type KeysOf<S> = S extends Schema<infer T> ? keyof T : never;
const awsKeys: Equal<KeysOf<typeof awsPropsSchema>, keyof AwsObservabilityStackProps> = true;
const dockerKeys: Equal<KeysOf<typeof dockerPropsSchema>, keyof DockerObservabilityStackProps> = true;
void awsKeys;
void dockerKeys;

function check(schema: Schema<unknown>, props: unknown): Issue[] {
  const issues: Issue[] = [];
  schema.check(props, 'props', issues);
  return issues;
}

/** Every shape problem of AwsObservabilityStack props (`props.kmsKeyARN: unknown key, did you mean 'kmsKeyArn'?`). */
export function awsPropsIssues(props: unknown): Issue[] {
  return check(awsPropsSchema, props);
}

export function dockerPropsIssues(props: unknown): Issue[] {
  return check(dockerPropsSchema, props);
}
