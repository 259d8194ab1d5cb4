import { Construct } from 'constructs';
import { KeyGrant } from './customer-key';
import { SecureBucket, SecureBucketProps } from './secure-bucket';
import type { PolicyStatement } from './task-role';

/**
 * Days beyond a store's retention before the lifecycle backstop may delete an object: room for
 * the store's own delayed deletes (Tempo's compacted-block retention, Loki's retention delete
 * delay), for a compactor that was down a few days, and for objects a crashed task orphaned.
 */
export const DEFAULT_EXPIRATION_MARGIN_DAYS = 7;

/**
 * The S3 expiration of a store's bucket. S3 counts from an object's creation, and a store
 * writes an object (a Tempo block, a Loki chunk or index table) after the newest data it holds,
 * so an object expires in S3 no earlier than `retention + margin` after its data: the store
 * (which deletes at `retention`) always goes first. S3 rounds expiration up to the next
 * midnight UTC, which only adds time.
 */
export function expirationBackstopDays(retentionHours: number, marginDays: number = DEFAULT_EXPIRATION_MARGIN_DAYS): number {
  return Math.ceil(retentionHours / 24) + marginDays;
}

export interface StoreBucketProps {
  readonly bucketName: string;
  /** The store's retention (the spec's `tracing.retention` or `logs.retention` for this environment). */
  readonly retentionHours: number;
  /**
   * Days beyond the retention before the lifecycle backstop expires an object.
   * @default 7
   */
  readonly expirationMarginDays?: number;
  /**
   * SSE-KMS key.
   * @default - SSE-S3
   */
  readonly kmsKeyArn?: string;
  /**
   * Keep noncurrent versions (the stores never overwrite an object, so this only protects against deletes).
   * @default false
   */
  readonly versioning?: boolean;
  /**
   * Days a noncurrent version is kept.
   * @default 1
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Terraform refuses to destroy or replace it (`lifecycle.prevent_destroy`): it holds data.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * S3 server access logging (see SecureBucket).
   * @default - none
   */
  readonly accessLogs?: SecureBucketProps['accessLogs'];
}

/**
 * One store's data and nothing else (Tempo's blocks, Loki's chunks and index): Tempo lists the
 * top-level prefixes of its bucket as tenants, and each store's lifecycle follows its own
 * retention, so configs and the other store live in buckets of their own. Hardened by
 * SecureBucket, with an expiration backstop never before the store's retention.
 */
export class StoreBucket extends SecureBucket {
  readonly expirationDays: number;

  constructor(scope: Construct, id: string, props: StoreBucketProps) {
    const expirationDays = expirationBackstopDays(props.retentionHours, props.expirationMarginDays);
    super(scope, id, {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      protect: props.protect,
      accessLogs: props.accessLogs,
      versioning: props.versioning ?? false,
      noncurrentVersionDays: props.noncurrentVersionDays,
      expirationDays,
    });
    this.expirationDays = expirationDays;
  }
}

/** SSE-KMS: a data key to write an object, decrypt to read, copy or complete a multipart upload. */
export const STORE_KMS_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/** What a store's S3 client calls, and the statement ids its task role names them by. */
export interface StoreAccess {
  /** Actions on the bucket itself (listing). */
  readonly bucketActions: readonly string[];
  /** Actions on its objects. */
  readonly objectActions: readonly string[];
  readonly sids: { readonly bucket: string; readonly objects: string; readonly key: string };
  /**
   * What it calls on the bucket's KMS key (SSE-KMS).
   * @default STORE_KMS_ACTIONS (read and write)
   */
  readonly keyActions?: readonly string[];
}

/** What a store calls on its bucket's KMS key: its policy statement and its grant name the same. */
export function storeKeyActions(access: StoreAccess): readonly string[] {
  return access.keyActions ?? STORE_KMS_ACTIONS;
}

/**
 * A store's permissions on its bucket: exactly its bucket-level actions on the bucket and its
 * object-level actions on its objects, plus the key when the bucket uses SSE-KMS. No wildcard.
 */
export function storeStatements(access: StoreAccess, bucketArn: string, kmsKeyArn?: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    { Sid: access.sids.bucket, Effect: 'Allow', Action: [...access.bucketActions], Resource: [bucketArn] },
    { Sid: access.sids.objects, Effect: 'Allow', Action: [...access.objectActions], Resource: [`${bucketArn}/*`] },
  ];
  if (kmsKeyArn) statements.push({ Sid: access.sids.key, Effect: 'Allow', Action: [...storeKeyActions(access)], Resource: [kmsKeyArn] });
  return statements;
}

export interface StoreKeyGrantProps {
  readonly kmsKeyArn: string;
  readonly roleArn: string;
  /** The grant's name (`tempo-traces-bucket`, `loki-logs-bucket`). */
  readonly name: string;
  /** What the store calls on its bucket (the grant gives exactly its key actions). */
  readonly access: StoreAccess;
}

/**
 * A KMS grant for a store's task role. The IAM statement is enough only when the key policy
 * delegates to IAM (the default key policy does); a grant also works with a key policy that
 * does not, so the store can use the key either way. Creating it needs kms:CreateGrant on the key.
 */
export class StoreKeyGrant extends KeyGrant {
  constructor(scope: Construct, id: string, props: StoreKeyGrantProps) {
    super(scope, id, { kmsKeyArn: props.kmsKeyArn, roleArn: props.roleArn, name: props.name, operations: storeKeyActions(props.access).map((a) => a.replace('kms:', '')) });
  }
}
