import type { PolicyStatement } from './task-role';
import { StoreAccess, storeStatements } from './store-bucket';

/** What Tempo's S3 backend calls on objects (CopyObject needs the tagging pair: the client copies tags). */
export const TEMPO_S3_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'] as const;
/** What Tempo's S3 backend calls on the bucket (listing tenants and blocks). */
export const TEMPO_S3_BUCKET_ACTIONS = ['s3:ListBucket'] as const;

export const TEMPO_STORE_ACCESS: StoreAccess = {
  bucketActions: TEMPO_S3_BUCKET_ACTIONS,
  objectActions: TEMPO_S3_OBJECT_ACTIONS,
  sids: { bucket: 'TempoListBlocks', objects: 'TempoReadWriteBlocks', key: 'TempoBlocksKey' },
};

/** Tempo's permissions on its bucket: exactly the six S3 actions, plus the key when the bucket uses SSE-KMS. */
export function tempoStorageStatements(bucketArn: string, kmsKeyArn?: string): PolicyStatement[] {
  return storeStatements(TEMPO_STORE_ACCESS, bucketArn, kmsKeyArn);
}
