import { Fn, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import type { Construct } from 'constructs';
import { assertStackConsistent } from '../../checks';
import type { ComponentName } from '../../components/component';
import { otlpUrls, planStack, RenderedFile, StackPlan } from '../../components/plan';
import { awsTopology, Topology } from '../../components/topology';
import { formatEnv } from '../../render/otel-env';
import { MAX_MSK_VOLUME_GIB, PORTS } from '../../spec/defaults';
import { humanDuration } from '../../spec/duration';
import { issue, Issue, O11yValidationError, throwIfAny } from '../../spec/issues';
import type { ResolvedSpec } from '../../spec/resolved';
import { resolveSpec } from '../../spec/resolve';
import { OTLP_PROTOCOLS, ObservabilitySpec, OtlpProtocol } from '../../spec/types';
import { writeRenderedFilesOnSynth } from '../rendered-files';
import { annotateWarnings } from '../warnings';
import { ComponentService, ComponentSizing } from './component-service';
import { Discovery } from './discovery';
import { O11yCluster } from './ecs-cluster';
import { GrafanaSecret } from './grafana-secret';
import { PrometheusStorage } from './prometheus-storage';
import { SecureBucket } from './secure-bucket';
import { AccessLogBucket, ALB_ACCESS_LOG_PREFIX, S3_ACCESS_LOG_PREFIX } from './access-log-bucket';
import { CustomerKeyCheck, logsKeyPolicyStatement } from './customer-key';
import { awsPropsIssues } from '../props-schema';
import { GrafanaLoadBalancer, GRAFANA_HTTPS_PORT } from './grafana-load-balancer';
import { recordStackIssue } from '../collect-issues';
import { environmentStack } from '../declared-environments';
import { ComponentSecurityGroups, exposuresFromRules, ruleQuotaIssues, GroupName, securityRules } from './security-groups';
import { tempoRoleAccess } from './tempo-task-role';
import { kafkaBrokerCount, kafkaVolumeGiB, TempoKafka } from './tempo-kafka';
import { tempoRoleOf } from '../../components/tempo-distributed';
import { TEMPO_ENV, TEMPO_KAFKA_ROLES } from '../../render/tempo';
import { instanceNames } from '../../components/component';
import { terraformLiteral } from '../terraform-literal';
import { StoreBucket, StoreKeyGrant, storeStatements } from './store-bucket';
import { LOKI_STORE_ACCESS } from './loki-task-role';
import { awsNames } from './aws-names';

export { awsNames };
import { validateAwsProps } from './validate-aws-props';
import { helperImage, StackImagesProps } from '../../components/stack-images';
import { HELPER_IMAGES } from './config-delivery';

export interface AwsStateBackendProps {
  /** S3 bucket holding Terraform state (exists before the first deploy). */
  readonly bucket: string;
  /**
   * Object key of this environment's state.
   * @default "o11y/<name>/<environment>.tfstate"
   */
  readonly key?: string;
  /**
   * Region of the state bucket.
   * @default - the stack's region
   */
  readonly region?: string;
  /**
   * DynamoDB table for state locking. Without it, S3 native locking (`use_lockfile`) is used.
   * @default - S3 native locking
   */
  readonly dynamodbTable?: string;
}

export interface AwsObservabilityStackProps {
  readonly spec: ObservabilitySpec;
  /**
   * Environment name used for overrides and `deployment.environment.name`.
   * @default - the stack id
   */
  readonly environment?: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /** Remote state: never a local path for a shared environment. */
  readonly state: AwsStateBackendProps;
  /** The existing VPC the stack runs in. */
  readonly vpcId: string;
  /**
   * Private subnets of that VPC for the tasks and Prometheus's file system: one per Availability
   * Zone (EFS allows one mount target per zone). They need a route to the internet (NAT) or VPC
   * endpoints for S3, CloudWatch Logs and Secrets Manager, and a NAT for Docker Hub images.
   */
  readonly privateSubnetIds: readonly string[];
  /**
   * CIDR blocks of the services that send OTLP to the stack's entry point, the collector.
   * @default - none; then `otlpAllowedSecurityGroupIds` must name them
   */
  readonly otlpAllowedCidrs?: readonly string[];
  /**
   * Security groups of the services that send OTLP to the stack's entry point, the collector.
   * @default - none; then `otlpAllowedCidrs` must name them
   */
  readonly otlpAllowedSecurityGroupIds?: readonly string[];
  /**
   * OTLP protocols whose port (gRPC 4317, HTTP 4318) is opened to the services.
   * @default - the protocols the spec's services export with
   */
  readonly otlpProtocols?: readonly OtlpProtocol[];
  /**
   * CIDR blocks (VPN, office) allowed to open Grafana on port 3000.
   * @default - none; then `grafanaAllowedSecurityGroupIds` must name who may
   */
  readonly grafanaAllowedCidrs?: readonly string[];
  /**
   * Security groups (a bastion, a load balancer) allowed to open Grafana.
   * @default - none; then `grafanaAllowedCidrs` must name who may
   */
  readonly grafanaAllowedSecurityGroupIds?: readonly string[];
  /**
   * Where the services' metrics endpoints live (Prometheus's egress on their metrics ports).
   * @default - the VPC's CIDR block
   */
  readonly scrapeTargetCidrs?: readonly string[];
  /**
   * Private DNS namespace the components register in; services resolve the OTLP entry point there.
   * @default "<name>-<environment>.o11y.internal"
   */
  readonly discoveryDomain?: string;
  /**
   * Bucket for Tempo's trace blocks (S3 names are global: include an account or org marker).
   * @default "<name>-<environment>-tempo-traces"
   */
  readonly tracesBucket?: string;
  /**
   * Bucket for Loki's chunks and index (S3 names are global: include an account or org marker).
   * @default "<name>-<environment>-loki-logs"
   */
  readonly logsBucket?: string;
  /**
   * Days beyond `logs.retention` before the logs bucket's lifecycle deletes an object.
   * @default 7
   */
  readonly logsExpirationMarginDays?: number;
  /**
   * Bucket for the rendered configs the init containers fetch (never Tempo's bucket).
   * @default "<name>-<environment>-o11y-config"
   */
  readonly configBucket?: string;
  /**
   * Bucket for the access logs: S3 server access logs of the traces, logs and config buckets,
   * and the Grafana load balancer's (always SSE-S3: neither log delivery writes to SSE-KMS).
   * @default "<name>-<environment>-o11y-access-logs"
   */
  readonly accessLogsBucket?: string;
  /**
   * A customer managed KMS key (a key ARN in the stack's region) for everything the stack stores:
   * SSE-KMS on the traces, logs and config buckets, Prometheus's file system, the generated
   * secrets, every CloudWatch log group and MSK's volumes. Each role that reads through it gets an
   * IAM statement and a grant for exactly that; the key policy must allow CloudWatch Logs
   * (the `kms-key-policy-statement` output, docs/aws.md).
   * @default - SSE-S3 and AWS managed keys
   */
  readonly kmsKeyArn?: string;
  /**
   * Days beyond `tracing.retention` before the traces bucket's lifecycle deletes an object.
   * @default 7
   */
  readonly tracesExpirationMarginDays?: number;
  /**
   * Versioning on the traces bucket.
   * @default false
   */
  readonly tracesBucketVersioning?: boolean;
  /**
   * Days a noncurrent version of a trace object is kept (needs `tracesBucketVersioning`).
   * @default 1
   */
  readonly tracesNoncurrentVersionDays?: number;
  /**
   * Where metrics are stored. Only `prometheus` (self-run) is accepted: the stack needs
   * exemplars and Amazon Managed Service for Prometheus does not store them.
   * @default "prometheus"
   */
  readonly metricsBackend?: 'prometheus' | 'amazon-managed-prometheus';
  /**
   * Task size per component.
   * @default - each component descriptor's `resources`
   */
  readonly sizing?: Readonly<Partial<Record<ComponentName, Partial<ComponentSizing>>>>;
  /**
   * Retention of the components' CloudWatch log groups, in days (a CloudWatch value).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Rules per security group and direction this account allows (synth fails above it, instead
   * of `terraform apply` failing half-way). Raise it only after AWS raised the quota.
   * @default 60 (AWS's default)
   */
  readonly securityGroupRuleQuota?: number;
  /**
   * CloudWatch Container Insights on the cluster.
   * @default false
   */
  readonly containerInsights?: boolean;
  /**
   * Protect the stores of data (the traces, logs, config and access-log buckets, Prometheus's file
   * system) against destroy and replacement: Terraform refuses a plan that would delete one
   * (`lifecycle.prevent_destroy`); and turn on the Grafana load balancer's deletion protection.
   * Turn off only to tear an environment down on purpose.
   * @default true
   */
  readonly protectData?: boolean;
  /**
   * ACM certificate (ARN) for the internal HTTPS load balancer in front of Grafana: the admin
   * password and session cookie then never cross the network in clear. Required unless
   * `grafanaPlainHttp` is set.
   * @default - none
   */
  readonly grafanaCertificateArn?: string;
  /**
   * The name people open Grafana at (the certificate's); with `grafanaHostedZoneId`, a Route 53
   * alias record to the load balancer is created.
   * @default - the load balancer's DNS name
   */
  readonly grafanaDomainName?: string;
  /**
   * Route 53 hosted zone for `grafanaDomainName`.
   * @default - no DNS record
   */
  readonly grafanaHostedZoneId?: string;
  /**
   * Serve Grafana over plain HTTP on its own port, without a load balancer: passwords and
   * cookies cross the network in clear. An explicit opt-out; `o11y review` flags it.
   * @default false
   */
  readonly grafanaPlainHttp?: boolean;
  /**
   * The day (`YYYY-MM-DD`) the Grafana admin password was last rotated. Setting a new date rotates
   * it: Terraform generates a new password and secret version, and ECS replaces the Grafana task,
   * which starts with it (docs/aws.md). `o11y review` flags a date older than `--max-secret-age`
   * (90 days by default), and the password's age as unknown while no date is set.
   * @default - none: the password keeps its first value until replaced by hand
   */
  readonly grafanaAdminPasswordRotatedOn?: string;
  /**
   * The Secrets Manager secret (ARN) holding each secret this environment's alert receivers name
   * (`alerting.receivers[].slack.webhookUrlSecret`…), by secret name. ECS injects the values into
   * Alertmanager's container; they never appear in the synthesized JSON or Terraform state.
   * Every named secret needs one.
   * @default {} (right for an environment whose receivers name no secret)
   */
  readonly alertingSecretArns?: Readonly<Record<string, string>>;
  /**
   * Where the images come from: a registry mirroring Docker Hub for all of them (an ECR
   * pull-through cache: `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub`), the config init
   * container and the health probe included, or a whole image per component (a digest allowed).
   * For images in private ECR, each task's execution role may pull exactly its images' repositories.
   * @default - the pinned images from Docker Hub, the helper containers' from ECR Public
   */
  readonly images?: StackImagesProps;
}

export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** The names an AWS environment uses, with their defaults applied in one place. */

/** The topology the stack renders its configs for (also what tests build plans from). */
export function awsStackTopology(name: string, environment: string, props: Pick<AwsObservabilityStackProps, 'region' | 'discoveryDomain' | 'tracesBucket' | 'logsBucket' | 'kmsKeyArn'>): Topology {
  const names = awsNames(name, environment, props);
  return awsTopology({ region: props.region, discoveryDomain: names.discoveryDomain, tracesBucket: names.tracesBucket, logsBucket: names.logsBucket, ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}) });
}

/**
 * An AWS environment: the same component descriptors as the local stack, run as Fargate
 * services in an existing VPC. Tempo keeps its blocks in a hardened S3 bucket, Prometheus its
 * TSDB on EFS, Grafana its admin password in Secrets Manager; configs reach the containers from
 * a config bucket; every service's OTEL environment is an SSM parameter. Every input is checked
 * before any resource is created.
 */
export class AwsObservabilityStack extends TerraformStack {
  readonly plan!: StackPlan;
  /** The environment this stack resolves the spec for (`deployment.environment.name`). */
  readonly environment: string;
  /** The environments its spec declares (checked against the app's stacks at synth). */
  readonly specEnvironments: readonly string[];

  constructor(scope: Construct, id: string, props: AwsObservabilityStackProps) {
    super(scope, id);
    // first, and whatever the props hold: app-wide rules read these even from a failing stack
    ({ environment: this.environment, specEnvironments: this.specEnvironments } = environmentStack(id, props));
    try {
      // the shape first: the value rules below assume it
      throwIfAny(`stack '${id}'`, awsPropsIssues(props));
      const environment = props.environment ?? id;
      const issues: Issue[] = [];
      let spec: ResolvedSpec | undefined;
      try {
        spec = resolveSpec(props.spec, environment);
      } catch (e) {
        if (!(e instanceof O11yValidationError)) throw e;
        issues.push(...e.issues);
      }
      const { discoveryDomain: domain, tracesBucket: tracesBucketName, logsBucket: logsBucketName, configBucket: configBucketName, accessLogsBucket: accessLogsBucketName } = awsNames(spec?.name ?? props.spec.name, environment, props);
      const plan = spec ? planStack(spec, awsStackTopology(spec.name, environment, props), props.images) : undefined;
      issues.push(
        ...validateAwsProps(props, {
          spec,
          tracesBucket: tracesBucketName,
          logsBucket: logsBucketName,
          configBucket: configBucketName,
          accessLogsBucket: accessLogsBucketName,
          defaultSizing: plan ? Object.fromEntries(plan.components.map((c) => [c.name, c.resources])) : undefined,
          components: plan?.components.map((c) => c.name),
        }),
      );
      if (spec?.tracing.tempo.mode === 'distributed') {
        if (props.privateSubnetIds.length < 2) {
          issues.push(issue('privateSubnetIds', `distributed Tempo (tracing.mode) runs on Amazon MSK, whose brokers need private subnets in at least 2 Availability Zones`, props.privateSubnetIds.length));
        } else {
          const volume = kafkaVolumeGiB(spec.tracing.tempo, kafkaBrokerCount(props.privateSubnetIds.length));
          if (volume > MAX_MSK_VOLUME_GIB) {
            issues.push(issue(`tracing.distributed.kafka (environment '${environment}')`, `needs ${volume} GiB per broker to keep its retention, above the ${MAX_MSK_VOLUME_GIB} an MSK broker has: shorten tracing.distributed.kafka.retention`, humanDuration(spec.tracing.tempo.distributed!.kafka.retentionHours)));
          }
        }
      }
      throwIfAny(`stack '${id}'`, issues);
      // both are set: a failed resolution has thrown above
      const resolved = spec!;
      this.plan = plan!;
      const stackPlan = this.plan;
      const name = resolved.name;

      const prefix = `${name}-${environment}-o11y`;
      const otlpProtocols = props.otlpProtocols ?? OTLP_PROTOCOLS.filter((p) => resolved.services.some((s) => s.protocol === p));
      const grafanaTls = !props.grafanaPlainHttp && stackPlan.components.some((c) => c.name === 'grafana');
      const distributed = resolved.tracing.tempo.mode === 'distributed';
      const groupNames: GroupName[] = [
        ...stackPlan.components.map((c) => c.name),
        'prometheus-storage',
        ...(grafanaTls ? (['grafana-lb'] as const) : []),
        // distributed Tempo: one group for the memberlist cluster of all its roles, one for the brokers
        ...(distributed ? (['tempo-ring', 'tempo-kafka'] as const) : []),
      ];

      new S3Backend(this, {
        bucket: props.state.bucket,
        key: props.state.key ?? `o11y/${name}/${environment}.tfstate`,
        region: props.state.region ?? props.region,
        encrypt: true,
        ...(props.state.dynamodbTable ? { dynamodbTable: props.state.dynamodbTable } : { useLockfile: true }),
      });
      new AwsProvider(this, 'aws', {
        region: props.region,
        defaultTags: [{ tags: { 'o11y-stack': name, environment, 'managed-by': 'o11y-stack' } }],
      });
      new RandomProvider(this, 'random', {});
      const account = {
        accountId: new DataAwsCallerIdentity(this, 'account').accountId,
        partition: new DataAwsPartition(this, 'partition').partition,
        region: props.region,
      };
      const scrapeCidrs = props.scrapeTargetCidrs ?? [new DataAwsVpc(this, 'vpc', { id: props.vpcId }).cidrBlock];

      // the network first: the OTLP exposure the services' env relies on comes from these rules
      const rules = securityRules(stackPlan, {
        otlpCidrs: props.otlpAllowedCidrs ?? [],
        otlpSecurityGroupIds: props.otlpAllowedSecurityGroupIds ?? [],
        grafanaCidrs: props.grafanaAllowedCidrs ?? [],
        grafanaSecurityGroupIds: props.grafanaAllowedSecurityGroupIds ?? [],
        otlpProtocols,
        scrapeCidrs,
        prometheusStorage: true,
        ...(grafanaTls ? { grafanaLbPort: GRAFANA_HTTPS_PORT } : {}),
      });
      assertStackConsistent(id, stackPlan, exposuresFromRules(stackPlan, rules), ruleQuotaIssues(rules, props.securityGroupRuleQuota));
      annotateWarnings(this, stackPlan);
      const sgs = new ComponentSecurityGroups(this, 'security-groups', { vpcId: props.vpcId, namePrefix: prefix, groups: groupNames, rules });

      const protect = props.protectData ?? true;
      const key = props.kmsKeyArn;
      // the key is checked at plan time, before anything is encrypted with it
      if (key) new CustomerKeyCheck(this, 'kms-key', { kmsKeyArn: key });
      // one bucket for every access log: the stores' and the config bucket's S3 server access logs, the load balancer's
      const accessLogs = new AccessLogBucket(this, 'access-logs', {
        bucketName: accessLogsBucketName,
        account,
        sourceBucketArns: [tracesBucketName, logsBucketName, configBucketName].map((b) => `arn:${account.partition}:s3:::${b}`),
        loadBalancerLogs: grafanaTls,
        protect,
      });
      const s3AccessLogs = { target: accessLogs, prefix: S3_ACCESS_LOG_PREFIX };
      const traces = new StoreBucket(this, 'traces', {
        bucketName: tracesBucketName,
        retentionHours: resolved.tracing.retentionHours,
        expirationMarginDays: props.tracesExpirationMarginDays,
        kmsKeyArn: props.kmsKeyArn,
        versioning: props.tracesBucketVersioning,
        noncurrentVersionDays: props.tracesNoncurrentVersionDays,
        protect,
        accessLogs: s3AccessLogs,
      });
      const logs = new StoreBucket(this, 'logs', {
        bucketName: logsBucketName,
        retentionHours: resolved.logs.retentionHours,
        expirationMarginDays: props.logsExpirationMarginDays,
        kmsKeyArn: props.kmsKeyArn,
        protect,
        accessLogs: s3AccessLogs,
      });
      // versioned, so a task definition names the exact config version it runs and a rollback finds it
      const configBucket = new SecureBucket(this, 'config', { bucketName: configBucketName, versioning: true, noncurrentVersionDays: 30, protect, kmsKeyArn: key, accessLogs: s3AccessLogs });

      const cluster = new O11yCluster(this, 'cluster', { clusterName: prefix, containerInsights: props.containerInsights });
      // each ordinal instance (a live-store, a block-builder) is found under its own name
      const discovery = new Discovery(this, 'discovery', { domain, vpcId: props.vpcId, names: stackPlan.components.flatMap(instanceNames) });
      const kafka = distributed
        ? new TempoKafka(this, 'tempo-kafka', {
            name: prefix,
            tempo: resolved.tracing.tempo,
            subnetIds: props.privateSubnetIds,
            securityGroupId: sgs.groups['tempo-kafka']!.id,
            kmsKeyArn: props.kmsKeyArn,
            logRetentionDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
          })
        : undefined;
      const prometheusUser = Number(stackPlan.components.find((c) => c.name === 'prometheus')?.user ?? 65534);
      const tsdb = new PrometheusStorage(this, 'prometheus-storage', {
        name: `${prefix}-prometheus`,
        subnetIds: props.privateSubnetIds,
        securityGroupId: sgs.groups['prometheus-storage']!.id,
        uid: prometheusUser,
        gid: prometheusUser,
        protect,
        kmsKeyArn: key,
      });

      const secretArns: Record<string, string> = {};
      const secretOutputs: Record<string, string> = {};
      const secretVersionIds: Record<string, string> = {};
      for (const s of stackPlan.components.flatMap((c) => c.secrets)) {
        if (s.source === 'provided') {
          // validated: every provided secret has an ARN in alertingSecretArns
          secretArns[s.name] = props.alertingSecretArns![s.name]!;
          continue;
        }
        const secret = new GrafanaSecret(this, s.name, {
          secretName: `o11y/${name}/${environment}/${s.name}`,
          description: `${s.description} (o11y-stack ${environment})`,
          kmsKeyArn: key,
          ...(props.grafanaAdminPasswordRotatedOn ? { rotatedOn: props.grafanaAdminPasswordRotatedOn } : {}),
        });
        secretArns[s.name] = secret.secret.arn;
        secretVersionIds[s.name] = secret.versionId;
        secretOutputs[s.name] = secret.secret.arn;
      }

      const grafanaLb = grafanaTls
        ? new GrafanaLoadBalancer(this, 'grafana-lb', {
            name: prefix,
            vpcId: props.vpcId,
            subnetIds: props.privateSubnetIds,
            securityGroupId: sgs.groups['grafana-lb']!.id,
            certificateArn: props.grafanaCertificateArn!,
            grafanaPort: PORTS.grafana,
            healthPath: stackPlan.components.find((c) => c.name === 'grafana')?.healthcheck?.httpPath ?? '/api/health',
            domainName: props.grafanaDomainName,
            hostedZoneId: props.grafanaHostedZoneId,
            accessLogs: { bucket: accessLogs.bucket.bucket, prefix: ALB_ACCESS_LOG_PREFIX, ready: accessLogs.policy },
            deletionProtection: protect,
          })
        : undefined;

      // the stores' task roles: each Tempo role its access to the traces bucket, Loki its logs bucket
      const storeOf = (name: ComponentName, instance: string) => {
        const role = tempoRoleOf(name);
        const access = role ? tempoRoleAccess(role) : name === 'loki' ? LOKI_STORE_ACCESS : undefined;
        if (!access) return undefined;
        return role ? { access, bucketArn: traces.bucket.arn, grantName: `${instance}-traces-bucket` } : { access, bucketArn: logs.bucket.arn, grantName: 'loki-logs-bucket' };
      };
      const services: Partial<Record<ComponentName, ComponentService>> = {};
      for (const c of stackPlan.components) {
        const override = props.sizing?.[c.name];
        const role = tempoRoleOf(c.name);
        for (const instance of instanceNames(c)) {
          const store = storeOf(c.name, instance);
          const svc = new ComponentService(this, instance, {
            component: c,
            instanceName: instance,
            namePrefix: prefix,
            clusterArn: cluster.cluster.arn,
            clusterName: cluster.cluster.name,
            region: props.region,
            account,
            subnetIds: props.privateSubnetIds,
            securityGroupIds: [sgs.groups[c.name]!.id, ...(distributed && role ? [sgs.groups['tempo-ring']!.id] : [])],
            registryArn: discovery.services[instance]!.arn,
            configBucketName: configBucket.bucket.bucket,
            configBucketArn: configBucket.bucket.arn,
            logRetentionDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
            sizing: { cpu: override?.cpu ?? c.resources.cpu, memoryMiB: override?.memoryMiB ?? c.resources.memoryMiB },
            ...(props.images?.registry !== undefined ? { helperImages: { configInit: helperImage(HELPER_IMAGES.configInit, props.images), healthProbe: helperImage(HELPER_IMAGES.healthProbe, props.images) } } : {}),
            taskStatements: store ? storeStatements(store.access, store.bucketArn, props.kmsKeyArn) : c.name === 'prometheus' ? tsdb.clientStatements : [],
            secretArns,
            secretVersionIds,
            ...(key ? { kmsKeyArn: key, keyEncryptedSecrets: Object.keys(secretOutputs) } : {}),
            persistentVolumes: c.name === 'prometheus' ? Object.fromEntries(c.volumes.map((v) => [v.name, tsdb.volumeConfiguration])) : {},
            // the stores must not have two writers; the collector holds only in-flight traces, and a
            // deploy must not cut OTLP ingestion: it rolls with the new task up before the old stops
            // (Loki: one compactor may apply retention, and two single binaries would each run one)
            // (Alertmanager: two unclustered instances during a deploy would each notify)
            // (distributed Tempo: one backend-scheduler, and one consumer per partition per live-store or block-builder ordinal)
            singleWriter: c.name === 'tempo' || c.name === 'prometheus' || c.name === 'loki' || c.name === 'alertmanager' || c.name === 'tempo-backend-scheduler' || c.ordinals !== undefined,
            // behind its HTTPS balancer Grafana marks its cookies Secure and builds links to the https URL
            ...(c.name === 'grafana' && grafanaLb ? { loadBalancer: { targetGroupArn: grafanaLb.targetGroup.arn, containerPort: PORTS.grafana } } : {}),
            extraEnvironment: {
              ...(c.name === 'grafana' && grafanaLb ? { GF_SECURITY_COOKIE_SECURE: 'true', GF_SERVER_ROOT_URL: `${grafanaLb.url}/` } : {}),
              // the broker address exists once MSK does; each ordinal learns its name (so its partition)
              ...(kafka && role && role !== 'all' && TEMPO_KAFKA_ROLES.includes(role) ? { [TEMPO_ENV.kafkaAddress]: kafka.seedBroker } : {}),
              ...(c.ordinals ? { [c.ordinals.env]: instance } : {}),
            },
          });
          services[c.name] ??= svc;
          // a grant for the bucket's key, as the key policy may not delegate to IAM
          if (props.kmsKeyArn && store) {
            const grant = new StoreKeyGrant(this, `${instance}-key-grant`, { kmsKeyArn: props.kmsKeyArn, roleArn: svc.taskRole.role.arn, name: store.grantName, access: store.access });
            svc.service.node.addDependency(grant);
          }
        }
      }
      // ECS registers targets only once the target group is attached to a listener
      if (grafanaLb) services.grafana?.service.node.addDependency(grafanaLb.listener);
      // the file system must be mountable before Prometheus's first task starts
      services.prometheus?.service.node.addDependency(...tsdb.mountTargets);

      const files: RenderedFile[] = [...stackPlan.files];
      const parameters: Record<string, string> = {};
      for (const { service, env } of stackPlan.serviceEnvs) {
        const value = formatEnv(env, 'json');
        files.push({ output: `otel/${service}.json`, content: value });
        const param = new SsmParameter(this, `otel-env-${service}`, {
          name: `/o11y/${name}/${environment}/otel/${service}`,
          description: `OTEL_* environment of ${service} in ${environment} (o11y-stack)`,
          type: 'String',
          tier: 'Standard',
          value: terraformLiteral(value),
        });
        parameters[service] = param.name;
      }
      new TerraformOutput(this, 'otel-env-parameters', { value: parameters, description: 'SSM parameter (JSON of OTEL_* variables) per service' });
      new TerraformOutput(this, 'otlp-endpoints', { value: otlpUrls(stackPlan.components, stackPlan.topology), description: 'OTLP endpoints, reachable from otlpAllowedCidrs / otlpAllowedSecurityGroupIds' });
      new TerraformOutput(this, 'grafana-url', {
        value: grafanaLb ? grafanaLb.url : `http://${stackPlan.topology.hostOf('grafana')}:${PORTS.grafana}`,
        description: grafanaLb ? 'Grafana over HTTPS (internal load balancer), reachable from grafanaAllowedCidrs / grafanaAllowedSecurityGroupIds' : 'Grafana over plain HTTP (grafanaPlainHttp), reachable from grafanaAllowedCidrs / grafanaAllowedSecurityGroupIds',
      });
      new TerraformOutput(this, 'secrets', { value: secretOutputs, description: 'Secrets Manager ARN per generated secret (aws secretsmanager get-secret-value --secret-id <arn>)' });
      new TerraformOutput(this, 'traces-bucket', { value: traces.bucket.bucket });
      new TerraformOutput(this, 'logs-bucket', { value: logs.bucket.bucket });
      new TerraformOutput(this, 'config-bucket', { value: configBucket.bucket.bucket });
      new TerraformOutput(this, 'access-logs-bucket', { value: accessLogs.bucket.bucket });
      if (key) {
        new TerraformOutput(this, 'kms-key-policy-statement', {
          value: Fn.jsonencode(logsKeyPolicyStatement(account, [`/ecs/${prefix}/`, ...(kafka ? [`/msk/${prefix}/`] : [])])),
          description: `The statement the key policy of ${key} must hold before the first deploy: CloudWatch Logs encrypting this stack's log groups (docs/aws.md)`,
        });
      }
      new TerraformOutput(this, 'discovery-namespace-id', { value: discovery.namespace.id, description: `Cloud Map namespace ${domain}: register <service>.${domain} here to be scraped` });
      new TerraformOutput(this, 'cluster-name', { value: cluster.cluster.name });
      if (kafka) new TerraformOutput(this, 'tempo-kafka-bootstrap-brokers', { value: kafka.cluster.bootstrapBrokers, description: 'Amazon MSK brokers (plaintext, reachable from the Tempo roles only): for kafka-topics and consumer-group checks from inside the VPC' });
      writeRenderedFilesOnSynth(this, files.sort((a, b) => (a.output < b.output ? -1 : 1)));
    } catch (e) {
      // under o11y validate / synth, every stack reports its problems, not only the first one
      if (!recordStackIssue(this, e)) throw e;
    }
  }
}
