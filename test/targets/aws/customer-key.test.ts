/**
 * Issue 21 item 7: once `kmsKeyArn` is given, everything the stack stores is encrypted with it,
 * and each reader gets exactly the decrypt it needs (an IAM statement and a grant, both limited
 * to its own resource by the encryption context). Without a key nothing refers to one.
 */
import { resourcesOf } from '../../support/synth';
import { buildAws, prodInputs, ref, resourceAt, rolePolicy } from './helpers';

const prod = buildAws('prod');
const staging = buildAws('staging');
const key = prodInputs().kmsKeyArn!;
const all = (type: string) => Object.values(resourcesOf(prod.json, type));

describe('the customer key, once given', () => {
  test('encrypts the config bucket, Prometheus’s file system, the generated secret and every log group', () => {
    const sse = all('aws_s3_bucket_server_side_encryption_configuration');
    const kmsBuckets = sse.filter((e) => JSON.stringify(e).includes(key));
    // traces, logs, config: every bucket but the access-log bucket (log delivery accepts SSE-S3 only)
    expect(kmsBuckets).toHaveLength(3);
    expect(resourceAt(prod.json, 'aws_s3_bucket_server_side_encryption_configuration', 'config/encryption').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: key }, bucket_key_enabled: true },
    ]);
    expect(resourceAt(prod.json, 'aws_s3_bucket_server_side_encryption_configuration', 'access-logs/encryption').rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    expect(resourceAt(prod.json, 'aws_efs_file_system', 'prometheus-storage/file-system')).toMatchObject({ encrypted: true, kms_key_id: key });
    expect(resourceAt(prod.json, 'aws_secretsmanager_secret', 'grafana-admin-password/secret').kms_key_id).toBe(key);
    const groups = all('aws_cloudwatch_log_group');
    expect(groups.length).toBeGreaterThan(5);
    expect(groups.filter((g) => g.kms_key_id !== key)).toEqual([]);
  });

  test('lets each task decrypt its own config through S3 only, by an IAM statement and a grant for the config bucket', () => {
    const config = ref(prod.json, 'aws_s3_bucket', 'config/bucket', 'arn');
    const statement = rolePolicy(prod.json, 'grafana/task-role').Statement.find((s) => s.Sid === 'ReadOwnConfigKey');
    expect(statement).toEqual({
      Sid: 'ReadOwnConfigKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [key],
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': config } },
    });
    expect(resourceAt(prod.json, 'aws_kms_grant', 'grafana/config-key-grant')).toMatchObject({
      key_id: key,
      grantee_principal: ref(prod.json, 'aws_iam_role', 'grafana/task-role', 'arn'),
      operations: ['Decrypt'],
      constraints: [{ encryption_context_subset: { 'aws:s3:arn': config } }],
    });
  });

  test('lets Grafana’s execution role decrypt its admin secret through Secrets Manager only, and no other role', () => {
    const secret = ref(prod.json, 'aws_secretsmanager_secret', 'grafana-admin-password/secret', 'arn');
    expect(rolePolicy(prod.json, 'grafana/execution-role').Statement.find((s) => s.Sid === 'ReadSecretsKey')).toEqual({
      Sid: 'ReadSecretsKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [key],
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com', 'kms:EncryptionContext:SecretARN': [secret] } },
    });
    const secretGrants = all('aws_kms_grant').filter((g) => JSON.stringify(g.constraints ?? '').includes('SecretARN'));
    expect(secretGrants).toEqual([
      expect.objectContaining({ grantee_principal: ref(prod.json, 'aws_iam_role', 'grafana/execution-role', 'arn'), operations: ['Decrypt'], constraints: [{ encryption_context_subset: { SecretARN: secret } }] }),
    ]);
    // Alertmanager's secrets are the user's (provided): their key is theirs, not granted here
    expect(rolePolicy(prod.json, 'alertmanager/execution-role').Statement.map((s) => s.Sid)).not.toContain('ReadSecretsKey');
  });

  test('is checked at plan time (enabled, customer managed, symmetric) and the key-policy statement for CloudWatch Logs is an output', () => {
    const check = (prod.json as { data?: Record<string, Record<string, { key_id: string; lifecycle: { postcondition: { condition: string; error_message: string }[] } }>> }).data?.aws_kms_key;
    const [data] = Object.values(check ?? {});
    expect(data.key_id).toBe(key);
    expect(data.lifecycle.postcondition.map((p) => p.condition)).toEqual([
      '${self.key_state == "Enabled"}',
      '${self.key_manager == "CUSTOMER"}',
      '${self.key_usage == "ENCRYPT_DECRYPT" && self.key_spec == "SYMMETRIC_DEFAULT"}',
    ]);
    const output = (prod.json as { output?: Record<string, { value: string }> }).output?.['kms-key-policy-statement'];
    expect(output?.value).toContain('logs.eu-west-1.amazonaws.com');
    expect(output?.value).toContain('log-group:/ecs/shop-prod-o11y/*');
  });

  test('without a key, nothing refers to one', () => {
    expect(JSON.stringify(staging.json)).not.toMatch(/kms_key_id|aws_kms_grant|aws_kms_key|kms:/);
    expect((staging.json as { output?: Record<string, unknown> }).output?.['kms-key-policy-statement']).toBeUndefined();
  });
});
