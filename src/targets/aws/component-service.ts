import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition, EcsTaskDefinitionVolume, EcsTaskDefinitionVolumeEfsVolumeConfiguration } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { Component, imageRef, preludeEntrypoint } from '../../components/component';
import { AWS_CLI_IMAGE, CONFIG_CONTAINER, CONFIG_HASH_ENV, ConfigDelivery, HEALTH_PROBE_IMAGE, OwnedVolume } from './config-delivery';
import { KeyGrant, s3DecryptStatement, S3_ENCRYPTION_CONTEXT, SECRET_ENCRYPTION_CONTEXT, secretsDecryptStatement } from './customer-key';
import { ecrPullStatements } from './ecr-pull';
import { INIT_SCRATCH, scratchDirs, SCRATCH_MODE } from './read-only-root';
import { AccountContext, PolicyStatement, TaskRole } from './task-role';

/**
 * How long a container must have run for ECS to restart it (the shortest ECS allows; its default
 * is 300 s): restarted at most once a minute, and one that exits sooner is not restarted, so a
 * crash loop still ends in a replaced task.
 */
export const CONTAINER_RESTART_ATTEMPT_PERIOD_SECONDS = 60;

export interface ComponentSizing {
  /** Task CPU units (1024 = 1 vCPU), a Fargate size. */
  readonly cpu: number;
  /** Task memory in MiB, a Fargate size for that CPU. */
  readonly memoryMiB: number;
}

export interface ComponentServiceProps {
  readonly component: Component;
  /**
   * The instance this service runs, for a component with `ordinals` (`tempo-live-store-0`): it
   * names the service, task family, roles and log group.
   * @default - the component's name
   */
  readonly instanceName?: string;
  /** Prefix of every name, e.g. `shop-prod-o11y`. */
  readonly namePrefix: string;
  readonly clusterArn: string;
  /** The cluster's name (auto scaling names a service by cluster and service name). */
  readonly clusterName: string;
  readonly region: string;
  readonly account: AccountContext;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** Cloud Map service the task registers in (its discovery name). */
  readonly registryArn: string;
  readonly configBucketName: string;
  readonly configBucketArn: string;
  readonly logRetentionDays: number;
  /**
   * Task size.
   * @default - the descriptor's `resources`
   */
  readonly sizing?: ComponentSizing;
  /**
   * Extra permissions of the task role (Tempo's bucket, Prometheus's file system).
   * @default - reading its own config objects only
   */
  readonly taskStatements?: readonly PolicyStatement[];
  /**
   * Secrets Manager ARN per `Component.secrets[].name`, injected by ECS as env vars.
   * @default {}
   */
  readonly secretArns?: Readonly<Record<string, string>>;
  /**
   * Secrets Manager version id per `Component.secrets[].name` (the generated ones): ECS then reads
   * exactly that version (`<arn>:::<version-id>`), so a new version changes the task definition
   * and rolls the service out with it. IAM and KMS still name the secret's ARN.
   * @default {} (the secret's current version when the task starts)
   */
  readonly secretVersionIds?: Readonly<Record<string, string>>;
  /**
   * EFS volumes by `Component.volumes[].name`; every other volume is task storage, lost with the task.
   * @default {}
   */
  readonly persistentVolumes?: Readonly<Record<string, EcsTaskDefinitionVolumeEfsVolumeConfiguration>>;
  /**
   * One task at a time, the old one stopped before the new one starts: for state that must
   * not have two writers (Prometheus's TSDB, Tempo's WAL and live-store).
   * @default false
   */
  readonly singleWriter?: boolean;
  /**
   * Register the tasks in this load balancer target group (Grafana behind its HTTPS balancer).
   * @default - none
   */
  readonly loadBalancer?: { readonly targetGroupArn: string; readonly containerPort: number };
  /**
   * Environment that only the target knows (the URL the load balancer serves); may hold tokens.
   * @default {}
   */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /**
   * The images of the helper containers (the stack's `images.registry` rewrites them).
   * @default - AWS_CLI_IMAGE for the config init container, HEALTH_PROBE_IMAGE for the health probe
   */
  readonly helperImages?: { readonly configInit: string; readonly healthProbe: string };
  /**
   * The stack's customer managed key: it encrypts the log group, the config bucket and the
   * secrets named in `keyEncryptedSecrets`; the task role may decrypt its config through S3 and
   * the execution role those secrets through Secrets Manager (an IAM statement and a grant each).
   * @default - AWS managed keys
   */
  readonly kmsKeyArn?: string;
  /**
   * The secrets (by `Component.secrets[].name`) encrypted with `kmsKeyArn` (the generated ones;
   * a provided secret's key is its owner's).
   * @default []
   */
  readonly keyEncryptedSecrets?: readonly string[];
}

/**
 * Places one component descriptor as a Fargate task definition and service: the same image,
 * args, ports, health check, env and volumes the Docker target runs, plus what AWS needs (an
 * execution role that can write its logs and read its secrets, a task role, a log group, the
 * config init container, service discovery).
 */
export class ComponentService extends Construct {
  readonly taskRole: TaskRole;
  readonly executionRole: TaskRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly config: ConfigDelivery;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  /** The container definitions as written into the task definition (for tests and review). */
  readonly containerDefinitions: readonly Record<string, unknown>[];

  constructor(scope: Construct, id: string, props: ComponentServiceProps) {
    super(scope, id);
    const c = props.component;
    const instance = props.instanceName ?? c.name;
    const name = `${props.namePrefix}-${instance}`;
    const sizing = props.sizing ?? c.resources;
    const secretArns = props.secretArns ?? {};
    const persistent = props.persistentVolumes ?? {};

    const key = props.kmsKeyArn;
    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${props.namePrefix}/${instance}`, retentionInDays: props.logRetentionDays, ...(key ? { kmsKeyId: key } : {}) });
    const initImage = props.helperImages?.configInit ?? AWS_CLI_IMAGE;
    const probeImage = props.helperImages?.healthProbe ?? HEALTH_PROBE_IMAGE;
    this.config = new ConfigDelivery(this, 'config', { component: c, bucketName: props.configBucketName, bucketArn: props.configBucketArn, region: props.region, image: initImage });
    const probed = !c.healthcheck && c.healthProbe !== undefined;

    const missing = c.secrets.filter((s) => !secretArns[s.name]);
    if (missing.length > 0) throw new Error(`${this.node.path}: no Secrets Manager ARN for ${missing.map((s) => s.name).join(', ')}`);
    // what this task decrypts with the customer key: its config objects, the secrets it encrypts
    const configKey = key && this.config.bundle.files.length > 0 ? key : undefined;
    const keySecrets = key ? c.secrets.filter((s) => (props.keyEncryptedSecrets ?? []).includes(s.name)).map((s) => secretArns[s.name]!) : [];

    this.taskRole = new TaskRole(this, 'task-role', {
      roleName: `${name}-task`,
      kind: 'task',
      description: `${instance} containers (o11y-stack)`,
      account: props.account,
      statements: [...this.config.readStatements, ...(configKey ? [s3DecryptStatement('ReadOwnConfigKey', configKey, props.configBucketArn, props.region)] : []), ...(props.taskStatements ?? [])],
    });
    this.executionRole = new TaskRole(this, 'execution-role', {
      roleName: `${name}-exec`,
      kind: 'execution',
      description: `ECS agent for ${instance}: logs and secrets (o11y-stack)`,
      account: props.account,
      statements: [
        { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${this.logGroup.arn}:*`] },
        ...(c.secrets.length > 0 ? [{ Sid: 'ReadSecrets', Effect: 'Allow' as const, Action: ['secretsmanager:GetSecretValue'], Resource: c.secrets.map((s) => secretArns[s.name]) }] : []),
        ...(key && keySecrets.length > 0 ? [secretsDecryptStatement('ReadSecretsKey', key, keySecrets, props.region)] : []),
        // the agent pulls with this role: images in private ECR need its permission, only for their repositories
        ...ecrPullStatements([initImage, imageRef(c), ...(probed ? [probeImage] : [])]),
      ],
    });

    const logs = (prefix: string) => ({
      logDriver: 'awslogs',
      options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': prefix },
    });
    // task storage is created root-owned: the init container hands it to the image's user
    // (and opens the scratch directories of the read-only root, read-only-root.ts)
    const scratch = scratchDirs(c);
    const owned: OwnedVolume[] = [
      ...(c.user ? c.volumes.filter((v) => !persistent[v.name]).map((v) => ({ volume: v.name, user: c.user! })) : []),
      ...scratch.map((d) => (d.owner === 'user' && c.user ? { volume: d.volume, user: c.user } : { volume: d.volume, user: '0', mode: SCRATCH_MODE })),
    ];
    const bundle = this.config.bundle;
    const main: Record<string, unknown> = {
      name: c.name,
      image: imageRef(c),
      essential: true,
      // a component that sizes itself from its cgroup limit (the collector's memory_limiter)
      // gets the task's memory as its container limit, not the microVM's
      ...(c.memoryLimitMiB !== undefined ? { memory: sizing.memoryMiB } : {}),
      ...(c.prelude ? { entryPoint: preludeEntrypoint(c) } : {}),
      command: [...c.args],
      ...(c.user ? { user: c.user } : {}),
      portMappings: c.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'tcp' })),
      environment: Object.entries({ ...c.env, ...props.extraEnvironment, [CONFIG_HASH_ENV]: bundle.sha256 })
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => ({ name: k, value: v })),
      secrets: c.secrets.map((s) => {
        const version = props.secretVersionIds?.[s.name];
        return { name: s.env, valueFrom: version ? `${secretArns[s.name]}:::${version}` : secretArns[s.name] };
      }),
      mountPoints: [
        ...bundle.mounts.map((m) => ({ sourceVolume: m.volume, containerPath: m.containerPath, readOnly: true })),
        ...c.volumes.map((v) => ({ sourceVolume: v.name, containerPath: v.mountPath, readOnly: false })),
        ...scratch.map((d) => ({ sourceVolume: d.volume, containerPath: d.containerPath, readOnly: false })),
      ],
      readonlyRootFilesystem: true,
      ...(c.healthcheck
        ? {
            healthCheck: {
              command: [...c.healthcheck.test],
              interval: c.healthcheck.intervalSeconds,
              timeout: c.healthcheck.timeoutSeconds,
              retries: c.healthcheck.retries,
              startPeriod: c.healthcheck.startPeriodSeconds,
            },
          }
        : {}),
      dependsOn: [{ containerName: CONFIG_CONTAINER, condition: 'SUCCESS' }],
      logConfiguration: logs(c.name),
      // SIGTERM, then this long before SIGKILL: what the component's shutdown must finish (Fargate's default is 30 s)
      stopTimeout: c.stopTimeoutSeconds,
      // a crash or an OOM kill restarts the container in this task, on the same task storage (the
      // collector's persistent queue), instead of replacing the task; an exit 0 is a stop
      ...(c.restartInTask ? { restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: CONTAINER_RESTART_ATTEMPT_PERIOD_SECONDS } } : {}),
    };
    // a real health check for an image without a shell: an essential sidecar probes its health
    // endpoint over the task's shared network, so ECS replaces a task whose component stopped answering
    const probe = probed && c.healthProbe
      ? {
          name: `${c.name}-health`,
          image: probeImage,
          essential: true,
          entryPoint: ['sh', '-c'],
          command: ['trap "exit 0" TERM; while true; do sleep 5; done'],
          healthCheck: {
            command: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${c.healthProbe.port}${c.healthProbe.httpPath}`],
            interval: 15,
            timeout: 5,
            retries: 3,
            startPeriod: 30,
          },
          dependsOn: [{ containerName: c.name, condition: 'START' }],
          logConfiguration: logs(`${c.name}-health`),
          // wget writes nothing (-O /dev/null)
          readonlyRootFilesystem: true,
        }
      : undefined;
    const init = this.config.initContainer(owned, logs(CONFIG_CONTAINER));
    const initContainer = {
      ...init,
      mountPoints: [...(init.mountPoints as unknown[]), { sourceVolume: INIT_SCRATCH.volume, containerPath: INIT_SCRATCH.containerPath, readOnly: false }],
      readonlyRootFilesystem: true,
    };
    this.containerDefinitions = [initContainer, main, ...(probe ? [probe] : [])];

    const volumes: EcsTaskDefinitionVolume[] = [
      ...bundle.mounts.map((m) => ({ name: m.volume })),
      ...c.volumes.map((v) => (persistent[v.name] ? { name: v.name, efsVolumeConfiguration: persistent[v.name] } : { name: v.name })),
      ...[...scratch, INIT_SCRATCH].map((d) => ({ name: d.volume })),
    ];
    this.taskDefinition = new EcsTaskDefinition(this, 'task', {
      family: name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(sizing.cpu),
      memory: String(sizing.memoryMiB),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: this.executionRole.role.arn,
      taskRoleArn: this.taskRole.role.arn,
      containerDefinitions: JSON.stringify(this.containerDefinitions),
      volume: volumes,
    });

    this.service = new EcsService(this, 'service', {
      name: instance,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      // replicas (the samplers), or the floor auto scaling starts from (it owns the count after)
      desiredCount: c.autoscale?.min ?? c.replicas ?? 1,
      ...(c.autoscale ? { lifecycle: { ignoreChanges: ['desired_count'] } } : {}),
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [...props.securityGroupIds], assignPublicIp: false },
      serviceRegistries: { registryArn: props.registryArn },
      ...(props.loadBalancer
        ? { loadBalancer: [{ targetGroupArn: props.loadBalancer.targetGroupArn, containerName: c.name, containerPort: props.loadBalancer.containerPort }], healthCheckGracePeriodSeconds: 60 }
        : {}),
      deploymentMinimumHealthyPercent: props.singleWriter ? 0 : 100,
      deploymentMaximumPercent: props.singleWriter ? 100 : 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      // `cdktf deploy` fails when the new task never becomes healthy, instead of reporting success
      waitForSteadyState: true,
    });
    // grants for the customer key, whether or not its policy delegates to IAM: exactly a decrypt
    // of this task's config bucket (by the task role) and of its own secrets (by the execution role)
    const grants = [
      ...(configKey ? [new KeyGrant(this, 'config-key-grant', { kmsKeyArn: configKey, roleArn: this.taskRole.role.arn, name: `${instance}-config`, operations: ['Decrypt'], encryptionContextSubset: { [S3_ENCRYPTION_CONTEXT]: props.configBucketArn } })] : []),
      ...(key ? keySecrets.map((arn, i) => new KeyGrant(this, `secret-key-grant-${i}`, { kmsKeyArn: key, roleArn: this.executionRole.role.arn, name: `${instance}-secret-${i}`, operations: ['Decrypt'], encryptionContextSubset: { [SECRET_ENCRYPTION_CONTEXT]: arn } })) : []),
    ];
    if (grants.length > 0) this.service.node.addDependency(...grants);
    if (c.autoscale) {
      const target = new AppautoscalingTarget(this, 'scaling-target', {
        serviceNamespace: 'ecs',
        scalableDimension: 'ecs:service:DesiredCount',
        resourceId: `service/${props.clusterName}/${this.service.name}`,
        minCapacity: c.autoscale.min,
        maxCapacity: c.autoscale.max,
      });
      new AppautoscalingPolicy(this, 'scaling-cpu', {
        name: `${name}-cpu`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: c.autoscale.targetCpuPercent,
          predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          // out fast on a burst, in slowly: a scale-in drains connections the SDKs then re-open
          scaleOutCooldown: 60,
          scaleInCooldown: 300,
        },
      });
    }
  }
}
