import { removeTempDirs, resourcesOf } from '../../support/synth';
import { buildAws, BuiltAws, prodInputs, ref, resourceAt, rolePolicy } from './helpers';

let staging: BuiltAws;
let prod: BuiltAws;
beforeAll(() => {
  staging = buildAws('staging');
  prod = buildAws('prod');
});
afterAll(removeTempDirs);

/** The six S3 actions Tempo's S3 backend needs (Tempo docs, "Amazon S3 permissions"). */
const TEMPO_S3_ACTIONS = ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging'];

describe("Tempo's task role", () => {
  test('has exactly the six S3 actions on the traces bucket and its objects, and no wildcard action', () => {
    for (const b of [staging, prod]) {
      const bucketArn = ref(b.json, 'aws_s3_bucket', 'traces/bucket', 'arn');
      const onTraces = rolePolicy(b.json, 'tempo/task-role').Statement.filter((s) => s.Resource.some((r) => r.startsWith(bucketArn)));
      expect(onTraces.flatMap((s) => s.Action).sort()).toEqual(TEMPO_S3_ACTIONS);
      expect(onTraces.find((s) => s.Action.includes('s3:ListBucket'))!.Resource).toEqual([bucketArn]);
      expect(onTraces.find((s) => s.Action.includes('s3:PutObject'))!.Resource).toEqual([`${bucketArn}/*`]);
      for (const s of rolePolicy(b.json, 'tempo/task-role').Statement) {
        expect(s.Effect).toBe('Allow');
        for (const a of s.Action) expect(a).not.toContain('*');
      }
    }
  });

  test('may use the KMS key only when the bucket is SSE-KMS, through an IAM statement and a grant', () => {
    const key = prodInputs().kmsKeyArn!;
    const kms = rolePolicy(prod.json, 'tempo/task-role').Statement.filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    // its blocks, and (decrypt only, through S3, of the config bucket) its config (test/targets/aws/customer-key.test.ts)
    expect(kms.map((s) => s.Sid)).toEqual(['ReadOwnConfigKey', 'TempoBlocksKey']);
    expect(kms[1]).toEqual({ Sid: 'TempoBlocksKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [key] });
    // one grant per store that uses the key: Tempo's (here) and Loki's (test/targets/aws/loki.test.ts)
    expect(Object.values(resourcesOf(prod.json, 'aws_kms_grant')).filter((g) => g.name === 'tempo-traces-bucket')).toEqual([
      expect.objectContaining({ key_id: key, grantee_principal: ref(prod.json, 'aws_iam_role', 'tempo/task-role', 'arn'), operations: ['Decrypt', 'GenerateDataKey'] }),
    ]);
    expect(rolePolicy(staging.json, 'tempo/task-role').Statement.flatMap((s) => s.Action).filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(resourcesOf(staging.json, 'aws_kms_grant')).toEqual({});
  });

  test('is what the Tempo task runs with, and only ECS tasks of this account can assume it', () => {
    const task = resourceAt(prod.json, 'aws_ecs_task_definition', 'tempo/task');
    expect(task.task_role_arn).toBe(ref(prod.json, 'aws_iam_role', 'tempo/task-role', 'arn'));
    const trust = JSON.parse(resourceAt(prod.json, 'aws_iam_role', 'tempo/task-role').assume_role_policy as string) as { Statement: Record<string, unknown>[] };
    expect(trust.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' },
          ArnLike: { 'aws:SourceArn': 'arn:${data.aws_partition.partition.partition}:ecs:eu-west-1:${data.aws_caller_identity.account.account_id}:*' },
        },
      },
    ]);
  });

  test('no role of the stack has a wildcard action or an attached managed policy', () => {
    for (const p of Object.values(resourcesOf(prod.json, 'aws_iam_role_policy'))) {
      const doc = JSON.parse(p.policy as string) as { Statement: { Action: string[] }[] };
      for (const s of doc.Statement) for (const a of s.Action) expect(a).not.toContain('*');
    }
    expect(resourcesOf(prod.json, 'aws_iam_role_policy_attachment')).toEqual({});
    for (const r of Object.values(resourcesOf(prod.json, 'aws_iam_role'))) expect(r.managed_policy_arns).toBeUndefined();
  });
});
