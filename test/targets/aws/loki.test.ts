/**
 * Loki on AWS: its own bucket hardened exactly like Tempo's, exactly the S3 actions Loki's client
 * calls, the key where the buckets use SSE-KMS, and a lifecycle backstop that never deletes
 * before Loki's own retention (as deployed in loki.yaml).
 */
import { parse } from 'yaml';
import { removeTempDirs, resourcesOf, TerraformJson } from '../../support/synth';
import { buildAws, BuiltAws, prodInputs, ref, resourceAt } from './helpers';

let staging: BuiltAws;
let prod: BuiltAws;
beforeAll(() => {
  staging = buildAws('staging');
  prod = buildAws('prod');
});
afterAll(removeTempDirs);

type Json = Record<string, unknown>;
const PARTS: Record<string, string> = {
  aws_s3_bucket_server_side_encryption_configuration: 'encryption',
  aws_s3_bucket_public_access_block: 'public-access',
  aws_s3_bucket_ownership_controls: 'ownership',
  aws_s3_bucket_policy: 'policy',
};

/** A bucket part with the bucket's own name and ARN replaced, to compare two buckets' hardening. */
function part(json: TerraformJson, store: 'traces' | 'logs', type: string): string {
  const arn = ref(json, 'aws_s3_bucket', `${store}/bucket`, 'arn');
  const id = ref(json, 'aws_s3_bucket', `${store}/bucket`, 'id');
  return JSON.stringify(resourceAt(json, type, `${store}/${PARTS[type]}`)).split(arn).join('<arn>').split(id).join('<id>').replace(/"depends_on":\[[^\]]*\]/, '');
}

function lokiYaml(b: BuiltAws): Json {
  return parse(b.stack.plan.files.find((f) => f.output === 'loki.yaml')!.content) as Json;
}

/** Loki's retention as deployed, in hours (`limits_config.retention_period`). */
function deployedRetentionHours(b: BuiltAws): number {
  const m = /^(\d+)h$/.exec(String((lokiYaml(b).limits_config as Json).retention_period))!;
  return Number(m[1]);
}

describe("Loki's logs bucket", () => {
  test("is hardened exactly like Tempo's: encryption, public-access blocks, no ACLs, TLS-only policy", () => {
    for (const b of [staging, prod]) {
      for (const type of Object.keys(PARTS)) expect([type, part(b.json, 'logs', type)]).toEqual([type, part(b.json, 'traces', type)]);
      expect(resourcesOf(b.json, 'aws_s3_bucket_acl')).toEqual({});
    }
    expect(resourceAt(prod.json, 'aws_s3_bucket_server_side_encryption_configuration', 'logs/encryption').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: prodInputs().kmsKeyArn }, bucket_key_enabled: true },
    ]);
  });

  test.each([
    ['staging', 7 * 24, 7 + 7],
    ['prod', 30 * 24, 30 + 7],
  ] as const)("the %s lifecycle aborts stale uploads and expires objects Loki's retention as deployed plus 7 days after creation", (id, hours, days) => {
    const b = id === 'prod' ? prod : staging;
    expect(deployedRetentionHours(b)).toBe(hours);
    expect(resourceAt(b.json, 'aws_s3_bucket_lifecycle_configuration', 'logs/lifecycle').rule).toEqual([
      { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] },
      { id: 'expiration-backstop', status: 'Enabled', filter: [{}], expiration: [{ days }] },
    ]);
  });

  test('is protected against destroy and is not versioned (Loki never overwrites a chunk)', () => {
    expect(resourceAt(prod.json, 'aws_s3_bucket', 'logs/bucket')).toMatchObject({ bucket: 'shop-prod-loki-logs', lifecycle: { prevent_destroy: true } });
    expect(Object.keys(resourcesOf(prod.json, 'aws_s3_bucket_versioning')).some((k) => k.startsWith('logs'))).toBe(false);
  });
});

describe("Loki's task role", () => {
  test('has exactly s3:ListBucket on the bucket and Put/Get/DeleteObject on its objects, nothing on other buckets, no wildcard', () => {
    for (const b of [staging, prod]) {
      const arn = ref(b.json, 'aws_s3_bucket', 'logs/bucket', 'arn');
      const statements = rolePolicyOf(b.json);
      expect(statements.filter((s) => s.Resource.some((r) => r.startsWith(arn)))).toEqual([
        { Sid: 'LokiListIndex', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [arn] },
        { Sid: 'LokiReadWriteChunks', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: [`${arn}/*`] },
      ]);
      // nothing on Tempo's bucket; on the config bucket, reading its own config only
      const traces = ref(b.json, 'aws_s3_bucket', 'traces/bucket', 'arn');
      const config = ref(b.json, 'aws_s3_bucket', 'config/bucket', 'arn');
      expect(statements.filter((s) => s.Resource.some((r) => r.startsWith(traces)))).toEqual([]);
      expect(statements.filter((s) => s.Resource.some((r) => r.startsWith(config))).flatMap((s) => s.Resource)).toEqual([`${config}/loki.yaml`]);
      for (const s of statements) for (const a of s.Action) expect(a).not.toContain('*');
    }
  });

  test('may use the KMS key only where the buckets are SSE-KMS, through an IAM statement and a grant of its own', () => {
    const key = prodInputs().kmsKeyArn!;
    // its chunks, and (decrypt only, through S3, of the config bucket) its config (test/targets/aws/customer-key.test.ts)
    const kms = rolePolicyOf(prod.json).filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(kms.map((s) => s.Sid)).toEqual(['ReadOwnConfigKey', 'LokiChunksKey']);
    expect(kms[1]).toEqual({ Sid: 'LokiChunksKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [key] });
    expect(Object.values(resourcesOf(prod.json, 'aws_kms_grant')).filter((g) => g.name === 'loki-logs-bucket')).toEqual([
      expect.objectContaining({ key_id: key, grantee_principal: ref(prod.json, 'aws_iam_role', 'loki/task-role', 'arn'), operations: ['Decrypt', 'GenerateDataKey'] }),
    ]);
    expect(rolePolicyOf(staging.json).flatMap((s) => s.Action).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });
});

describe('Loki as an ECS service', () => {
  test('stores in its bucket through the task role (no keys in loki.yaml), encrypting with the KMS key in prod', () => {
    expect((lokiYaml(prod).common as Json).storage).toEqual({ s3: { bucketnames: 'shop-prod-loki-logs', region: 'eu-west-1', sse: { type: 'SSE-KMS', kms_key_id: prodInputs().kmsKeyArn } } });
    expect((lokiYaml(staging).common as Json).storage).toEqual({ s3: { bucketnames: 'shop-staging-loki-logs', region: 'eu-west-1' } });
  });

  test('runs one task at a time (one compactor applies retention), on ephemeral storage that flushes on stop', () => {
    expect(resourceAt(prod.json, 'aws_ecs_service', 'loki/service')).toMatchObject({ desired_count: 1, deployment_minimum_healthy_percent: 0, deployment_maximum_percent: 100 });
    const task = resourceAt(prod.json, 'aws_ecs_task_definition', 'loki/task');
    expect(JSON.stringify(task.volume ?? [])).not.toContain('efs_volume_configuration');
    expect(((lokiYaml(prod).ingester as Json).wal as Json).flush_on_shutdown).toBe(true);
  });
});

function rolePolicyOf(json: TerraformJson): { Sid: string; Effect: string; Action: string[]; Resource: string[] }[] {
  const key = Object.keys(resourcesOf(json, 'aws_iam_role_policy')).find((k) => k.startsWith('loki_task-role'))!;
  return (JSON.parse(resourcesOf(json, 'aws_iam_role_policy')[key].policy as string) as { Statement: { Sid: string; Effect: string; Action: string[]; Resource: string[] }[] }).Statement;
}
