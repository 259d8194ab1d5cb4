import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import type { EcsTaskDefinitionVolumeEfsVolumeConfiguration } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { Construct } from 'constructs';
import type { PolicyStatement } from './task-role';

export interface PrometheusStorageProps {
  readonly name: string;
  /** One mount target per subnet: give one private subnet per Availability Zone. */
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  /** The POSIX user Prometheus runs as (`nobody`, 65534, in the official image). */
  readonly uid: number;
  readonly gid: number;
  /**
   * Terraform refuses to destroy or replace it (`lifecycle.prevent_destroy`): it holds the TSDB.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Customer managed key for encryption at rest (EFS uses it through grants it creates itself; the
   * tasks need no key permission). Changing it replaces the file system.
   * @default - EFS's AWS managed key (aws/elasticfilesystem)
   */
  readonly kmsKeyArn?: string;
}

/**
 * Prometheus's TSDB on EFS.
 *
 * Why EFS and not an ECS-managed EBS volume: ECS attaches a managed EBS volume to each task of a
 * service and deletes it when the task stops ("ephemeral when attached to a task maintained by a
 * service", ECS storage options), so every config change or task replacement would start
 * Prometheus on an empty disk and lose the retention the spec promises. EFS survives tasks.
 * What we do about Prometheus's warning that NFS is not a supported TSDB filesystem: exactly one
 * writer (the service runs one task and stops the old task before starting the new one), an access
 * point that pins the owner, elastic throughput (no burst credits to run out during compaction),
 * and no Infrequent Access transition (Prometheus rereads blocks when it compacts them). For
 * long-term or highly available metrics, remote-write to a store built for it.
 */
export class PrometheusStorage extends Construct {
  readonly fileSystem: EfsFileSystem;
  readonly accessPoint: EfsAccessPoint;
  readonly mountTargets: readonly EfsMountTarget[];

  constructor(scope: Construct, id: string, props: PrometheusStorageProps) {
    super(scope, id);
    this.fileSystem = new EfsFileSystem(this, 'file-system', {
      creationToken: props.name,
      encrypted: true,
      ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
      throughputMode: 'elastic',
      performanceMode: 'generalPurpose',
      tags: { Name: props.name },
      ...(props.protect ? { lifecycle: { preventDestroy: true } } : {}),
    });
    // daily backups in AWS Backup's default vault (35-day retention): a lost TSDB is restorable
    new EfsBackupPolicy(this, 'backup', { fileSystemId: this.fileSystem.id, backupPolicy: { status: 'ENABLED' } });
    this.accessPoint = new EfsAccessPoint(this, 'access-point', {
      fileSystemId: this.fileSystem.id,
      posixUser: { uid: props.uid, gid: props.gid },
      rootDirectory: { path: '/prometheus', creationInfo: { ownerUid: props.uid, ownerGid: props.gid, permissions: '0750' } },
      tags: { Name: `${props.name}-prometheus` },
    });
    this.mountTargets = props.subnetIds.map((subnetId, i) => new EfsMountTarget(this, `mount-target-${i}`, { fileSystemId: this.fileSystem.id, subnetId, securityGroups: [props.securityGroupId] }));
    new EfsFileSystemPolicy(this, 'policy', {
      fileSystemId: this.fileSystem.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: '*',
            Resource: this.fileSystem.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
  }

  /** The task volume: TLS in transit, IAM-authorized, through the access point. */
  get volumeConfiguration(): EcsTaskDefinitionVolumeEfsVolumeConfiguration {
    return {
      fileSystemId: this.fileSystem.id,
      transitEncryption: 'ENABLED',
      authorizationConfig: { accessPointId: this.accessPoint.id, iam: 'ENABLED' },
    };
  }

  /** Mount and write through the access point only; no root access. */
  get clientStatements(): PolicyStatement[] {
    return [
      {
        Sid: 'PrometheusTsdb',
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: [this.fileSystem.arn],
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': this.accessPoint.arn } },
      },
    ];
  }
}
