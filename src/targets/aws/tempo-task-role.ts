import { KmsGrant } from '@cdktf/provider-aws/lib/kms-grant';
import { Construct } from 'constructs';
import type { PolicyStatement } from './task-role';

/** What Tempo's S3 backend calls on objects (CopyObject needs the tagging pair: the client copies tags). */
export const TEMPO_S3_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'] as const;
/** What Tempo's S3 backend calls on the bucket (listing tenants and blocks). */
export const TEMPO_S3_BUCKET_ACTIONS = ['s3:ListBucket'] as const;
/** SSE-KMS: a data key to write an object, decrypt to read, copy or complete a multipart upload. */
export const TEMPO_KMS_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/**
 * Tempo's permissions on its bucket: exactly the six S3 actions (bucket-level on the bucket,
 * object-level on its objects), plus the key when the bucket uses SSE-KMS. No wildcard action.
 */
export function tempoStorageStatements(bucketArn: string, kmsKeyArn?: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    { Sid: 'TempoListBlocks', Effect: 'Allow', Action: [...TEMPO_S3_BUCKET_ACTIONS], Resource: [bucketArn] },
    { Sid: 'TempoReadWriteBlocks', Effect: 'Allow', Action: [...TEMPO_S3_OBJECT_ACTIONS], Resource: [`${bucketArn}/*`] },
  ];
  if (kmsKeyArn) statements.push({ Sid: 'TempoBlocksKey', Effect: 'Allow', Action: [...TEMPO_KMS_ACTIONS], Resource: [kmsKeyArn] });
  return statements;
}

export interface TempoKeyGrantProps {
  readonly kmsKeyArn: string;
  readonly roleArn: string;
  /**
   * The grant's name.
   * @default "tempo-traces-bucket"
   */
  readonly name?: string;
}

/**
 * A KMS grant for Tempo's (or Loki's) task role. The IAM statement above is enough only when the key policy
 * delegates to IAM (the default key policy does); a grant also works with a key policy that
 * does not, so Tempo can use the key either way. Creating it needs kms:CreateGrant on the key.
 */
export class TempoKeyGrant extends Construct {
  readonly grant: KmsGrant;

  constructor(scope: Construct, id: string, props: TempoKeyGrantProps) {
    super(scope, id);
    this.grant = new KmsGrant(this, 'grant', {
      name: props.name ?? 'tempo-traces-bucket',
      keyId: props.kmsKeyArn,
      granteePrincipal: props.roleArn,
      operations: TEMPO_KMS_ACTIONS.map((a) => a.replace('kms:', '')),
      retireOnDelete: true,
    });
  }
}
