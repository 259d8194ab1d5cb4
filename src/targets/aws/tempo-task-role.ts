import type { TempoRole } from '../../render/tempo';
import type { StoreAccess } from './store-bucket';

/** What Tempo's S3 backend calls on objects (CopyObject needs the tagging pair: the client copies tags). */
export const TEMPO_S3_OBJECT_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'] as const;
/** What Tempo's S3 backend calls on the bucket (listing tenants and blocks). */
export const TEMPO_S3_BUCKET_ACTIONS = ['s3:ListBucket'] as const;

export const TEMPO_STORE_ACCESS: StoreAccess = {
  bucketActions: TEMPO_S3_BUCKET_ACTIONS,
  objectActions: TEMPO_S3_OBJECT_ACTIONS,
  sids: { bucket: 'TempoListBlocks', objects: 'TempoReadWriteBlocks', key: 'TempoBlocksKey' },
};

/** Reading blocks only: listing them, getting objects, decrypting them (queriers, query-frontends, live-stores). */
export const TEMPO_STORE_READ_ACCESS: StoreAccess = {
  bucketActions: TEMPO_S3_BUCKET_ACTIONS,
  objectActions: ['s3:GetObject'],
  sids: { bucket: 'TempoListBlocks', objects: 'TempoReadBlocks', key: 'TempoBlocksKey' },
  keyActions: ['kms:Decrypt'],
};

/**
 * The bucket access of each Tempo role: the monolith and the roles that write blocks (block-builders
 * write them, the backend-scheduler and workers compact, delete past retention and write the tenant
 * index) read and write; the read path and the live-stores (handed the store in v3.0.3's
 * cmd/tempo/app/modules.go) read; the distributors and metrics-generators never touch it.
 */
export function tempoRoleAccess(role: TempoRole | 'all'): StoreAccess | undefined {
  switch (role) {
    case 'all':
    case 'block-builder':
    case 'backend-scheduler':
    case 'backend-worker':
      return TEMPO_STORE_ACCESS;
    case 'querier':
    case 'query-frontend':
    case 'live-store':
      return TEMPO_STORE_READ_ACCESS;
    default:
      return undefined;
  }
}
