import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { Construct } from 'constructs';
import { SecureBucket } from './secure-bucket';
import type { AccountContext } from './task-role';

/** Days an access-log object is kept: a quarter of audit trail, then the lifecycle deletes it. */
export const ACCESS_LOG_RETENTION_DAYS = 90;
/** Where S3 writes the server access logs of the stack's buckets. */
export const S3_ACCESS_LOG_PREFIX = 's3/';
/** Where the Grafana load balancer writes its access logs (ELB appends `AWSLogs/<account>/…`). */
export const ALB_ACCESS_LOG_PREFIX = 'alb';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  readonly account: AccountContext;
  /** The buckets whose server access logs land here (their ARNs, for the source condition). */
  readonly sourceBucketArns: readonly string[];
  /** A load balancer writes its access logs here too. */
  readonly loadBalancerLogs: boolean;
  /**
   * Terraform refuses to destroy or replace it: it holds the audit trail.
   * @default false
   */
  readonly protect?: boolean;
}

/**
 * The one bucket for the stack's access logs: S3 server access logs of the traces, logs and
 * config buckets (under `s3/`) and the Grafana load balancer's (under `alb/`). Hardened like every
 * bucket of the stack (SecureBucket), expiring objects after {@link ACCESS_LOG_RETENTION_DAYS}, and
 * encrypted with SSE-S3 whatever `kmsKeyArn` says: neither S3 server access logging nor ELB access
 * logging delivers to a bucket whose default encryption is SSE-KMS. It logs nothing of its own
 * (logging the log bucket into itself would never end).
 */
export class AccessLogBucket extends SecureBucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    const { accountId, partition } = props.account;
    const arn = `arn:${partition}:s3:::${props.bucketName}`;
    // the load balancers' log delivery: the region's ELB account (regions before August 2022, as
    // eu-west-1) writes under the prefix; the provider knows the account of each region
    const elb = props.loadBalancerLogs ? new DataAwsElbServiceAccount(scope, `${id}-elb-account`, {}) : undefined;
    super(scope, id, {
      bucketName: props.bucketName,
      protect: props.protect,
      expirationDays: ACCESS_LOG_RETENTION_DAYS,
      policyStatements: [
        {
          Sid: 'S3ServerAccessLogs',
          Effect: 'Allow',
          // a string, as the S3 guide writes it (and as moto reads it)
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: ['s3:PutObject'],
          Resource: `${arn}/${S3_ACCESS_LOG_PREFIX}*`,
          Condition: { ArnLike: { 'aws:SourceArn': [...props.sourceBucketArns] }, StringEquals: { 'aws:SourceAccount': accountId } },
        },
        ...(elb
          ? [
              {
                Sid: 'LoadBalancerAccessLogs',
                Effect: 'Allow',
                Principal: { AWS: elb.arn },
                Action: ['s3:PutObject'],
                Resource: `${arn}/${ALB_ACCESS_LOG_PREFIX}/AWSLogs/${accountId}/*`,
              },
            ]
          : []),
      ],
    });
  }
}
