/**
 * Tempo distributed on Amazon MSK: prod at 600 000 spans/s (the example's prod-peak) gets the
 * load-balancing tier, 8 samplers and Tempo's microservices on Kafka; every rule that ties the
 * partitions to the live-stores and block-builders, with its exact message; what the AWS stack
 * synthesizes for it (MSK, one service per ordinal, the security groups, IAM per role).
 */
import { parse } from 'yaml';
import { App, Testing } from 'cdktf';
import { checkTempoKafka } from '../../src/checks/tempo-kafka';
import type { StackPlan } from '../../src/components/plan';
import { formatIssue, O11yValidationError } from '../../src/spec/issues';
import { resolveSpec } from '../../src/spec/resolve';
import type { ObservabilitySpec } from '../../src/spec/types';
import { AwsObservabilityStack } from '../../src/targets/aws/aws-stack';
import { kafkaBrokerCount, kafkaVolumeGiB } from '../../src/targets/aws/tempo-kafka';
import { DockerObservabilityStack } from '../../src/targets/docker/docker-stack';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { exampleApp, removeTempDirs, synthJson } from '../support/synth';

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The example spec with prod-peak's tracing changed. */
function peakWith(tracing: Record<string, unknown>): ObservabilitySpec {
  const s = exampleSpec() as unknown as { environments: Record<string, { tracing?: Record<string, unknown> }> };
  s.environments['prod-peak'].tracing = { ...s.environments['prod-peak'].tracing, ...tracing };
  return s as unknown as ObservabilitySpec;
}

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof O11yValidationError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

describe('the mode, from the volume Tempo ingests', () => {
  it('is distributed for prod-peak: 600 000 spans/s kept at 0.1 is 60 000 into Tempo, past the 55 000 of one monolith', () => {
    const t = resolveSpec(exampleSpec(), 'prod-peak').tracing;
    expect(t.tailSampling?.samplers).toBe(8);
    expect(t.tempo).toEqual({
      mode: 'distributed',
      modeFrom: 'volume',
      ingestSpansPerSecond: 60_000,
      // 60 000 × 500 B = 30 MB/s: 3 partitions (10 MB/s each), 3 distributors (10 MB/s), 15 queriers (2 MB/s)
      distributed: { partitions: 3, liveStores: 3, blockBuilders: 3, distributors: 3, queriers: 15, queryFrontends: 2, backendWorkers: 2, metricsGenerators: 0, kafka: { instanceType: 'kafka.m7g.large', retentionHours: 24 } },
    });
  });

  it('stays monolithic for prod (500 spans/s into Tempo), and the spec can say otherwise either way', () => {
    expect(resolveSpec(exampleSpec(), 'prod').tracing.tempo).toEqual({ mode: 'monolithic', modeFrom: 'volume', ingestSpansPerSecond: 500 });
    expect(resolveSpec(peakWith({ mode: 'monolithic' }), 'prod-peak').tracing.tempo).toEqual({ mode: 'monolithic', modeFrom: 'spec', ingestSpansPerSecond: 60_000 });
    // asked for without tail sampling: the smallest counts, and Tempo's own generators for span metrics
    const local = resolveSpec({ name: 'shop', services: [{ name: 'checkout' }], tracing: { mode: 'distributed' } }, 'qa').tracing.tempo;
    expect(local.distributed).toMatchObject({ partitions: 2, liveStores: 2, blockBuilders: 2, distributors: 2, queriers: 2, metricsGenerators: 2 });
  });

  it('takes an environment’s single fields over the base spec’s', () => {
    const spec = peakWith({ distributed: { partitions: 6, blockBuilders: 3, kafka: { retention: '12h' } } });
    expect(resolveSpec(spec, 'prod-peak').tracing.tempo.distributed).toMatchObject({ partitions: 6, liveStores: 6, blockBuilders: 3, kafka: { instanceType: 'kafka.m7g.large', retentionHours: 12 } });
  });
});

describe('the counts that must match the topic, refused with exact messages', () => {
  it('refuses live-stores that are not one per partition, block-builders that do not divide them, idle generators and a short Kafka retention, all at once', () => {
    const spec = peakWith({ mode: 'distributed', distributed: { partitions: 4, liveStores: 3, blockBuilders: 3, kafka: { retention: '2h' } } });
    expect(problems(() => resolveSpec(spec, 'prod-peak'))).toEqual([
      "tracing.distributed.liveStores (environment 'prod-peak'): must equal partitions (4): each live-store consumes exactly the partition of its ordinal, so a partition without one is never served to queries and a live-store without one fails to start (got 3)",
      "tracing.distributed.blockBuilders (environment 'prod-peak'): must divide partitions (4): each block-builder consumes partitions ÷ blockBuilders partitions from its ordinal on, so with a remainder some partitions are never written to S3 (got 3)",
      "tracing.distributed.kafka.retention (environment 'prod-peak'): must be at least 6h: a block-builder or live-store that was down replays what it missed from Kafka, and a deploy or an outage takes hours (got \"2h\")",
    ]);
    const generators = { name: 'shop', services: [{ name: 'checkout' }], tracing: { mode: 'distributed' as const, distributed: { partitions: 2, metricsGenerators: 3 } } };
    expect(problems(() => resolveSpec(generators, 'qa'))).toEqual([
      "tracing.distributed.metricsGenerators (environment 'qa'): must be at most partitions (2): the generators share the partitions as one consumer group, and one without a partition idles (got 3)",
    ]);
  });

  it('refuses unknown fields and out-of-range counts in the spec itself', () => {
    expect(problems(() => resolveSpec(peakWith({ mode: 'sharded', distributed: { partitions: 0, queriers: 1.5 } }), 'prod-peak'))).toEqual([
      'environments.prod-peak.tracing.mode: must be one of monolithic, distributed (got "sharded")',
      'environments.prod-peak.tracing.distributed.partitions: must be between 1 and 64 (got 0)',
      'environments.prod-peak.tracing.distributed.queriers: must be an integer (got 1.5)',
    ]);
  });

  it('holds counts computed from a huge volume to the limits a spec’s own counts have', () => {
    // 2 000 000 spans/s kept whole: 1 GB/s into Tempo
    expect(problems(() => resolveSpec(peakWith({ tailSampling: { ratio: 1, expectedSpansPerSecond: 2_000_000 } }), 'prod-peak'))).toEqual([
      "tracing.distributed.partitions (environment 'prod-peak'): is 100 from 2000000 spans/s into Tempo, above the 64 a stack runs: set it (and the counts that follow it) in the spec (got 100)",
      "tracing.distributed.distributors (environment 'prod-peak'): is 100 from 2000000 spans/s into Tempo, above the 64 a stack runs: set it (and the counts that follow it) in the spec (got 100)",
      "tracing.distributed.queriers (environment 'prod-peak'): is 500 from 2000000 spans/s into Tempo, above the 64 a stack runs: set it (and the counts that follow it) in the spec (got 500)",
    ]);
  });

  it('refuses a Kafka retention whose storage no MSK broker has', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const spec = peakWith({ distributed: { kafka: { retention: '30d' } } });
    expect(() => new AwsObservabilityStack(app, 'prod-peak', { spec, ...EXAMPLE_AWS_INPUTS['prod-peak'] })).toThrow(
      "stack 'prod-peak': 1 problem\n  - tracing.distributed.kafka (environment 'prod-peak'): needs 108630 GiB per broker to keep its retention, above the 16384 an MSK broker has: shorten tracing.distributed.kafka.retention (got \"30d\")",
    );
  });

  it('refuses a Docker stack for an environment whose Tempo is distributed, naming why', () => {
    const app = Testing.app();
    expect(() => new DockerObservabilityStack(app, 'prod-peak', { spec: exampleSpec(), traceBackend: 'tempo' })).toThrow(
      "stack 'prod-peak': 1 problem\n  - tracing.tailSampling (environment 'prod-peak'): distributed Tempo runs on AWS only (its roles meet through Kafka, Amazon MSK): a Docker stack runs Tempo monolithic; set tracing.mode: monolithic for this environment (got \"60000 spans/s for Tempo, which makes it distributed\")",
    );
  });

  it('refuses an AWS stack with fewer than two private subnets: MSK spreads its brokers over zones', () => {
    const app = new App({ outdir: Testing.app().outdir });
    expect(() => new AwsObservabilityStack(app, 'prod-peak', { spec: exampleSpec(), ...EXAMPLE_AWS_INPUTS['prod-peak'], privateSubnetIds: ['subnet-0fedcba9876543210'] })).toThrow(
      "stack 'prod-peak': 1 problem\n  - privateSubnetIds: distributed Tempo (tracing.mode) runs on Amazon MSK, whose brokers need private subnets in at least 2 Availability Zones (got 1)",
    );
  });
});

describe('the synth-time check of the rendered Kafka wiring', () => {
  const plan = examplePlan('prod-peak');
  const editedTempo = (edit: (t: Yaml) => void): StackPlan => {
    const t = parse(renderedFile(plan, 'tempo.yaml')) as Yaml;
    edit(t);
    const { stringify } = require('yaml') as typeof import('yaml');
    return { ...plan, files: plan.files.map((f) => (f.output === 'tempo.yaml' ? { ...f, content: stringify(t) } : f)) };
  };

  it('passes the example', () => {
    expect(checkTempoKafka(plan)).toEqual([]);
  });

  it('refuses a topic with more partitions than live-stores and block-builders consume', () => {
    expect(checkTempoKafka(editedTempo((t) => void (t.ingest.kafka.auto_create_topic_default_partitions = 4))).map(formatIssue)).toEqual([
      "tempo-live-store instances: must equal the topic's partitions (4, tempo.yaml ingest.kafka.auto_create_topic_default_partitions): each live-store consumes the partition of its ordinal (got 3)",
      "tempo.yaml: block_builder.partitions_per_instance: × 3 block-builders must cover the topic's 4 partitions exactly: each block-builder consumes partitions_per_instance partitions from its ordinal on (got 1)",
    ]);
  });

  it('refuses records larger than the batches the brokers are set for, and a role that would not read its environment', () => {
    const edited = editedTempo((t) => void (t.ingest.kafka.producer_max_record_size_bytes = 20_000_000));
    const noExpand = { ...edited, components: edited.components.map((c) => (c.name === 'tempo-distributor' ? { ...c, args: c.args.filter((a) => a !== '-config.expand-env=true') } : c)) };
    expect(checkTempoKafka(noExpand).map(formatIssue)).toEqual([
      "tempo.yaml: ingest.kafka.producer_max_record_size_bytes: must fit Tempo's largest batch (16000000 bytes), which the brokers' message.max.bytes is set for (got 20000000)",
      'tempo-distributor args: must include -config.expand-env=true: tempo.yaml reads ${TEMPO_KAFKA_ADDRESS} and ${TEMPO_INSTANCE_ID} from the environment (got ["-config.file=/etc/tempo/tempo.yaml","-target=distributor"])',
    ]);
  });
});

describe('prod-peak, planned', () => {
  const plan = examplePlan('prod-peak');
  const tempo = parse(renderedFile(plan, 'tempo.yaml')) as Yaml;

  it('runs the load-balancing tier, 8 samplers and every Tempo role (no generator: the samplers compute span metrics)', () => {
    expect(plan.components.map((c) => `${c.name}×${c.ordinals?.count ?? c.replicas ?? 1}`)).toEqual([
      'tempo-distributor×3',
      'tempo-live-store×3',
      'tempo-block-builder×3',
      'tempo-query-frontend×2',
      'tempo-querier×15',
      'tempo-backend-scheduler×1',
      'tempo-backend-worker×2',
      'otel-collector×1',
      'otel-sampler×8',
      'prometheus×1',
      'loki×1',
      'alertmanager×1',
      'grafana×1',
    ]);
    expect(plan.components.find((c) => c.name === 'otel-collector')!.autoscale).toEqual({ min: 2, max: 30, targetCpuPercent: 60 });
    for (const c of plan.components.filter((x) => x.name.startsWith('tempo-'))) expect(c.args).toEqual(['-config.file=/etc/tempo/tempo.yaml', '-config.expand-env=true', `-target=${c.name.slice(6)}`]);
  });

  it('wires one tempo.yaml for all roles: the topic, the ordinals, the ring seeds and the gRPC addresses', () => {
    expect(tempo.target).toBeUndefined();
    expect(tempo.ingest).toEqual({ kafka: { address: '${TEMPO_KAFKA_ADDRESS}', topic: 'tempo-traces', auto_create_topic_enabled: true, auto_create_topic_default_partitions: 3 } });
    expect(tempo.block_builder).toEqual({ instance_id: '${TEMPO_INSTANCE_ID}', partitions_per_instance: 1, wal: { path: '/var/tempo/block-builder/traces' } });
    expect(tempo.live_store.ring).toEqual({ instance_interface_names: ['eth1', 'eth0'], instance_id: '${TEMPO_INSTANCE_ID}' });
    expect(tempo.memberlist.join_members.split(',')).toEqual([
      'dns+tempo-distributor.shop-prod-peak.o11y.internal:7946',
      ...[0, 1, 2].map((i) => `dns+tempo-live-store-${i}.shop-prod-peak.o11y.internal:7946`),
      ...[0, 1, 2].map((i) => `dns+tempo-block-builder-${i}.shop-prod-peak.o11y.internal:7946`),
      'dns+tempo-query-frontend.shop-prod-peak.o11y.internal:7946',
      'dns+tempo-querier.shop-prod-peak.o11y.internal:7946',
      'dns+tempo-backend-scheduler.shop-prod-peak.o11y.internal:7946',
      'dns+tempo-backend-worker.shop-prod-peak.o11y.internal:7946',
    ]);
    expect(tempo.querier.frontend_worker.frontend_address).toBe('tempo-query-frontend.shop-prod-peak.o11y.internal:9095');
    expect(tempo.backend_worker.backend_scheduler_addr).toBe('tempo-backend-scheduler.shop-prod-peak.o11y.internal:9095');
    // 20 000 spans/s per partition, each possibly its own trace, live for up to 30 s (Tempo's default is 10 000)
    expect(tempo.overrides).toEqual({ defaults: { ingestion: { max_traces_per_user: 600_000 } } });
  });

  it('points the samplers at the distributors, Grafana at the query-frontends, and scrapes every role as job tempo', () => {
    const sampler = parse(renderedFile(plan, 'otel-sampler.yaml')) as Yaml;
    expect(sampler.exporters['otlp_grpc/traces'].endpoint).toBe('tempo-distributor.shop-prod-peak.o11y.internal:4317');
    const ds = parse(renderedFile(plan, 'grafana/datasources.yaml')) as Yaml;
    expect(ds.datasources.find((d: Yaml) => d.type === 'tempo').url).toBe('http://tempo-query-frontend.shop-prod-peak.o11y.internal:3200');
    const prom = parse(renderedFile(plan, 'prometheus.yml')) as Yaml;
    expect(prom.scrape_configs.find((j: Yaml) => j.job_name === 'tempo').dns_sd_configs).toEqual([{ names: tempo.memberlist.join_members.split(',').map((m: string) => m.slice('dns+'.length, -':7946'.length)), type: 'A', port: 3200 }]);
  });
});

describe('prod-peak, synthesized', () => {
  let json: Yaml;
  beforeAll(() => {
    json = synthJson(exampleApp().stacks.get('prod-peak')!) as Yaml;
  });
  afterAll(removeTempDirs);
  const resources = (type: string): [string, Yaml][] => Object.entries((json.resource[type] ?? {}) as Record<string, Yaml>);
  const groupOf = (ref: unknown) => String(ref).replace(/^.*security-groups_([a-z0-9-]+)_[0-9A-F]{8}\.id\}$/, '$1');

  it('runs MSK provisioned: 3 brokers over the 3 zones, plaintext inside the VPC only, encrypted at rest with the stack’s key, the topic’s settings in its configuration', () => {
    const [[, msk]] = resources('aws_msk_cluster');
    expect(msk).toMatchObject({
      cluster_name: 'shop-prod-peak-o11y-tempo',
      kafka_version: '3.8.x',
      number_of_broker_nodes: 3,
      client_authentication: { unauthenticated: true },
      encryption_info: { encryption_at_rest_kms_key_arn: EXAMPLE_AWS_INPUTS['prod-peak'].kmsKeyArn, encryption_in_transit: { client_broker: 'PLAINTEXT', in_cluster: true } },
    });
    // 30 MB/s × 24 h × 3 replicas ÷ 3 brokers × 1.5
    expect(msk.broker_node_group_info).toMatchObject({ instance_type: 'kafka.m7g.large', client_subnets: EXAMPLE_AWS_INPUTS['prod-peak'].privateSubnetIds, storage_info: { ebs_storage_info: { volume_size: 3621 } } });
    expect(groupOf(msk.broker_node_group_info.security_groups[0])).toBe('tempo-kafka');
    const [[, cfg]] = resources('aws_msk_configuration');
    expect(cfg.server_properties.split('\n')).toEqual([
      'auto.create.topics.enable=true',
      'default.replication.factor=3',
      'log.retention.hours=24',
      'message.max.bytes=16777216',
      'min.insync.replicas=2',
      'num.partitions=3',
      'replica.fetch.max.bytes=16777216',
      'unclean.leader.election.enable=false',
    ]);
  });

  it('runs each live-store and block-builder as its own single-task service that knows its ordinal, and the Kafka roles the broker address', () => {
    const services = Object.fromEntries(resources('aws_ecs_service').map(([, s]) => [s.name as string, s]));
    for (const name of ['tempo-live-store-0', 'tempo-live-store-1', 'tempo-live-store-2', 'tempo-block-builder-0', 'tempo-block-builder-1', 'tempo-block-builder-2']) {
      expect(services[name]).toMatchObject({ desired_count: 1, deployment_minimum_healthy_percent: 0, deployment_maximum_percent: 100 });
      expect(services[name].service_registries.registry_arn).toContain(`discovery_${name}_`);
    }
    expect(services['tempo-querier'].desired_count).toBe(15);
    expect(services['tempo-backend-scheduler']).toMatchObject({ desired_count: 1, deployment_minimum_healthy_percent: 0 });
    const envOf = (family: string): Record<string, string> => {
      const [, td] = resources('aws_ecs_task_definition').find(([, t]) => t.family === `shop-prod-peak-o11y-${family}`)!;
      const main = (JSON.parse(td.container_definitions) as Yaml[]).find((c) => String(c.image).startsWith('grafana/tempo'))!;
      return Object.fromEntries((main.environment as { name: string; value: string }[]).filter((e) => e.name.startsWith('TEMPO_')).map((e) => [e.name, e.value]));
    };
    const seed = '${local.tempo-kafka_seed-broker_F9BAFAC0}';
    expect(json.locals['tempo-kafka_seed-broker_F9BAFAC0']).toBe('${element(split(",", aws_msk_cluster.tempo-kafka_cluster_205E9336.bootstrap_brokers), 0)}');
    expect(envOf('tempo-live-store-1')).toEqual({ TEMPO_INSTANCE_ID: 'tempo-live-store-1', TEMPO_KAFKA_ADDRESS: seed });
    expect(envOf('tempo-block-builder-2')).toEqual({ TEMPO_INSTANCE_ID: 'tempo-block-builder-2', TEMPO_KAFKA_ADDRESS: seed });
    expect(envOf('tempo-distributor')).toEqual({ TEMPO_KAFKA_ADDRESS: seed });
    expect(envOf('tempo-querier')).toEqual({});
  });

  it('opens Kafka to exactly the roles that produce or consume, and memberlist among the roles only', () => {
    const ingress = resources('aws_vpc_security_group_ingress_rule').map(([, r]) => r);
    const into = (group: string) => ingress.filter((r) => groupOf(r.security_group_id) === group).map((r) => `${r.from_port} from ${groupOf(r.referenced_security_group_id)}`).sort();
    expect(into('tempo-kafka')).toEqual(['9092 from tempo-block-builder', '9092 from tempo-distributor', '9092 from tempo-live-store']);
    expect(into('tempo-ring')).toEqual(['7946 from tempo-ring']);
    expect(into('tempo-live-store')).toEqual(['3200 from prometheus', '9095 from tempo-querier']);
    expect(into('tempo-query-frontend')).toEqual(['3200 from grafana', '3200 from prometheus', '9095 from tempo-querier']);
    expect(into('tempo-backend-scheduler')).toEqual(['3200 from prometheus', '9095 from tempo-backend-worker']);
    expect(into('tempo-distributor')).toEqual(['3200 from prometheus', '4317 from otel-sampler']);
    const egress = resources('aws_vpc_security_group_egress_rule').map(([, r]) => r);
    expect(egress.filter((r) => groupOf(r.security_group_id) === 'tempo-kafka')).toEqual([]);
    expect(egress.filter((r) => groupOf(r.referenced_security_group_id) === 'tempo-kafka').map((r) => groupOf(r.security_group_id)).sort()).toEqual(['tempo-block-builder', 'tempo-distributor', 'tempo-live-store']);
    // every Tempo task carries its role's group and the ring's
    for (const [, s] of resources('aws_ecs_service').filter(([, x]) => String(x.name).startsWith('tempo-'))) {
      expect(s.network_configuration.security_groups.map(groupOf)).toEqual([String(s.name).replace(/-\d+$/, ''), 'tempo-ring']);
    }
  });

  it('gives each role exactly its bucket access: writers write, the read path reads, the distributors nothing', () => {
    const statementsOf = (role: string): string[] => {
      const [, p] = resources('aws_iam_role_policy').find(([k]) => k.startsWith(`${role}_task-role_policy_`))!;
      return (JSON.parse(p.policy).Statement as { Sid: string; Action: string[] }[]).map((s) => `${s.Sid}: ${s.Action.join(' ')}`);
    };
    // its config objects, and (prod-peak has a customer key) their decrypt through S3
    const config = ['ReadOwnConfig: s3:GetObject s3:GetObjectVersion', 'ReadOwnConfigKey: kms:Decrypt'];
    const write = ['TempoListBlocks: s3:ListBucket', 'TempoReadWriteBlocks: s3:DeleteObject s3:GetObject s3:GetObjectTagging s3:PutObject s3:PutObjectTagging', 'TempoBlocksKey: kms:Decrypt kms:GenerateDataKey'];
    // reading an SSE-KMS object needs Decrypt only; GenerateDataKey is for writing one
    const read = ['TempoListBlocks: s3:ListBucket', 'TempoReadBlocks: s3:GetObject', 'TempoBlocksKey: kms:Decrypt'];
    expect(statementsOf('tempo-distributor')).toEqual(config);
    for (const r of ['tempo-block-builder-0', 'tempo-backend-scheduler', 'tempo-backend-worker']) expect(statementsOf(r)).toEqual([...config, ...write]);
    for (const r of ['tempo-querier', 'tempo-query-frontend', 'tempo-live-store-2']) expect(statementsOf(r)).toEqual([...config, ...read]);
    // and a KMS grant for every role that touches the bucket, with the same operations
    const grants = Object.fromEntries(resources('aws_kms_grant').map(([, g]) => [g.name as string, (g.operations as string[]).join(' ')]));
    const rw = 'Decrypt GenerateDataKey';
    expect(Object.fromEntries(Object.entries(grants).filter(([n]) => n.startsWith('tempo') && n.endsWith('-traces-bucket')))).toEqual({
      'tempo-backend-scheduler-traces-bucket': rw,
      'tempo-backend-worker-traces-bucket': rw,
      'tempo-block-builder-0-traces-bucket': rw,
      'tempo-block-builder-1-traces-bucket': rw,
      'tempo-block-builder-2-traces-bucket': rw,
      'tempo-live-store-0-traces-bucket': 'Decrypt',
      'tempo-live-store-1-traces-bucket': 'Decrypt',
      'tempo-live-store-2-traces-bucket': 'Decrypt',
      'tempo-querier-traces-bucket': 'Decrypt',
      'tempo-query-frontend-traces-bucket': 'Decrypt',
    });
  });
});

describe('the broker count and volume', () => {
  it('puts at least 3 brokers, a multiple of the zones, in at most 3 zones (MSK takes the first 3 subnets)', () => {
    expect([2, 3, 4, 6].map(kafkaBrokerCount)).toEqual([4, 3, 3, 3]);
  });

  it('sizes each volume for the retention, or takes the spec’s', () => {
    const t = resolveSpec(exampleSpec(), 'prod-peak').tracing.tempo;
    expect(kafkaVolumeGiB(t, 3)).toBe(3621);
    expect(kafkaVolumeGiB({ ...t, distributed: { ...t.distributed!, kafka: { ...t.distributed!.kafka, volumeGiB: 500 } } }, 3)).toBe(500);
  });
});
