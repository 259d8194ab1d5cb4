import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { KmsGrant } from '@cdktf/provider-aws/lib/kms-grant';
import { Construct } from 'constructs';
import type { AccountContext, PolicyStatement } from './task-role';

/**
 * The stack's customer managed key (`kmsKeyArn`), once given, encrypts everything the stack
 * stores: the traces, logs and config buckets, Prometheus's file system, the generated secrets,
 * every CloudWatch log group and MSK's volumes. Each principal that reads through it gets exactly
 * the decrypt it needs, as an IAM statement (enough when the key policy delegates to IAM, as the
 * default key policy does) and as a grant (enough when it does not), both limited to its own
 * resource by the encryption context. CloudWatch Logs is the one service a grant cannot serve:
 * its service principal must be allowed in the key policy itself ({@link logsKeyPolicyStatement}).
 */

/** S3 with a bucket key: every object of the bucket is encrypted under the bucket's ARN as context. */
export const S3_ENCRYPTION_CONTEXT = 'aws:s3:arn';
/** Secrets Manager encrypts each secret under its ARN as context. */
export const SECRET_ENCRYPTION_CONTEXT = 'SecretARN';
/** CloudWatch Logs encrypts each log group under its ARN as context. */
export const LOGS_ENCRYPTION_CONTEXT = 'aws:logs:arn';

/** Decrypting what one S3 bucket (SSE-KMS with a bucket key) holds, through S3 only. */
export function s3DecryptStatement(sid: string, keyArn: string, bucketArn: string, region: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [keyArn],
    Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com`, [`kms:EncryptionContext:${S3_ENCRYPTION_CONTEXT}`]: bucketArn } },
  };
}

/** Decrypting exactly these Secrets Manager secrets, through Secrets Manager only. */
export function secretsDecryptStatement(sid: string, keyArn: string, secretArns: readonly string[], region: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [keyArn],
    Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com`, [`kms:EncryptionContext:${SECRET_ENCRYPTION_CONTEXT}`]: [...secretArns] } },
  };
}

/**
 * The key-policy statement CloudWatch Logs needs to encrypt this stack's log groups (`/ecs/<prefix>/…`
 * and `/msk/<prefix>/…`), exactly as the CloudWatch Logs guide gives it ("Encrypt log data in
 * CloudWatch Logs using AWS KMS"), limited to those groups by the encryption context. The key's
 * owner adds it to the key policy before the first deploy; the stack outputs it filled in.
 */
export function logsKeyPolicyStatement(account: AccountContext, logGroupPrefixes: readonly string[]): Record<string, unknown> {
  return {
    Sid: 'AllowCloudWatchLogsO11yStack',
    Effect: 'Allow',
    Principal: { Service: `logs.${account.region}.amazonaws.com` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: { ArnLike: { [`kms:EncryptionContext:${LOGS_ENCRYPTION_CONTEXT}`]: logGroupPrefixes.map((p) => `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:${p}*`) } },
  };
}

export interface KeyGrantProps {
  readonly kmsKeyArn: string;
  readonly roleArn: string;
  /** The grant's name (`grafana-config`, `grafana-admin-password`). */
  readonly name: string;
  /** The KMS operations, without `kms:` (`Decrypt`). */
  readonly operations: readonly string[];
  /**
   * Only for requests whose encryption context holds these pairs (one bucket, one secret).
   * @default - any encryption context
   */
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
}

/**
 * A grant of exactly `operations` on the key to one role, for one encryption context: it works
 * whether or not the key policy delegates to IAM. Creating it needs kms:CreateGrant on the key.
 */
export class KeyGrant extends Construct {
  readonly grant: KmsGrant;

  constructor(scope: Construct, id: string, props: KeyGrantProps) {
    super(scope, id);
    this.grant = new KmsGrant(this, 'grant', {
      name: props.name,
      keyId: props.kmsKeyArn,
      granteePrincipal: props.roleArn,
      operations: [...props.operations],
      ...(props.encryptionContextSubset ? { constraints: [{ encryptionContextSubset: { ...props.encryptionContextSubset } }] } : {}),
      retireOnDelete: true,
    });
  }
}

/**
 * What can be checked of the key before anything is created: `terraform plan` reads it
 * (kms:DescribeKey) and fails, naming the property, unless it is an enabled, symmetric
 * encrypt/decrypt key managed by the customer (S3, EFS, Secrets Manager, CloudWatch Logs and MSK
 * accept only those, and an AWS managed key's policy cannot be given the CloudWatch Logs
 * statement). The key policy itself cannot be read by a plan that may lack kms:GetKeyPolicy; a
 * missing CloudWatch Logs statement fails the first log group's creation, before any task starts.
 */
export class CustomerKeyCheck extends Construct {
  readonly key: DataAwsKmsKey;

  constructor(scope: Construct, id: string, props: { readonly kmsKeyArn: string }) {
    super(scope, id);
    const must = (condition: string, what: string) => ({ condition: `\${${condition}}`, errorMessage: `kmsKeyArn ${props.kmsKeyArn}: ${what}` });
    this.key = new DataAwsKmsKey(this, 'key', {
      keyId: props.kmsKeyArn,
      lifecycle: {
        postcondition: [
          must('self.key_state == "Enabled"', 'the key must be enabled (its key_state is not Enabled)'),
          must('self.key_manager == "CUSTOMER"', 'must be a customer managed key: an AWS managed key cannot be used for log groups or shared through grants'),
          must('self.key_usage == "ENCRYPT_DECRYPT" && self.key_spec == "SYMMETRIC_DEFAULT"', 'must be a symmetric ENCRYPT_DECRYPT key (SYMMETRIC_DEFAULT): S3, EFS, Secrets Manager, CloudWatch Logs and MSK accept no other'),
        ],
      },
    });
  }
}
