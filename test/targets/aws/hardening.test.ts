/**
 * Issue 21 item 8, the smaller hardening checkov 3.3 asked for: access logs (S3 server access
 * logs of the three buckets and the Grafana load balancer's, into one access-log bucket), the
 * load balancer's deletion protection, read-only root filesystems, and the confused-deputy
 * condition on the execution roles' trust. `npm run test:checkov` runs checkov itself.
 */
import { resourcesOf } from '../../support/synth';
import { buildAws, containers, prodInputs, ref, resourceAt } from './helpers';

const prod = buildAws('prod');
const unprotected = buildAws('prod', prodInputs({ protectData: false }));
const all = (type: string) => Object.values(resourcesOf(prod.json, type));

describe('access logs', () => {
  test('the traces, logs and config buckets log their requests into the one access-log bucket, partitioned by source', () => {
    const target = ref(prod.json, 'aws_s3_bucket', 'access-logs/bucket', 'bucket');
    const logging = all('aws_s3_bucket_logging');
    expect(logging.map((l) => l.bucket).sort()).toEqual(['config', 'logs', 'traces'].map((b) => ref(prod.json, 'aws_s3_bucket', `${b}/bucket`, 'id')).sort());
    for (const l of logging) {
      expect(l).toMatchObject({ target_bucket: target, target_prefix: 's3/', target_object_key_format: { partitioned_prefix: { partition_date_source: 'EventTime' } } });
      // S3 checks the target's policy when logging is turned on
      expect(l.depends_on).toEqual([`aws_s3_bucket_policy.${Object.keys(resourcesOf(prod.json, 'aws_s3_bucket_policy')).find((k) => k.startsWith('access-logs_'))}`]);
    }
  });

  test('the access-log bucket is hardened like the others, SSE-S3, expires its objects, and lets exactly S3 logging and ELB write', () => {
    const policy = JSON.parse(resourceAt(prod.json, 'aws_s3_bucket_policy', 'access-logs/policy').policy as string) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'S3ServerAccessLogs', 'LoadBalancerAccessLogs']);
    expect(policy.Statement[1]).toMatchObject({
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: 'arn:${data.aws_partition.partition.partition}:s3:::shop-prod-o11y-access-logs/s3/*',
      Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' } },
    });
    expect(policy.Statement[2]).toMatchObject({ Principal: { AWS: expect.stringMatching(/^\$\{data\.aws_elb_service_account\./) }, Resource: expect.stringContaining('/alb/AWSLogs/') });
    expect(resourceAt(prod.json, 'aws_s3_bucket_public_access_block', 'access-logs/public-access')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(JSON.stringify(resourceAt(prod.json, 'aws_s3_bucket_lifecycle_configuration', 'access-logs/lifecycle'))).toContain('"days":90');
    expect(resourceAt(prod.json, 'aws_s3_bucket', 'access-logs/bucket').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('the Grafana load balancer writes its access logs there, and refuses deletion unless protectData is off', () => {
    const lb = resourceAt(prod.json, 'aws_lb', 'grafana-lb');
    expect(lb.access_logs).toEqual({ bucket: ref(prod.json, 'aws_s3_bucket', 'access-logs/bucket', 'bucket'), prefix: 'alb', enabled: true });
    expect(lb.enable_deletion_protection).toBe(true);
    expect(resourceAt(unprotected.json, 'aws_lb', 'grafana-lb').enable_deletion_protection).toBe(false);
  });
});

describe('read-only root filesystems', () => {
  test('every container of every task runs read-only, writing only to task volumes', () => {
    const tasks = Object.values(resourcesOf(prod.json, 'aws_ecs_task_definition'));
    expect(tasks.length).toBeGreaterThan(5);
    for (const t of tasks) {
      const defs = JSON.parse(t.container_definitions as string) as { name: string; readonlyRootFilesystem?: boolean; mountPoints?: { sourceVolume: string }[] }[];
      const volumes = new Set((t.volume as { name: string }[]).map((v) => v.name));
      for (const d of defs) {
        expect([d.name, d.readonlyRootFilesystem]).toEqual([d.name, true]);
        for (const m of d.mountPoints ?? []) expect(volumes).toContain(m.sourceVolume);
      }
    }
  });

  test('each gets a writable /tmp the init container opens to every user (and Grafana its log directory, handed to its user)', () => {
    const [init, grafana] = containers(prod.json, 'grafana');
    expect(grafana.mountPoints).toEqual(expect.arrayContaining([
      { sourceVolume: 'scratch-tmp', containerPath: '/tmp', readOnly: false },
      { sourceVolume: 'scratch-grafana-logs', containerPath: '/var/log/grafana', readOnly: false },
    ]));
    expect(init.mountPoints).toEqual(expect.arrayContaining([{ sourceVolume: 'scratch-init-tmp', containerPath: '/tmp', readOnly: false }]));
    const script = init.command![0];
    expect(script).toContain("chmod 1777 '/o11y/data/scratch-tmp'");
    expect(script).toContain("chown 472 '/o11y/data/scratch-grafana-logs'");
    // Alertmanager's prelude writes its secret files to /tmp
    const alertmanager = containers(prod.json, 'alertmanager')[1];
    expect(alertmanager.mountPoints).toEqual(expect.arrayContaining([{ sourceVolume: 'scratch-tmp', containerPath: '/tmp', readOnly: false }]));
  });
});

test('only ECS tasks of this account may assume an execution role (aws:SourceAccount, as on the task roles)', () => {
  const roles = Object.entries(resourcesOf(prod.json, 'aws_iam_role')).filter(([k]) => k.includes('execution-role'));
  expect(roles.length).toBeGreaterThan(5);
  for (const [, r] of roles) {
    const trust = JSON.parse(r.assume_role_policy as string) as { Statement: { Principal: unknown; Condition?: unknown }[] };
    expect(trust.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' } } }),
    ]);
  }
});
