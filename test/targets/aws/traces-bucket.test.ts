import fc from 'fast-check';
import { parse } from 'yaml';
import { MIN_TRACING_RETENTION_HOURS } from '../../../src/spec/defaults';
import { expirationBackstopDays } from '../../../src/targets/aws/store-bucket';
import { removeTempDirs, resourcesOf, TerraformJson } from '../../support/synth';
import { buildAws, BuiltAws, prodInputs, ref, resourceAt, resourceKey } from './helpers';

let staging: BuiltAws;
let prod: BuiltAws;
beforeAll(() => {
  staging = buildAws('staging');
  prod = buildAws('prod');
});
afterAll(removeTempDirs);

type Json = Record<string, unknown>;

const PART: Record<string, string> = {
  aws_s3_bucket_server_side_encryption_configuration: 'encryption',
  aws_s3_bucket_public_access_block: 'public-access',
  aws_s3_bucket_ownership_controls: 'ownership',
  aws_s3_bucket_lifecycle_configuration: 'lifecycle',
  aws_s3_bucket_policy: 'policy',
};
const tracesPart = (json: TerraformJson, type: string): Json => resourceAt(json, type, `traces/${PART[type]}`);

/** Tempo's retention as deployed, in hours (`backend_worker.compaction.block_retention`). */
function deployedRetentionHours(b: BuiltAws): number {
  const tempo = parse(b.stack.plan.files.find((f) => f.output === 'tempo.yaml')!.content) as { backend_worker: { compaction: { block_retention: string } } };
  const m = /^(\d+)h$/.exec(tempo.backend_worker.compaction.block_retention)!;
  return Number(m[1]);
}

describe("Tempo's traces bucket", () => {
  test('is encrypted by default: SSE-S3 without a key, SSE-KMS with the given key and a bucket key', () => {
    expect(tracesPart(staging.json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    expect(tracesPart(prod.json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: prodInputs().kmsKeyArn }, bucket_key_enabled: true },
    ]);
  });

  test('blocks all four kinds of public access and disables ACLs', () => {
    for (const b of [staging, prod]) {
      expect(tracesPart(b.json, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(tracesPart(b.json, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
      expect(resourcesOf(b.json, 'aws_s3_bucket_acl')).toEqual({});
    }
  });

  test('denies every request that is not TLS, and nothing else (so CopyObject during compaction still works)', () => {
    const policy = JSON.parse(tracesPart(prod.json, 'aws_s3_bucket_policy').policy as string) as { Statement: Json[] };
    const arn = ref(prod.json, 'aws_s3_bucket', 'traces/bucket', 'arn');
    expect(policy.Statement).toEqual([
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
  });

  test('aborts incomplete multipart uploads after one day', () => {
    const rules = tracesPart(prod.json, 'aws_s3_bucket_lifecycle_configuration').rule as Json[];
    expect(rules.find((r) => r.id === 'abort-incomplete-multipart-uploads')).toEqual({ id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] });
  });

  test.each([
    ['staging', 14 * 24, 14 + 7],
    ['prod', 30 * 24, 30 + 7],
  ] as const)("the %s expiration backstop is Tempo's retention as deployed plus a 7-day margin", (id, hours, days) => {
    const b = id === 'prod' ? prod : staging;
    expect(deployedRetentionHours(b)).toBe(hours);
    const rules = tracesPart(b.json, 'aws_s3_bucket_lifecycle_configuration').rule as Json[];
    expect(rules.find((r) => r.id === 'expiration-backstop')).toEqual({ id: 'expiration-backstop', status: 'Enabled', filter: [{}], expiration: [{ days }] });
  });

  test("the backstop (shared with Loki's logs bucket) never expires an object before its store deletes it, for any retention and margin", () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_TRACING_RETENTION_HOURS, max: 24 * 3650 }), fc.integer({ min: 1, max: 60 }), (hours, margin) => {
        const days = expirationBackstopDays(hours, margin);
        // S3 counts whole days from creation; a block is created after its newest span
        return Number.isInteger(days) && days * 24 >= hours + margin * 24;
      }),
      { seed: 20261101, numRuns: 500 },
    );
    expect(expirationBackstopDays(25, 1)).toBe(3);
  });

  test('is unversioned by default; with versioning, noncurrent versions expire', () => {
    expect(Object.keys(resourcesOf(prod.json, 'aws_s3_bucket_versioning'))).toEqual([resourceKey(prod.json, 'aws_s3_bucket_versioning', 'config/versioning')]);
    const versioned = buildAws('prod', prodInputs({ tracesBucketVersioning: true, tracesNoncurrentVersionDays: 3 }));
    expect(resourceAt(versioned.json, 'aws_s3_bucket_versioning', 'traces/versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    const rules = resourceAt(versioned.json, 'aws_s3_bucket_lifecycle_configuration', 'traces/lifecycle').rule as Json[];
    expect(rules.find((r) => r.id === 'noncurrent-version-expiration')).toMatchObject({ noncurrent_version_expiration: [{ noncurrent_days: 3 }] });
  });

  test("holds nothing but Tempo's blocks: every object the stack uploads goes to the config bucket", () => {
    const objects = Object.values(resourcesOf(prod.json, 'aws_s3_object'));
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(o.bucket).toBe(ref(prod.json, 'aws_s3_bucket', 'config/bucket', 'bucket'));
  });

  test('tempo.yaml names this bucket and carries no static credentials (the task role signs)', () => {
    const tempo = parse(prod.stack.plan.files.find((f) => f.output === 'tempo.yaml')!.content) as { storage: { trace: { backend: string; s3: Json } } };
    expect(tempo.storage.trace.backend).toBe('s3');
    expect(tempo.storage.trace.s3.bucket).toBe(resourceAt(prod.json, 'aws_s3_bucket', 'traces/bucket').bucket);
    expect(Object.keys(tempo.storage.trace.s3).filter((k) => /key|secret|token/i.test(k) && k !== 'kms_key_id')).toEqual([]);
    expect(tempo.storage.trace.s3.sse).toEqual({ type: 'SSE-KMS', kms_key_id: prodInputs().kmsKeyArn });
  });
});
