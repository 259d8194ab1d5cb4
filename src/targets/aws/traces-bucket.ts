import { Construct } from 'constructs';
import { SecureBucket } from './secure-bucket';

/**
 * Days beyond Tempo's retention before the lifecycle backstop may delete a block: room for
 * compaction, for `compacted_block_retention`, and for a worker that was down a few days.
 */
export const DEFAULT_TRACES_EXPIRATION_MARGIN_DAYS = 7;

/**
 * The S3 expiration of Tempo's bucket. S3 counts from an object's creation, and every block
 * object is created after the newest span it holds, so a block expires in S3 no earlier than
 * `retention + margin` after its spans: Tempo (which deletes at `retention`) always goes first.
 * S3 rounds expiration up to the next midnight UTC, which only adds time.
 */
export function tracesExpirationDays(retentionHours: number, marginDays: number = DEFAULT_TRACES_EXPIRATION_MARGIN_DAYS): number {
  return Math.ceil(retentionHours / 24) + marginDays;
}

export interface TracesBucketProps {
  readonly bucketName: string;
  /** Tempo's block retention (the spec's `tracing.retention` for this environment). */
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
   * Keep noncurrent versions (Tempo never overwrites a block, so this only protects against deletes).
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
}

/**
 * Tempo's trace blocks and nothing else: Tempo lists the top-level prefixes of its bucket as
 * tenants, so configs and other data live in the config bucket.
 */
export class TracesBucket extends SecureBucket {
  readonly expirationDays: number;

  constructor(scope: Construct, id: string, props: TracesBucketProps) {
    const expirationDays = tracesExpirationDays(props.retentionHours, props.expirationMarginDays);
    super(scope, id, {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      protect: props.protect,
      versioning: props.versioning ?? false,
      noncurrentVersionDays: props.noncurrentVersionDays,
      expirationDays,
    });
    this.expirationDays = expirationDays;
  }
}
