import type { StoreAccess } from './store-bucket';

/** What Loki's S3 client calls on objects: chunks and index files are written, read and deleted (retention). */
export const LOKI_S3_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'] as const;
/** What it calls on the bucket: listing index tables and the compactor's files. */
export const LOKI_S3_BUCKET_ACTIONS = ['s3:ListBucket'] as const;

export const LOKI_STORE_ACCESS: StoreAccess = {
  bucketActions: LOKI_S3_BUCKET_ACTIONS,
  objectActions: LOKI_S3_OBJECT_ACTIONS,
  sids: { bucket: 'LokiListIndex', objects: 'LokiReadWriteChunks', key: 'LokiChunksKey' },
};
