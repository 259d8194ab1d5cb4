import { Construct } from 'constructs';
import { SecureBucket } from './secure-bucket';
import { tracesExpirationDays } from './traces-bucket';

/**
 * Days beyond Loki's retention before the lifecycle backstop may delete an object: room for the
 * compactor's `retention_delete_delay` (2 h), for a compactor that was down a few days, and for
 * chunks whose deletion markers a replaced task lost (they live on its ephemeral disk).
 */
export const DEFAULT_LOGS_EXPIRATION_MARGIN_DAYS = 7;

/**
 * The S3 expiration of Loki's bucket. A chunk object is written after the newest line it holds,
 * and a day's index table is last rewritten when the compactor compacts it (within hours of the
 * day's end), so `ceil(retention / 1 d) + margin` days after creation is always after Loki has
 * deleted the data itself: Loki goes first, S3 only sweeps what Loki missed.
 */
export function logsExpirationDays(retentionHours: number, marginDays: number = DEFAULT_LOGS_EXPIRATION_MARGIN_DAYS): number {
  return tracesExpirationDays(retentionHours, marginDays);
}

export interface LogsBucketProps {
  readonly bucketName: string;
  /** Loki's retention (the spec's `logs.retention` for this environment). */
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
   * Terraform refuses to destroy or replace it (`lifecycle.prevent_destroy`): it holds data.
   * @default false
   */
  readonly protect?: boolean;
}

/**
 * Loki's chunks and index, hardened exactly like Tempo's bucket (SecureBucket: default
 * encryption, all public-access blocks, no ACLs, TLS only, incomplete uploads aborted) with an
 * expiration backstop never before Loki's own retention. Unversioned: Loki never overwrites a
 * chunk, and index tables it rewrites are meant to replace the old ones.
 */
export class LogsBucket extends SecureBucket {
  readonly expirationDays: number;

  constructor(scope: Construct, id: string, props: LogsBucketProps) {
    const expirationDays = logsExpirationDays(props.retentionHours, props.expirationMarginDays);
    super(scope, id, { bucketName: props.bucketName, kmsKeyArn: props.kmsKeyArn, protect: props.protect, versioning: false, expirationDays });
    this.expirationDays = expirationDays;
  }
}
