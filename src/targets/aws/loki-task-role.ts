import type { PolicyStatement } from './task-role';
import { TEMPO_KMS_ACTIONS } from './tempo-task-role';

/** What Loki's S3 client calls on objects: chunks and index files are written, read and deleted (retention). */
export const LOKI_S3_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'] as const;
/** What it calls on the bucket: listing index tables and the compactor's files. */
export const LOKI_S3_BUCKET_ACTIONS = ['s3:ListBucket'] as const;

/**
 * Loki's permissions on its bucket: exactly `s3:ListBucket` on the bucket and three object
 * actions on its objects, plus the key when the bucket uses SSE-KMS. No wildcard action, and
 * nothing on Tempo's or the config bucket.
 */
export function lokiStorageStatements(bucketArn: string, kmsKeyArn?: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    { Sid: 'LokiListIndex', Effect: 'Allow', Action: [...LOKI_S3_BUCKET_ACTIONS], Resource: [bucketArn] },
    { Sid: 'LokiReadWriteChunks', Effect: 'Allow', Action: [...LOKI_S3_OBJECT_ACTIONS], Resource: [`${bucketArn}/*`] },
  ];
  if (kmsKeyArn) statements.push({ Sid: 'LokiChunksKey', Effect: 'Allow', Action: [...TEMPO_KMS_ACTIONS], Resource: [kmsKeyArn] });
  return statements;
}
