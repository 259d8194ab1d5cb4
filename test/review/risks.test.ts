import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configRisks } from '../../src/review/config-risks';
import { imageSourceChange } from '../../src/review/image-source';
import { IMAGES } from '../../src/spec/defaults';
import { removeTempDirs } from '../support/synth';
import { editedCopy, editFile, editTerraform, exampleStacksWith, resourceNamed, reviewDirs, riskLines, synthExample, TerraformTree } from './support';

/**
 * Every risk flag with the exact line it prints, on pairs of real synth outputs of the example
 * app: the base is stacks/o11y.yaml as it is; each head is the same app after one change a
 * pull request could make (to the spec, to the stack inputs in stacks/stacks.ts, to a pinned
 * image). Where no such change can produce a flag (the public access block is hard-coded
 * secure, Prometheus's flags are fixed), the head is a copy of the base synth output with one
 * minimal edit, and the test's name says so.
 */
let base: string;
beforeAll(() => {
  base = synthExample();
});
afterAll(removeTempDirs);

const risksOf = (head: string, from = base): string[] => riskLines(reviewDirs(from, head));

const ECR_CACHE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub';
const digest = (hex: string): string => `sha256:${hex.repeat(64)}`;
const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0000aaaa-11bb-22cc-83dd-444455556666';

describe('risk flags from changes to the spec', () => {
  it("more Kafka partitions for prod-peak's distributed Tempo are flagged: the existing topic does not grow by itself", () => {
    const head = synthExample({ spec: (s) => void ((s.environments!['prod-peak'].tracing as { distributed?: unknown }).distributed = { partitions: 6 }) });
    expect(risksOf(head).filter((l) => l.includes('Kafka partitions'))).toEqual([
      'prod-peak: Kafka partitions 3 → 6: Tempo sizes the topic only when it creates it, so the existing topic keeps 3: grow it first (kafka-topics --alter --partitions 6), or the new live-stores and block-builders find no partition to consume',
    ]);
    // and the other way: fewer partitions strand the spans Kafka keeps routing to the ones left unread
    expect(risksOf(base, head).filter((l) => l.includes('Kafka partitions'))).toEqual([
      "prod-peak: Kafka partitions 6 → 3: Kafka never removes a topic's partitions, so partitions 3-5 keep receiving spans that no live-store or block-builder reads any more (lost to queries and to S3) until the topic is recreated",
    ]);
  });

  it("a shorter Kafka retention for prod-peak shrinks the brokers' computed storage, which MSK refuses: flagged before the apply fails", () => {
    const head = synthExample({ spec: (s) => void ((s.environments!['prod-peak'].tracing as { distributed?: unknown }).distributed = { kafka: { retention: '12h' } }) });
    expect(risksOf(head).filter((l) => l.includes('Kafka'))).toEqual([
      'prod-peak: Kafka broker storage shrinks: aws_msk_cluster.tempo-kafka_cluster_205E9336: 3621 → 1811 GiB; MSK only grows volumes, so the apply fails: keep tracing.distributed.kafka.volumeGiB at 3621',
    ]);
  });

  it('switching prod to distributed Tempo, and back, is flagged with what is lost in flight', () => {
    const head = synthExample({ spec: (s) => void ((s.environments!.prod.tracing as { mode?: string }).mode = 'distributed') });
    expect(risksOf(head).filter((l) => l.includes('Tempo mode'))).toEqual([
      "prod: Tempo mode monolithic → distributed: the monolith's traces not yet in blocks (its WAL and live-store, up to the last hour) go with its task; blocks in the bucket stay searchable",
    ]);
    expect(risksOf(base, head).filter((l) => l.includes('Tempo mode') || l.includes('msk'))).toEqual([
      'prod: stateful resource removed: aws_msk_cluster.tempo-kafka_cluster_205E9336: Terraform deletes it and what it stores',
      'prod: Tempo mode distributed → monolithic: spans in Kafka and the live-stores not yet in blocks go with the MSK cluster and those tasks; blocks in the bucket stay searchable',
    ]);
  });

  it('a changed sampling ratio names the stack, the service and both ratios', () => {
    // staging's head sampling keeps everything (ratio 1) for its tail-sampling collector
    const head = synthExample({ spec: (s) => void (s.environments!.staging.services = { checkout: { sampling: { ratio: 0.5 } } }) });
    expect(risksOf(head)).toEqual(['staging: sampling ratio changed: checkout 1 → 0.5']);
  });

  it('an added service is flagged in every stack', () => {
    const head = synthExample({ spec: (s) => void s.services.push({ name: 'inventory', namespace: 'storefront', metrics: { port: 9470 } }) });
    expect(risksOf(head)).toEqual(['local: service added: inventory', 'local-jaeger: service added: inventory', 'prod: service added: inventory', 'prod-peak: service added: inventory', 'staging: service added: inventory']);
  });

  it('a removed service is flagged in every stack', () => {
    const head = synthExample({ spec: (s) => void (s.services = s.services.filter((x) => x.name !== 'catalog')) });
    expect(risksOf(head)).toEqual(['local: service removed: catalog', 'local-jaeger: service removed: catalog', 'prod: service removed: catalog', 'prod-peak: service removed: catalog', 'staging: service removed: catalog']);
  });

  it('a shortened tracing retention is flagged with Tempo’s values, and every changed lifecycle expiration with its rule', () => {
    // staging inherits the base 14d; prod lengthens its own 30d, which changes its lifecycle but shortens nothing
    const head = synthExample({
      spec: (s) => {
        s.tracing!.retention = '7d';
        s.environments!.prod.tracing!.retention = '45d';
      },
    });
    expect(risksOf(head)).toEqual([
      'staging: tracing retention shortened: 336h → 168h',
      'prod: lifecycle expiration changed: aws_s3_bucket_lifecycle_configuration.traces_lifecycle_520026DC rule expiration-backstop: expiration[0].days 37 → 52',
      'staging: lifecycle expiration changed: aws_s3_bucket_lifecycle_configuration.traces_lifecycle_520026DC rule expiration-backstop: expiration[0].days 21 → 14',
    ]);
  });

  it('a shortened metrics retention is flagged from Prometheus’s --storage.tsdb.retention.time on Docker and on ECS', () => {
    // prod sets its own metrics retention; the synth writes 7d as 1w (the SLO window shrinks with it: it must fit)
    const head = synthExample({ spec: (s) => void ((s.metrics!.retention = '7d'), ((s as { slo: unknown }).slo = { window: '7d' })) });
    expect(risksOf(head)).toEqual(['local: metrics retention shortened: 4w → 1w', 'local-jaeger: metrics retention shortened: 4w → 1w', 'staging: metrics retention shortened: 4w → 1w']);
  });

  it("a shortened logs retention is flagged with Loki's values, and the logs bucket's lifecycle with it", () => {
    // local sets its own 2d, prod its own 30d: local-jaeger and staging inherit the base 7d
    const head = synthExample({ spec: (s) => void (s.logs!.retention = '3d') });
    expect(risksOf(head)).toEqual([
      'local-jaeger: logs retention shortened: 168h → 72h',
      'staging: logs retention shortened: 168h → 72h',
      'staging: lifecycle expiration changed: aws_s3_bucket_lifecycle_configuration.logs_lifecycle_D0C871FB rule expiration-backstop: expiration[0].days 14 → 10',
    ]);
  });

  it("a collector config that drops its logs pipeline is flagged: the services' logs then reach nothing", () => {
    const pairs = new Map([['otel-collector.yaml', { base: { service: { pipelines: { traces: { receivers: ['otlp'] }, logs: { receivers: ['otlp'], exporters: ['otlp_http/loki'] } } } }, head: { service: { pipelines: { traces: { receivers: ['otlp'] } } } } }]]);
    expect(configRisks('local', pairs as never).map((r) => r.line)).toEqual(["local: logs pipeline removed: otel-collector.yaml service.pipelines.logs no longer takes the services' OTLP logs"]);
    expect(configRisks('local', new Map([['loki.yaml', { base: {}, head: undefined }]]) as never).map((r) => r.line)).toEqual(['local: logs pipeline removed: Loki is gone from the stack, with the logs it stored']);
  });

  it("a lowered SLO objective and a removed SLO's alerts are flagged in every stack", () => {
    const head = synthExample({
      spec: (s) => {
        const checkout = s.services.find((x) => x.name === 'checkout')!;
        (checkout as { slos: unknown }).slos = [{ name: 'availability', objective: 99.5 }, { name: 'latency', objective: 99, threshold: '300ms' }];
        delete (s.services.find((x) => x.name === 'cart') as { slos?: unknown }).slos;
      },
    });
    const stacks = ['local', 'local-jaeger', 'prod', 'prod-peak', 'staging'];
    expect(risksOf(head).sort()).toEqual([
      ...stacks.map((st) => `${st}: SLO objective lowered: checkout availability 99.9% → 99.5%`),
      ...stacks.flatMap((st) => [
        `${st}: alert removed: prometheus/rules/slos.yml SLOBurnRatePage service=cart slo=availability severity=page`,
        `${st}: alert removed: prometheus/rules/slos.yml SLOBurnRateTicket service=cart slo=availability severity=ticket`,
      ]),
    ].sort());
  });

  it('SLO rules shared by every service are read per SLO, also against the older file of one group per SLO', () => {
    const shared = (objectives: string) => ({
      groups: [
        {
          name: 'slos',
          rules: [
            { record: 'slo:objective:ratio', expr: objectives, labels: { slo: 'availability' } },
            { alert: 'SLOBurnRatePage', expr: 'slo:sli_error:ratio_rate1h > on (service, slo) (13.44 * slo:error_budget:ratio)', labels: { severity: 'page' } },
          ],
        },
      ],
    });
    const perSlo = (service: string, objective: number) => ({
      name: `slo-${service}-availability`,
      rules: [
        { record: 'slo:objective:ratio', expr: `vector(${objective})`, labels: { service, slo: 'availability' } },
        { alert: 'SLOBurnRatePage', expr: '…', labels: { severity: 'page', service, slo: 'availability' } },
      ],
    });
    const both = 'label_replace(vector(0.995), "service", "cart", "", "") or label_replace(vector(0.999), "service", "checkout", "", "")';
    const lines = (base: unknown, head: unknown) => configRisks('local', new Map([['prometheus/rules/slos.yml', { base, head }]]) as never).map((r) => r.line);
    expect(lines({ groups: [perSlo('cart', 0.995), perSlo('checkout', 0.999)] }, shared(both))).toEqual([]);
    expect(lines(shared(both), shared('label_replace(vector(0.99), "service", "checkout", "", "")'))).toEqual([
      'local: alert removed: prometheus/rules/slos.yml SLOBurnRatePage service=cart slo=availability severity=page',
      'local: SLO objective lowered: checkout availability 99.9% → 99%',
    ]);
  });

  it("a removed receiver and a page routed elsewhere are flagged from Alertmanager's config", () => {
    // prod (and prod-peak, which shares the base alerting) drop PagerDuty: pages go to the Slack channel (the other environments have receivers of their own)
    const head = synthExample({
      spec: (s) => void ((s as { alerting: unknown }).alerting = { receivers: [{ name: 'sre-channel', slack: { channel: '#sre-alerts', webhookUrlSecret: 'slack-webhook-url' } }], route: { page: 'sre-channel', ticket: 'sre-channel' } }),
    });
    expect(risksOf(head)).toEqual([
      // the replaced block has no heartbeat either: the dead man's switch goes too
      'prod: alert receiver removed: heartbeat (webhook)',
      'prod: alert receiver removed: oncall (pagerduty)',
      'prod: alerts with severity=page now go to sre-channel (were oncall)',
      'prod-peak: alert receiver removed: heartbeat (webhook)',
      'prod-peak: alert receiver removed: oncall (pagerduty)',
      'prod-peak: alerts with severity=page now go to sre-channel (were oncall)',
    ]);
  });

  it('a receiver that stops notifying one integration, and alerts left unrouted, are flagged', () => {
    const head = synthExample({
      spec: (s) => void ((s.environments!.staging as { alerting: unknown }).alerting = { receivers: [{ name: 'sre-channel', webhook: { url: 'https://relay.example/alerts' } }], route: { ticket: 'sre-channel' } }),
    });
    expect(risksOf(head)).toEqual(['staging: alert receiver removed: heartbeat (webhook)', 'staging: alert receiver sre-channel no longer notifies slack', 'staging: alerts with severity=page now go to unrouted (were sre-channel)']);
  });

  it('a lengthened retention raises no retention flag', () => {
    const head = synthExample({ spec: (s) => void (s.metrics!.retention = '35d') });
    expect(risksOf(head)).toEqual([]);
  });

  it('a changed tail-sampling percentage is read from the collector config (processors.tail_sampling, probabilistic policy)', () => {
    const head = synthExample({ spec: (s) => void (s.environments!.prod.tracing!.tailSampling!.ratio = 0.05) });
    expect(risksOf(head)).toEqual(['prod: tail sampling percentage changed: otel-collector.yaml policy keep-ratio: 10% → 5%']);
  });

  it('a changed number of samplers is flagged: trace ids are re-mapped, traces in flight decided in parts', () => {
    const head = synthExample({ spec: (s) => void ((s.environments!.prod.tracing!.tailSampling as { samplers?: number }).samplers = 3) });
    // scaling out: the samplers' new roles and paths, tail sampling moved (same 10 %, no flag), its alert now the samplers'
    expect(risksOf(head)).toEqual([
      'prod: IAM widened: aws_iam_role.otel-sampler_execution-role_66837FCC (new): actions + sts:AssumeRole; principals + Service:ecs-tasks.amazonaws.com',
      'prod: IAM widened: aws_iam_role.otel-sampler_task-role_DEE870E5 (new): actions + sts:AssumeRole; principals + Service:ecs-tasks.amazonaws.com',
      'prod: IAM widened: aws_iam_role_policy.otel-sampler_execution-role_policy_1B33AF96 (new): actions + logs:CreateLogStream, logs:PutLogEvents; resources + ${aws_cloudwatch_log_group.otel-sampler_logs_7FD45280.arn}:*',
      'prod: IAM widened: aws_iam_role_policy.otel-sampler_task-role_policy_E6730F44 (new): actions + kms:Decrypt, s3:GetObject, s3:GetObjectVersion; resources + ${aws_s3_bucket.config_bucket_492FA8B0.arn}/otel-sampler.yaml, arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-86ef-1234567890ab',
      'prod: IAM widened: aws_kms_grant.otel-sampler_config-key-grant_92444952 (new): actions + kms:Decrypt; resources + arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-86ef-1234567890ab; principals + ${aws_iam_role.otel-sampler_task-role_DEE870E5.arn}',
      'prod: port opened: aws_vpc_security_group_ingress_rule.security-groups_otel-sampler-ingress-4317-otel-collector_A6EA320A allows tcp 4317 from aws_security_group.security-groups_otel-collector_0C43A7BB',
      'prod: port opened: aws_vpc_security_group_ingress_rule.security-groups_otel-sampler-ingress-8888-prometheus_F15F5A65 allows tcp 8888 from aws_security_group.security-groups_prometheus_2768D6C6',
      'prod: port opened: aws_vpc_security_group_ingress_rule.security-groups_prometheus-ingress-9090-otel-sampler_BD83C3A1 allows tcp 9090 from aws_security_group.security-groups_otel-sampler_4FBBC6B6',
      'prod: port opened: aws_vpc_security_group_ingress_rule.security-groups_tempo-ingress-4317-otel-sampler_6DD7F3DA allows tcp 4317 from aws_security_group.security-groups_otel-sampler_4FBBC6B6',
      'prod: alert removed: prometheus/rules/stack.yml CollectorTracesDecidedTooEarly component=otel-collector severity=ticket',
      'prod: tail-sampling collectors 1 → 3: trace ids are re-mapped to samplers, so traces in flight during the deploy are decided in parts (about one decision wait)',
    ]);
    const more = synthExample({ spec: (s) => void ((s.environments!.prod.tracing!.tailSampling as { samplers?: number }).samplers = 4) });
    expect(risksOf(more, head)).toEqual(['prod: tail-sampling collectors 3 → 4: trace ids are re-mapped to samplers, so traces in flight during the deploy are decided in parts (about one decision wait)']);
  });
});

describe('risk flags from changes to the stack inputs (stacks/stacks.ts)', () => {
  it("a KMS key widens Tempo's and Loki's task roles and adds their KMS grants (IAM widened), changes the buckets' encryption, and replaces Prometheus's file system", () => {
    const head = synthExample({ define: exampleStacksWith({ staging: { kmsKeyArn: KMS_KEY } }) });
    // every task decrypts its config (the config bucket is SSE-KMS too), Grafana's execution role its secret
    const configReaders: [component: string, grant: string, role: string][] = [
      ['alertmanager', 'DDCDFBB4', '8FB3EC25'],
      ['grafana', '90A40D01', 'C0115733'],
      ['loki', '65F49468', '1207BE56'],
      ['otel-collector', '620CFF44', 'F7754ADD'],
      ['prometheus', '160508E9', '9BE09D09'],
      ['tempo', 'D20F42CF', '1E7583C3'],
    ];
    expect(risksOf(head).sort()).toEqual([
      ...['alertmanager_task-role_policy_5E58D019', 'grafana_execution-role_policy_192C1828', 'grafana_task-role_policy_107C0B69', 'otel-collector_task-role_policy_C454F928', 'prometheus_task-role_policy_F15F1738'].map(
        (p) => `staging: IAM widened: aws_iam_role_policy.${p}: actions + kms:Decrypt; resources + ${KMS_KEY}`,
      ),
      ...configReaders.map(([c, grant, role]) => `staging: IAM widened: aws_kms_grant.${c}_config-key-grant_${grant} (new): actions + kms:Decrypt; resources + ${KMS_KEY}; principals + \${aws_iam_role.${c}_task-role_${role}.arn}`),
      `staging: IAM widened: aws_kms_grant.grafana_secret-key-grant-0_grant_EE607DEF (new): actions + kms:Decrypt; resources + ${KMS_KEY}; principals + \${aws_iam_role.grafana_execution-role_324D1A5B.arn}`,
      `staging: bucket encryption changed: aws_s3_bucket_server_side_encryption_configuration.config_encryption_57BE8351: AES256 → aws:kms, key ${KMS_KEY}, bucket key`,
      `staging: resource replaced: aws_efs_file_system.prometheus-storage_file-system_95012D66: kms_key_id (none) → ${KMS_KEY} (forces a new resource)`,
      'staging: stateful resource replaced: aws_efs_file_system.prometheus-storage_file-system_95012D66: the new one starts empty',
      `staging: IAM widened: aws_iam_role_policy.loki_task-role_policy_93905D52: actions + kms:Decrypt, kms:GenerateDataKey; resources + ${KMS_KEY}`,
      `staging: IAM widened: aws_kms_grant.loki-key-grant_BC443459 (new): actions + kms:Decrypt, kms:GenerateDataKey; resources + ${KMS_KEY}; principals + \${aws_iam_role.loki_task-role_1207BE56.arn}`,
      `staging: bucket encryption changed: aws_s3_bucket_server_side_encryption_configuration.logs_encryption_22B51FEE: AES256 → aws:kms, key ${KMS_KEY}, bucket key`,
      `staging: IAM widened: aws_iam_role_policy.tempo_task-role_policy_4BA2618B: actions + kms:Decrypt, kms:GenerateDataKey; resources + ${KMS_KEY}`,
      `staging: IAM widened: aws_kms_grant.tempo-key-grant_1835B398 (new): actions + kms:Decrypt, kms:GenerateDataKey; resources + ${KMS_KEY}; principals + \${aws_iam_role.tempo_task-role_1E7583C3.arn}`,
      `staging: bucket encryption changed: aws_s3_bucket_server_side_encryption_configuration.traces_encryption_4DDD6E9D: AES256 → aws:kms, key ${KMS_KEY}, bucket key`,
    ].sort());
  });

  it('new CIDR ranges for OTLP and Grafana open ports through security group ingress rules', () => {
    const head = synthExample({ define: exampleStacksWith({ staging: { otlpAllowedCidrs: ['10.0.0.0/8'], grafanaAllowedCidrs: ['10.100.0.0/16', '192.168.0.0/16'] } }) });
    expect(risksOf(head)).toEqual([
      'staging: port opened: aws_vpc_security_group_ingress_rule.security-groups_grafana-lb-ingress-443-192-168-0-0-16_8CB5D9BE allows tcp 443 from 192.168.0.0/16',
      // staging's OTLP entry point is its tail-sampling collector
      'staging: port opened: aws_vpc_security_group_ingress_rule.security-groups_otel-collector-ingress-4317-10-0-0-0-8_90DA5E85 allows tcp 4317 from 10.0.0.0/8',
      'staging: port opened: aws_vpc_security_group_ingress_rule.security-groups_otel-collector-ingress-4318-10-0-0-0-8_A93908BE allows tcp 4318 from 10.0.0.0/8',
    ]);
  });

  it('switching local from Tempo to Jaeger opens Jaeger’s ports (manifest and Docker) and drops the Tempo exemplar link', () => {
    const head = synthExample({ define: exampleStacksWith({ localTraceBackend: 'jaeger' }) });
    expect(risksOf(head)).toEqual([
      // Tempo's traces live in its volume: switching the backend deletes them
      'local: stateful resource removed: docker_volume.tempo-tempo-data: Terraform deletes it and what it stores',
      // OTLP goes through the collector in both: only the UI is new on the host
      'local: port opened: component jaeger port 16686 (ui, audience humans)',
      'local: port opened: docker_container.jaeger publishes 127.0.0.1:16686/tcp',
      // the span metrics now come from the collector: SpanMetricsMissing moves to its component
      'local: alert removed: prometheus/rules/stack.yml SpanMetricsMissing component=tempo severity=page',
      // Tempo's own alerts go with Tempo
      'local: alert removed: prometheus/rules/stack.yml TempoBackendJobsFailing component=tempo severity=ticket',
      'local: alert removed: prometheus/rules/stack.yml TempoBlocklistPollsFailing component=tempo severity=page',
      'local: alert removed: prometheus/rules/stack.yml TempoDiscardingSpans component=tempo severity=ticket',
      'local: alert removed: prometheus/rules/stack.yml TempoGeneratorCollectionsFailing component=tempo severity=ticket',
      'local: alert removed: prometheus/rules/stack.yml TempoGeneratorRemoteWriteFailing component=tempo severity=ticket',
      'local: alert removed: prometheus/rules/stack.yml TempoRetentionFailing component=tempo severity=ticket',
      'local: exemplars turned off: grafana/datasources.yaml datasource Prometheus: exemplar link traceID removed',
    ]);
  });

  it('a stack left out is "removed", and one new in the head is "added"', () => {
    const fewer = synthExample({ define: exampleStacksWith({ without: ['local-jaeger'] }) });
    expect(risksOf(fewer)).toEqual(['local-jaeger: stack removed']);
    expect(risksOf(base, fewer)).toEqual(['local-jaeger: stack added']);
  });

  it('a bumped pinned image is flagged per container, with both versions', () => {
    const pinned = IMAGES.prometheus;
    let head: string;
    try {
      // what a pull request bumping IMAGES.prometheus in src/spec/defaults.ts synthesizes
      (IMAGES as Record<string, unknown>).prometheus = { repository: 'prom/prometheus', tag: 'v3.17.0' };
      head = synthExample();
    } finally {
      (IMAGES as Record<string, unknown>).prometheus = pinned;
    }
    expect(risksOf(head)).toEqual([
      // the one-shot container handing the collector's queue volume to its user runs Prometheus's image
      'local: image changed: docker_container.otel-collector-volume-owner: prom/prometheus:v3.16.0 → prom/prometheus:v3.17.0',
      'local: image changed: docker_container.prometheus: prom/prometheus:v3.16.0 → prom/prometheus:v3.17.0',
      'local-jaeger: image changed: docker_container.otel-collector-volume-owner: prom/prometheus:v3.16.0 → prom/prometheus:v3.17.0',
      'local-jaeger: image changed: docker_container.prometheus: prom/prometheus:v3.16.0 → prom/prometheus:v3.17.0',
      'prod: image changed: aws_ecs_task_definition.prometheus_task_A942EAE0 container prometheus: prom/prometheus:v3.16.0 → prom/prometheus:v3.17.0',
      'prod-peak: image changed: aws_ecs_task_definition.prometheus_task_A942EAE0 container prometheus: prom/prometheus:v3.16.0 → prom/prometheus:v3.17.0',
      'staging: image changed: aws_ecs_task_definition.prometheus_task_A942EAE0 container prometheus: prom/prometheus:v3.16.0 → prom/prometheus:v3.17.0',
    ]);
  });

  it("an ECR pull-through cache for staging's images is an image source change per container, not a version bump, and each execution role may pull exactly its images", () => {
    const head = synthExample({ define: exampleStacksWith({ staging: { images: { registry: ECR_CACHE } } }) });
    const repo = (path: string): string => `arn:aws:ecr:eu-west-1:123456789012:repository/docker-hub/${path}`;
    const pull = (role: string, ...paths: string[]): string =>
      `staging: IAM widened: aws_iam_role_policy.${role}: actions + ecr:BatchGetImage, ecr:GetAuthorizationToken, ecr:GetDownloadUrlForLayer; resources + *, ${paths.map(repo).join(', ')}`;
    const moved = (task: string, container: string, from: string, dockerHub: string): string =>
      `staging: image source changed: aws_ecs_task_definition.${task} container ${container}: ${from} → ${ECR_CACHE}/${dockerHub} (registry and repository changed)`;
    const cli = (task: string): string => moved(task, 'config', 'public.ecr.aws/aws-cli/aws-cli:2.31.39', 'amazon/aws-cli:2.31.39');
    expect(risksOf(head)).toEqual([
      // the token has no resource-level permission; the layers only from each task's own repositories
      pull('alertmanager_execution-role_policy_856FF30B', 'amazon/aws-cli', 'prom/alertmanager'),
      pull('grafana_execution-role_policy_192C1828', 'amazon/aws-cli', 'grafana/grafana'),
      pull('loki_execution-role_policy_979826D7', 'amazon/aws-cli', 'grafana/loki'),
      pull('otel-collector_execution-role_policy_2E2C55B7', 'amazon/aws-cli', 'library/busybox', 'otel/opentelemetry-collector-contrib'),
      pull('prometheus_execution-role_policy_92D320ED', 'amazon/aws-cli', 'prom/prometheus'),
      pull('tempo_execution-role_policy_6275BB60', 'amazon/aws-cli', 'grafana/tempo'),
      moved('alertmanager_task_3E32F40C', 'alertmanager', 'prom/alertmanager:v0.35.0', 'prom/alertmanager:v0.35.0'),
      cli('alertmanager_task_3E32F40C'),
      cli('grafana_task_40091CF1'),
      moved('grafana_task_40091CF1', 'grafana', 'grafana/grafana:13.2.3', 'grafana/grafana:13.2.3'),
      cli('loki_task_8DA64B70'),
      moved('loki_task_8DA64B70', 'loki', 'grafana/loki:3.7.6', 'grafana/loki:3.7.6'),
      cli('otel-collector_task_E879863E'),
      // the health probe is ECR Public's copy of Docker Hub's official busybox: library/ behind the cache
      moved('otel-collector_task_E879863E', 'otel-collector-health', 'public.ecr.aws/docker/library/busybox:1.37.0', 'library/busybox:1.37.0'),
      moved('otel-collector_task_E879863E', 'otel-collector', 'otel/opentelemetry-collector-contrib:0.159.0', 'otel/opentelemetry-collector-contrib:0.159.0'),
      cli('prometheus_task_A942EAE0'),
      moved('prometheus_task_A942EAE0', 'prometheus', 'prom/prometheus:v3.16.0', 'prom/prometheus:v3.16.0'),
      cli('tempo_task_EDECD3E8'),
      moved('tempo_task_EDECD3E8', 'tempo', 'grafana/tempo:3.0.3', 'grafana/tempo:3.0.3'),
    ]);
  });

  it('a digest replaced under the same tag and a dropped digest are image source changes; a new tag with its new digest is a version bump', () => {
    const pinned = synthExample({
      define: exampleStacksWith({
        local: { images: { components: { grafana: `grafana/grafana:13.2.3@${digest('1')}`, prometheus: `prom/prometheus:v3.16.0@${digest('2')}`, loki: `grafana/loki:3.7.6@${digest('3')}` } } },
      }),
    });
    const head = synthExample({
      define: exampleStacksWith({
        local: { images: { components: { grafana: `grafana/grafana:13.2.3@${digest('4')}`, prometheus: 'prom/prometheus:v3.16.0', loki: `grafana/loki:3.7.7@${digest('5')}` } } },
      }),
    });
    expect(risksOf(head, pinned)).toEqual([
      `local: image source changed: docker_container.grafana: grafana/grafana:13.2.3@${digest('1')} → grafana/grafana:13.2.3@${digest('4')} (digest replaced, same tag 13.2.3)`,
      `local: image source changed: docker_container.otel-collector-volume-owner: prom/prometheus:v3.16.0@${digest('2')} → prom/prometheus:v3.16.0 (digest dropped)`,
      `local: image source changed: docker_container.prometheus: prom/prometheus:v3.16.0@${digest('2')} → prom/prometheus:v3.16.0 (digest dropped)`,
      `local: image changed: docker_container.loki: grafana/loki:3.7.6@${digest('3')} → grafana/loki:3.7.7@${digest('5')}`,
    ]);
  });

  it('an image source change is told from a version bump by registry, repository and digest (the rule on its own)', () => {
    expect(imageSourceChange('prom/prometheus:v3.16.0', 'prom/prometheus:v3.17.0')).toBeUndefined();
    expect(imageSourceChange('prom/prometheus:v3.16.0', `prom/prometheus:v3.16.0@${digest('a')}`)).toBeUndefined();
    expect(imageSourceChange('prom/prometheus:v3.16.0', 'docker.io/prom/prometheus:v3.16.0')).toBeUndefined();
    expect(imageSourceChange(`${ECR_CACHE}/prom/prometheus:v3.16.0`, 'harbor.example.com/docker-hub/prom/prometheus:v3.16.0')).toBe('registry changed');
    expect(imageSourceChange('prom/prometheus:v3.16.0', 'bitnami/prometheus:v3.16.0')).toBe('repository changed');
    expect(imageSourceChange(`prom/prometheus@${digest('a')}`, `prom/prometheus@${digest('b')}`)).toBe('digest replaced');
    expect(imageSourceChange(`prom/prometheus:v3.16.0@${digest('a')}`, 'registry.example.com/prom/prometheus:v3.16.0')).toBe('registry changed, digest dropped');
  });
});

describe('risk flags no input can produce (head: a real synth output with one documented edit)', () => {
  it('edited: public access block settings turned off in staging’s traces bucket', () => {
    const head = editedCopy(base, (dir) =>
      editTerraform(dir, 'staging', (tf) => {
        const [, block] = resourceNamed(tf, 'aws_s3_bucket_public_access_block', 'traces_public-access');
        block.block_public_policy = false;
        block.restrict_public_buckets = false;
      }),
    );
    expect(risksOf(head)).toEqual(['staging: public access block changed: aws_s3_bucket_public_access_block.traces_public-access_F0FC5DC9: block_public_policy true → false, restrict_public_buckets true → false']);
  });

  it('edited: public access block and default encryption of staging’s traces bucket removed', () => {
    const head = editedCopy(base, (dir) =>
      editTerraform(dir, 'staging', (tf) => {
        delete tf.resource.aws_s3_bucket_public_access_block[resourceNamed(tf, 'aws_s3_bucket_public_access_block', 'traces_public-access')[0]];
        delete tf.resource.aws_s3_bucket_server_side_encryption_configuration[resourceNamed(tf, 'aws_s3_bucket_server_side_encryption_configuration', 'traces_encryption')[0]];
      }),
    );
    expect(risksOf(head)).toEqual([
      'staging: public access block removed: aws_s3_bucket_public_access_block.traces_public-access_F0FC5DC9',
      'staging: bucket encryption removed: aws_s3_bucket_server_side_encryption_configuration.traces_encryption_4DDD6E9D',
    ]);
  });

  it('edited: a wildcard action and resource in a role policy, and a bucket policy’s Deny statement removed', () => {
    const head = editedCopy(base, (dir) =>
      editTerraform(dir, 'staging', (tf) => {
        const [, role] = resourceNamed(tf, 'aws_iam_role_policy', 'tempo_task-role_policy');
        const doc = JSON.parse(role.policy as string) as { Statement: { Sid: string; Action: unknown; Resource: unknown }[] };
        const list = doc.Statement.find((s) => s.Sid === 'TempoListBlocks')!;
        list.Action = ['s3:*'];
        list.Resource = '*';
        role.policy = JSON.stringify(doc);
        const [, bucket] = resourceNamed(tf, 'aws_s3_bucket_policy', 'traces_policy');
        const bucketDoc = JSON.parse(bucket.policy as string) as { Statement: { Sid: string }[] };
        bucketDoc.Statement = bucketDoc.Statement.filter((s) => s.Sid !== 'DenyInsecureTransport');
        bucket.policy = JSON.stringify(bucketDoc);
      }),
    );
    expect(risksOf(head)).toEqual([
      'staging: IAM widened: aws_iam_role_policy.tempo_task-role_policy_4BA2618B: actions + s3:*; resources + *',
      'staging: IAM widened: aws_s3_bucket_policy.traces_policy_635FA830: deny removed DenyInsecureTransport',
    ]);
  });

  it('edited: Prometheus’s exemplar storage and remote-write receiver flags dropped (Docker), exemplar storage dropped (ECS)', () => {
    const head = editedCopy(base, (dir) => {
      editTerraform(dir, 'local', (tf) => {
        const prometheus = tf.resource.docker_container.prometheus;
        prometheus.command = (prometheus.command as string[]).filter((a) => a !== '--enable-feature=exemplar-storage' && a !== '--web.enable-remote-write-receiver');
      });
      editTerraform(dir, 'prod', (tf) => {
        const [, task] = resourceNamed(tf, 'aws_ecs_task_definition', 'prometheus_task');
        task.container_definitions = (task.container_definitions as string).replace('--enable-feature=exemplar-storage', '--enable-feature=native-histograms');
      });
    });
    expect(risksOf(head)).toEqual([
      'local: exemplars turned off: docker_container.prometheus no longer has --enable-feature=exemplar-storage',
      'prod: exemplars turned off: aws_ecs_task_definition.prometheus_task_A942EAE0 container prometheus no longer has --enable-feature=exemplar-storage',
      'local: remote-write receiver turned off: docker_container.prometheus no longer has --web.enable-remote-write-receiver',
    ]);
  });

  it('edited: Tempo’s metrics-generator no longer sends exemplars (send_exemplars in config/tempo.yaml)', () => {
    const head = editedCopy(base, (dir) => editFile(dir, 'stacks/local/config/tempo.yaml', (t) => t.replace('send_exemplars: true', 'send_exemplars: false')));
    expect(risksOf(head)).toEqual(['local: exemplars turned off: tempo.yaml metrics_generator.storage.remote_write[0].send_exemplars true → false']);
  });

  it('edited: the collector’s span metrics no longer carry exemplars (connectors.span_metrics.exemplars.enabled)', () => {
    const head = editedCopy(base, (dir) => editFile(dir, 'stacks/prod/config/otel-collector.yaml', (t) => t.replace(/(exemplars:\n\s+enabled:) true/, '$1 false')));
    expect(risksOf(head)).toEqual(['prod: exemplars turned off: otel-collector.yaml connectors.span_metrics.exemplars.enabled true → false']);
  });

  it('edited: a service’s sampler changed from the ratio sampler to always_on (config/otel/<service>.env)', () => {
    const head = editedCopy(base, (dir) =>
      editFile(dir, 'stacks/local/config/otel/cart.env', (t) => t.replace('OTEL_TRACES_SAMPLER=parentbased_traceidratio', 'OTEL_TRACES_SAMPLER=always_on').replace(/^OTEL_TRACES_SAMPLER_ARG=.*\n/m, '')),
    );
    expect(risksOf(head)).toEqual(['local: sampler changed: cart parentbased_traceidratio → always_on', 'local: sampling ratio changed: cart 1 → (none)']);
  });
});

describe('risk flags for data loss, replacement and the state backend', () => {
  it("renaming staging's traces bucket replaces it: the data goes with it", () => {
    const head = synthExample({ define: exampleStacksWith({ staging: { tracesBucket: 'shop-staging-traces-v2' } }) });
    const lines = risksOf(head).filter((l) => l.startsWith('staging: ') && /replaced/.test(l) && /traces_bucket/.test(l));
    expect(lines).toEqual([
      expect.stringMatching(/^staging: stateful resource replaced: aws_s3_bucket\.traces_bucket_[0-9A-F]{8}: the new one starts empty$/),
      expect.stringMatching(/^staging: resource replaced: aws_s3_bucket\.traces_bucket_[0-9A-F]{8}: bucket shop-staging-tempo-traces → shop-staging-traces-v2 \(forces a new resource\)$/),
    ]);
  });

  it("switching Prometheus's EFS to maxIO (a hand edit of the output) replaces the file system", () => {
    const head = editedCopy(base, (dir) => editTerraform(dir, 'prod', (tf) => void (resourceNamed(tf, 'aws_efs_file_system', 'prometheus-storage_file-system')[1].performance_mode = 'maxIO')));
    expect(risksOf(head)).toEqual([
      expect.stringMatching(/^prod: stateful resource replaced: aws_efs_file_system\.prometheus-storage_file-system_[0-9A-F]{8}: the new one starts empty$/),
      expect.stringMatching(/^prod: resource replaced: aws_efs_file_system\.prometheus-storage_file-system_[0-9A-F]{8}: performance_mode generalPurpose → maxIO \(forces a new resource\)$/),
    ]);
  });

  it('a changed state key is flagged: Terraform would start from an empty state', () => {
    const head = synthExample({ define: exampleStacksWith({ staging: { state: { bucket: 'shop-terraform-state', key: 'elsewhere.tfstate' } } }) });
    expect(risksOf(head).filter((l) => l.includes('state backend'))).toEqual([
      'staging: state backend changed: s3.key o11y/shop/staging.tfstate → elsewhere.tfstate: Terraform would start from an empty state and orphan the old one',
    ]);
  });

  it('a removed stateful resource is data loss (a hand edit dropping the config bucket)', () => {
    const head = editedCopy(base, (dir) => editTerraform(dir, 'prod', (tf) => {
      const [name] = resourceNamed(tf, 'aws_s3_bucket', 'config_bucket');
      delete (tf.resource as Record<string, Record<string, unknown>>).aws_s3_bucket[name];
    }));
    expect(risksOf(head).filter((l) => l.includes('stateful'))).toEqual([expect.stringMatching(/^prod: stateful resource removed: aws_s3_bucket\.config_bucket_[0-9A-F]{8}: Terraform deletes it and what it stores$/)]);
  });
});

describe('risk flag for Grafana without TLS', () => {
  it('turning grafanaPlainHttp on removes the HTTPS listener, and says what that exposes', () => {
    const head = synthExample({ define: exampleStacksWith({ staging: { grafanaCertificateArn: undefined, grafanaPlainHttp: true } }) });
    expect(risksOf(head).filter((l) => l.includes('HTTPS listener'))).toEqual([
      expect.stringMatching(/^staging: HTTPS listener removed: aws_lb_listener\.grafana-lb_https_[0-9A-F]{8}: Grafana's password and session cookie would cross the network in clear \(grafanaPlainHttp\)$/),
    ]);
  });
});

describe("risk flags on the generated Grafana admin password (grafanaAdminPasswordRotatedOn, o11y review's secret age)", () => {
  const SECRET = 'o11y/shop/staging/grafana-admin-password';
  const ROTATED = `staging: secret rotated: ${SECRET}: rotated on 2026-12-01 → 2027-01-15: a new password, and ECS replaces the tasks that read it (Grafana: everyone logs in again with the new one)`;
  let rotated: string;
  beforeAll(() => {
    rotated = synthExample({ define: exampleStacksWith({ staging: { grafanaAdminPasswordRotatedOn: '2027-01-15' } }) });
  });
  const linesWith = (head: string, today: string, maxAgeDays = 90): string[] => riskLines(reviewDirs(base, head, { secretAge: { today, maxAgeDays } }));

  it('a new rotation date is the only flag: the password keeper changes, the task reads the secret by its (new) version id', () => {
    expect(risksOf(rotated)).toEqual([ROTATED]);
    // what makes the rotation reach Grafana: the container reads exactly the secret version Terraform wrote
    const tf = JSON.parse(readFileSync(join(rotated, 'stacks/staging/cdk.tf.json'), 'utf8')) as TerraformTree;
    const [, taskDef] = resourceNamed(tf, 'aws_ecs_task_definition', 'grafana');
    const containers = JSON.parse(taskDef.container_definitions as string) as { name: string; secrets?: { valueFrom: string }[] }[];
    expect(containers.find((c) => c.name === 'grafana')?.secrets).toEqual([
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.grafana-admin-password_secret_[0-9A-F]{8}\.arn\}:::\$\{aws_secretsmanager_secret_version\.grafana-admin-password_version_[0-9A-F]{8}\.version_id\}$/) },
    ]);
  });

  it('a date older than --max-secret-age is flagged in every changed stack that carries it; 90 days old is not, 91 days is', () => {
    expect(linesWith(rotated, '2027-04-15')).toEqual([ROTATED]); // 2027-01-15 + 90 days
    expect(linesWith(rotated, '2027-04-16')).toEqual([
      `staging: secret not rotated for 91 days: ${SECRET}: last rotated 2027-01-15, more than 90 days before 2027-04-16: set grafanaAdminPasswordRotatedOn to today's date to rotate it`,
      ROTATED,
    ]);
    expect(linesWith(rotated, '2027-04-16', 91)).toEqual([ROTATED]);
    // prod and prod-peak did not change: their passwords' ages are not this change's business
    expect(linesWith(rotated, '2030-01-01').filter((l) => !l.startsWith('staging: '))).toEqual([]);
  });

  it('removing the date is flagged as a rotation, and with a policy the age becomes unknown', () => {
    const undated = synthExample({ define: exampleStacksWith({ staging: { grafanaAdminPasswordRotatedOn: undefined } }) });
    expect(linesWith(undated, '2026-12-08')).toEqual([
      `staging: secret age unknown: ${SECRET}: no rotation date (grafanaAdminPasswordRotatedOn): set it to today's date to rotate the password and start its clock`,
      `staging: secret rotated: ${SECRET}: rotated on 2026-12-01 → (no date): a new password, and ECS replaces the tasks that read it (Grafana: everyone logs in again with the new one)`,
    ]);
  });

  it('an added stack carries its age flags too; the local stacks (no Secrets Manager) never do', () => {
    const withoutStaging = synthExample({ define: exampleStacksWith({ without: ['staging', 'local'] }) });
    const lines = riskLines(reviewDirs(withoutStaging, base, { secretAge: { today: '2027-06-01', maxAgeDays: 90 } }));
    expect(lines.filter((l) => /secret/.test(l))).toEqual([
      `staging: secret not rotated for 182 days: ${SECRET}: last rotated 2026-12-01, more than 90 days before 2027-06-01: set grafanaAdminPasswordRotatedOn to today's date to rotate it`,
    ]);
  });
});
