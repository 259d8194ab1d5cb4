import { calendarDay } from '../../spec/calendar-date';
import { MAX_SECURITY_GROUP_RULE_QUOTA, SECURITY_GROUP_RULE_QUOTA } from './security-groups';
import { Token } from 'cdktf';
import type { ComponentName } from '../../components/component';
import type { ResolvedSpec } from '../../spec/resolved';
import { alertingSecrets } from '../../render/alertmanager';
import { issue, Issue } from '../../spec/issues';
import { OTLP_PROTOCOLS, OtlpProtocol } from '../../spec/types';
import type { AwsObservabilityStackProps } from './aws-stack';
import { stackImagesIssues } from '../../components/stack-images';
import { placeholderIssues } from '../placeholders';
import { bucketNameProblems } from './bucket-names';

export { bucketNameProblems };

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export { FARGATE_MEMORY_BY_CPU } from '../../components/task-sizes';
import { FARGATE_MEMORY_BY_CPU } from '../../components/task-sizes';

const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SG_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** Only a key ARN can be granted to: IAM and KMS grants do not authorize through an alias or a bare key id. */
const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** A Secrets Manager secret's full ARN (with its 6-character suffix): ECS resolves `valueFrom` by it. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
/**
 * A key ARN as the AWS provider accepts one (`data.aws_kms_key` refuses any other at validate): the
 * key id a UUID of versions 1-5 with the RFC 4122 variant, as KMS makes them, or a multi-Region key.
 */
const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/([0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;


/** An IPv4 CIDR such as `10.0.0.0/16`, with no host bits set. */
export function cidrProblem(cidr: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return 'must be an IPv4 CIDR block such as 10.0.0.0/16';
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return 'must be an IPv4 CIDR block such as 10.0.0.0/16';
  const ip = octets.reduce((a, o) => a * 256 + o, 0);
  const hostBits = 2 ** (32 - bits);
  if (ip % hostBits !== 0) return `has host bits set; AWS would store it as a different block`;
  return undefined;
}

export interface AwsValidationContext {
  /**
   * The environment's spec; rules that need it are skipped when it did not resolve.
   * @default - none (the spec did not resolve)
   */
  readonly spec?: ResolvedSpec;
  readonly tracesBucket: string;
  readonly logsBucket: string;
  readonly configBucket: string;
  /**
   * The access-log bucket's name.
   * @default - not checked
   */
  readonly accessLogsBucket?: string;
  /**
   * Component name → its descriptor's sizing, before overrides.
   * @default - none (the spec did not resolve; sizing is not checked)
   */
  readonly defaultSizing?: Readonly<Partial<Record<ComponentName, { cpu: number; memoryMiB: number }>>>;
  /**
   * The stack's components.
   * @default - none (the spec did not resolve; image overrides are not matched to components)
   */
  readonly components?: readonly ComponentName[];
}

/**
 * Every AWS input the stack relies on, checked before any resource exists: what would fail
 * at `terraform apply` (or, worse, deploy fine and not work) is reported at synth, naming the prop.
 */
export function validateAwsProps(props: AwsObservabilityStackProps, ctx: AwsValidationContext): Issue[] {
  const issues: Issue[] = [];
  if (!REGION.test(props.region)) issues.push(issue('region', 'must be an AWS region such as eu-west-1', props.region));

  // state
  for (const p of bucketNameProblems(props.state.bucket)) issues.push(issue('state.bucket', p, props.state.bucket));
  if (props.state.key !== undefined && (props.state.key === '' || props.state.key.startsWith('/'))) issues.push(issue('state.key', 'must be a non-empty object key without a leading slash', props.state.key));

  // buckets
  for (const p of bucketNameProblems(ctx.tracesBucket)) issues.push(issue('tracesBucket', p, ctx.tracesBucket));
  for (const p of bucketNameProblems(ctx.configBucket)) issues.push(issue('configBucket', p, ctx.configBucket));
  for (const p of bucketNameProblems(ctx.logsBucket)) issues.push(issue('logsBucket', p, ctx.logsBucket));
  if (ctx.tracesBucket === ctx.configBucket) issues.push(issue('configBucket', "must differ from tracesBucket: Tempo treats every top-level prefix of its bucket as a tenant", ctx.configBucket));
  if (ctx.logsBucket === ctx.tracesBucket) issues.push(issue('logsBucket', "must differ from tracesBucket: Tempo treats every top-level prefix of its bucket as a tenant, and each store's lifecycle follows its own retention", ctx.logsBucket));
  if (ctx.logsBucket === ctx.configBucket) issues.push(issue('logsBucket', "must differ from configBucket: the logs bucket expires objects after the logs retention", ctx.logsBucket));
  if (ctx.accessLogsBucket !== undefined) {
    for (const p of bucketNameProblems(ctx.accessLogsBucket)) issues.push(issue('accessLogsBucket', p, ctx.accessLogsBucket));
    const same = (['tracesBucket', 'logsBucket', 'configBucket'] as const).find((b) => ctx[b] === ctx.accessLogsBucket);
    if (same) issues.push(issue('accessLogsBucket', `must differ from ${same}: access logs go to a bucket of their own (SSE-S3, their own expiry)`, ctx.accessLogsBucket));
  }
  if (props.logsExpirationMarginDays !== undefined && !(Number.isInteger(props.logsExpirationMarginDays) && props.logsExpirationMarginDays >= 1)) {
    issues.push(issue('logsExpirationMarginDays', 'must be a whole number of days, at least 1: the lifecycle backstop must never delete logs Loki still keeps', props.logsExpirationMarginDays));
  }
  if (props.tracesExpirationMarginDays !== undefined && !(Number.isInteger(props.tracesExpirationMarginDays) && props.tracesExpirationMarginDays >= 1)) {
    issues.push(issue('tracesExpirationMarginDays', 'must be a whole number of days, at least 1: the lifecycle backstop must never delete a block Tempo still keeps', props.tracesExpirationMarginDays));
  }
  if (props.tracesNoncurrentVersionDays !== undefined && !(Number.isInteger(props.tracesNoncurrentVersionDays) && props.tracesNoncurrentVersionDays >= 1)) {
    issues.push(issue('tracesNoncurrentVersionDays', 'must be a whole number of days, at least 1', props.tracesNoncurrentVersionDays));
  }
  if (props.tracesNoncurrentVersionDays !== undefined && !props.tracesBucketVersioning) {
    issues.push(issue('tracesNoncurrentVersionDays', "requires 'tracesBucketVersioning': without versioning there are no noncurrent versions", props.tracesNoncurrentVersionDays));
  }

  // KMS
  if (props.kmsKeyArn !== undefined) {
    const m = KMS_KEY_ARN.exec(props.kmsKeyArn);
    if (!m) {
      issues.push(issue('kmsKeyArn', "must be a key ARN (arn:aws:kms:<region>:<account>:key/<id>): an alias or key id cannot be granted to Tempo's task role, so Tempo could not read or write its blocks", props.kmsKeyArn));
    } else if (m[2] !== props.region) {
      issues.push(issue('kmsKeyArn', `must be a key in the stack's region (${props.region}): S3 encrypts with keys of the bucket's region only`, props.kmsKeyArn));
    }
  }

  // alert receivers' secrets
  if (ctx.spec) {
    const needed = alertingSecrets(ctx.spec.alerting);
    const given = props.alertingSecretArns ?? {};
    for (const s of needed) {
      if (given[s] === undefined) issues.push(issue(`alertingSecretArns.${s}`, `is missing: a receiver of environment '${ctx.spec.environment}' names secret ${s}; give the ARN of the Secrets Manager secret holding its value`));
    }
    for (const [s, arn] of Object.entries(given)) {
      // an ARN no receiver uses is not injected (a misspelt name shows up as the missing one)
      if (needed.includes(s) && !Token.isUnresolved(arn) && !SECRET_ARN.test(arn)) issues.push(issue(`alertingSecretArns.${s}`, 'must be the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)', arn));
    }
  }

  // network
  if (!VPC_ID.test(props.vpcId)) issues.push(issue('vpcId', 'must be a VPC id such as vpc-0123456789abcdef0', props.vpcId));
  if (props.privateSubnetIds.length === 0) issues.push(issue('privateSubnetIds', 'must name at least one private subnet for the tasks (two or more in different zones for resilience)', props.privateSubnetIds));
  props.privateSubnetIds.forEach((s, i) => {
    if (!SUBNET_ID.test(s)) issues.push(issue(`privateSubnetIds[${i}]`, 'must be a subnet id such as subnet-0123456789abcdef0', s));
  });
  if (new Set(props.privateSubnetIds).size !== props.privateSubnetIds.length) issues.push(issue('privateSubnetIds', 'must not repeat a subnet', props.privateSubnetIds));

  const sources: [string, readonly string[] | undefined, 'cidr' | 'sg'][] = [
    ['otlpAllowedCidrs', props.otlpAllowedCidrs, 'cidr'],
    ['otlpAllowedSecurityGroupIds', props.otlpAllowedSecurityGroupIds, 'sg'],
    ['grafanaAllowedCidrs', props.grafanaAllowedCidrs, 'cidr'],
    ['grafanaAllowedSecurityGroupIds', props.grafanaAllowedSecurityGroupIds, 'sg'],
    ['scrapeTargetCidrs', props.scrapeTargetCidrs, 'cidr'],
  ];
  for (const [field, values, kind] of sources) {
    (values ?? []).forEach((v, i) => {
      if (kind === 'cidr') {
        const p = cidrProblem(v);
        if (p) issues.push(issue(`${field}[${i}]`, p, v));
      } else if (!SG_ID.test(v)) {
        issues.push(issue(`${field}[${i}]`, 'must be a security group id such as sg-0123456789abcdef0', v));
      }
    });
  }
  if ((props.otlpAllowedCidrs ?? []).length === 0 && (props.otlpAllowedSecurityGroupIds ?? []).length === 0) {
    issues.push(issue('otlpAllowedCidrs', "or 'otlpAllowedSecurityGroupIds' must name the services: without either, Tempo's OTLP ports are open to nobody"));
  }
  if ((props.grafanaAllowedCidrs ?? []).length === 0 && (props.grafanaAllowedSecurityGroupIds ?? []).length === 0) {
    issues.push(issue('grafanaAllowedCidrs', "or 'grafanaAllowedSecurityGroupIds' must name who opens Grafana: without either, nobody can reach it"));
  }
  (props.grafanaAllowedCidrs ?? []).forEach((c, i) => {
    if (c === '0.0.0.0/0') issues.push(issue(`grafanaAllowedCidrs[${i}]`, 'must not be the whole internet: Grafana is an admin UI; name your VPN or office ranges', c));
  });

  // OTLP protocols the security group opens vs. the ones services export with
  if (props.otlpProtocols !== undefined && ctx.spec) {
    props.otlpProtocols.forEach((p, i) => {
      if (!(OTLP_PROTOCOLS as readonly string[]).includes(p)) issues.push(issue(`otlpProtocols[${i}]`, `must be one of ${OTLP_PROTOCOLS.join(', ')}`, p));
    });
    for (const protocol of OTLP_PROTOCOLS) {
      const users = ctx.spec!.services.filter((s) => s.protocol === protocol).map((s) => s.name);
      if (users.length > 0 && !props.otlpProtocols.includes(protocol as OtlpProtocol)) {
        issues.push(issue('otlpProtocols', `must include '${protocol}': ${users.join(', ')} export${users.length === 1 ? 's' : ''} with it, and its port would stay closed to them`, props.otlpProtocols));
      }
    }
  }

  // metrics backend
  if (props.metricsBackend !== undefined && props.metricsBackend !== 'prometheus') {
    issues.push(issue('metricsBackend', "must be 'prometheus': the stack needs exemplars (trace links on latency panels), and Amazon Managed Service for Prometheus does not store exemplars", props.metricsBackend));
  }

  // sizing and logs
  const defaultSizing = ctx.defaultSizing ?? {};
  for (const [name, override] of Object.entries(ctx.defaultSizing ? props.sizing ?? {} : {}) as [ComponentName, { cpu?: number; memoryMiB?: number } | undefined][]) {
    const base = defaultSizing[name];
    if (!base) {
      issues.push(issue(`sizing.${name}`, `is not a component of this stack (${Object.keys(defaultSizing).join(', ')})`, override));
      continue;
    }
    const cpu = override?.cpu ?? base.cpu;
    const memory = override?.memoryMiB ?? base.memoryMiB;
    const allowed = FARGATE_MEMORY_BY_CPU[cpu];
    if (!allowed) {
      issues.push(issue(`sizing.${name}.cpu`, `must be a Fargate CPU value (${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')})`, cpu));
    } else if (!allowed.includes(memory)) {
      issues.push(issue(`sizing.${name}.memoryMiB`, `must be one of Fargate's memory sizes for ${cpu} CPU units (${allowed[0]}..${allowed[allowed.length - 1]} in steps of ${allowed.length > 1 ? allowed[1] - allowed[0] : allowed[0]})`, memory));
    }
  }
  if (!props.grafanaPlainHttp && props.grafanaCertificateArn === undefined) {
    issues.push(issue('grafanaCertificateArn', 'is required: Grafana on AWS is served over HTTPS by an internal load balancer (an ACM certificate ARN); set grafanaPlainHttp: true to accept plain HTTP instead'));
  }
  if (props.grafanaCertificateArn !== undefined && !Token.isUnresolved(props.grafanaCertificateArn) && !ACM_CERTIFICATE_ARN.test(props.grafanaCertificateArn)) {
    issues.push(issue('grafanaCertificateArn', 'must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)', props.grafanaCertificateArn));
  }
  if (props.grafanaPlainHttp && props.grafanaCertificateArn !== undefined) {
    issues.push(issue('grafanaPlainHttp', 'contradicts grafanaCertificateArn: with a certificate Grafana is served over HTTPS; remove one of them', props.grafanaPlainHttp));
  }
  const rotatedOn = props.grafanaAdminPasswordRotatedOn;
  if (rotatedOn !== undefined && (typeof rotatedOn !== 'string' || calendarDay(rotatedOn) === undefined)) {
    issues.push(issue('grafanaAdminPasswordRotatedOn', 'must be a day written YYYY-MM-DD (the day the password was last rotated)', rotatedOn));
  }
  if (props.grafanaHostedZoneId !== undefined && props.grafanaDomainName === undefined) {
    issues.push(issue('grafanaHostedZoneId', 'needs grafanaDomainName: the record is created for that name', props.grafanaHostedZoneId));
  }
  if (props.securityGroupRuleQuota !== undefined && !(Number.isInteger(props.securityGroupRuleQuota) && props.securityGroupRuleQuota >= SECURITY_GROUP_RULE_QUOTA && props.securityGroupRuleQuota <= MAX_SECURITY_GROUP_RULE_QUOTA)) {
    issues.push(issue('securityGroupRuleQuota', `must be a whole number from ${SECURITY_GROUP_RULE_QUOTA} (the AWS default) to ${MAX_SECURITY_GROUP_RULE_QUOTA} (the AWS maximum)`, props.securityGroupRuleQuota));
  }
  if (props.logRetentionDays !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(props.logRetentionDays)) {
    issues.push(issue('logRetentionDays', `must be a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(', ')})`, props.logRetentionDays));
  }
  issues.push(...stackImagesIssues(props.images, ctx.components));
  // last: a placeholder another rule already refused is not reported twice
  issues.push(...placeholderIssues(props, issues));
  return issues;
}
