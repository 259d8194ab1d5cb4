import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';

/** Incomplete multipart uploads (a Tempo task killed mid-flush) are billed until aborted. */
export const ABORT_MULTIPART_AFTER_DAYS = 1;

export interface SecureBucketProps {
  readonly bucketName: string;
  /**
   * SSE-KMS with this key (and an S3 Bucket Key, which cuts KMS requests by orders of magnitude).
   * @default - SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /**
   * Keep noncurrent versions (then they expire after `noncurrentVersionDays`).
   * @default false
   */
  readonly versioning?: boolean;
  /**
   * Days a noncurrent version is kept when versioning is on.
   * @default 1
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Delete current objects this many days after creation.
   * @default - never
   */
  readonly expirationDays?: number;
  /**
   * Terraform refuses to destroy or replace it (`lifecycle.prevent_destroy`): it holds data.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Statements added to the bucket policy after the TLS-only Deny (a log delivery service's access).
   * @default - none
   */
  readonly policyStatements?: readonly Record<string, unknown>[];
  /**
   * S3 server access logging into this bucket under this prefix, partitioned by source bucket and
   * day (`<prefix><account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/…`); its policy must let S3's
   * logging service write there.
   * @default - no server access logging
   */
  readonly accessLogs?: { readonly target: SecureBucket; readonly prefix: string };
}

/**
 * An S3 bucket that is secure without options: default encryption, all four public-access
 * blocks, ACLs disabled (BucketOwnerEnforced), TLS-only, incomplete uploads aborted.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  readonly lifecycle: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: false, ...(props.protect ? { lifecycle: { preventDestroy: true } } : {}) });
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        props.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    // Off means no versioning resource at all: a new bucket is unversioned, and removing the resource
    // after it was Enabled suspends versioning (the provider's "Disabled" is valid only at creation)
    const versioning = props.versioning ? new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } }) : undefined;

    // Only the transport is enforced here. A "deny PutObject without x-amz-server-side-encryption"
    // statement, common in hardening guides, would also refuse Tempo's CopyObject (it marks blocks
    // compacted by copying meta.json and sends no SSE header): default encryption covers both.
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          ...(props.policyStatements ?? []),
        ],
      }),
      // S3 refuses a policy change while the public-access block is being (re)applied
      dependsOn: [publicAccess],
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_MULTIPART_AFTER_DAYS }] },
    ];
    if (props.expirationDays !== undefined) {
      rules.push({ id: 'expiration-backstop', status: 'Enabled', filter: [{}], expiration: [{ days: props.expirationDays }] });
    }
    if (props.versioning) {
      rules.push({ id: 'noncurrent-version-expiration', status: 'Enabled', filter: [{}], noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 1 }], expiration: [{ expiredObjectDeleteMarker: true }] });
    }
    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket, rule: rules, dependsOn: versioning ? [versioning] : undefined });
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'access-logs', {
        bucket,
        targetBucket: props.accessLogs.target.bucket.bucket,
        targetPrefix: props.accessLogs.prefix,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: 'EventTime' } },
        // S3 checks at PutBucketLogging that the target's policy lets its logging service write
        dependsOn: [props.accessLogs.target.policy],
      });
    }
  }
}
