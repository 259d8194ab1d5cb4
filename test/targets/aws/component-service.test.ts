import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { sha256 } from '../../../src/targets/aws/config-delivery';
import { AwsObservabilityStack } from '../../../src/targets/aws/aws-stack';
import { IMAGES } from '../../../src/spec/defaults';
import type { ObservabilitySpec } from '../../../src/spec/types';
import { dockerPlan, exampleSpec } from '../../support/plans';
import { makeTempDir, removeTempDirs, resourcesOf, stringsIn, synthJson, TerraformJson, terraformLiteral } from '../../support/synth';
import { buildAws, BuiltAws, containers, prodInputs, ref, resourceAt } from './helpers';

let prod: BuiltAws;
let staging: BuiltAws;
let outdir: string;
beforeAll(() => {
  outdir = makeTempDir('aws-disk');
  const app = Testing.app({ outdir });
  const stack = new AwsObservabilityStack(app, 'prod', { spec: exampleSpec(), ...prodInputs() });
  prod = { stack, json: synthJson(stack) };
  app.synth();
  staging = buildAws('staging');
});
afterAll(removeTempDirs);

const COMPONENTS = ['tempo', 'prometheus', 'grafana'] as const;
const onDisk = (output: string) => readFileSync(join(outdir, 'stacks', 'prod', 'config', output), 'utf8');
const hashOf = (b: BuiltAws, c: string) => containers(b.json, c).find((d) => d.name === c)!.environment!.find((e) => e.name === 'CONFIG_SHA256')!.value;

describe('config delivery', () => {
  test('every rendered config of a component is an object in the config bucket, byte-identical to config/ on disk', () => {
    const objects = Object.values(resourcesOf(prod.json, 'aws_s3_object'));
    const componentFiles = prod.stack.plan.components.flatMap((c) => c.files.map((f) => f.output)).sort();
    expect(objects.map((o) => o.key).sort()).toEqual(componentFiles);
    for (const o of objects) expect({ key: o.key, content: terraformLiteral(o.content as string) }).toEqual({ key: o.key, content: onDisk(o.key as string) });
  });

  test('the init container fetches each file by its object version, checks its sha256, and the component starts only after it succeeded', () => {
    for (const c of prod.stack.plan.components) {
      const [init, main] = containers(prod.json, c.name);
      expect(init).toMatchObject({ name: 'config', essential: false, entryPoint: ['/bin/sh', '-c'] });
      expect(init.image).toMatch(/^public\.ecr\.aws\/aws-cli\/aws-cli:\d+\.\d+\.\d+$/);
      expect(main.dependsOn).toEqual([{ containerName: 'config', condition: 'SUCCESS' }]);
      const script = init.command![0];
      expect(script.split('\n')[0]).toBe('set -eu');
      for (const f of c.files) {
        expect(script).toContain(`--key '${f.output}' --version-id '`);
        // the hash the task checks is the hash of the file a reviewer reads in config/
        expect(script).toContain(`echo '${sha256(onDisk(f.output))}  `);
      }
      // each file lands in a volume the main container mounts read-only at the file's directory
      const mounted = main.mountPoints!.filter((m) => m.readOnly).map((m) => m.containerPath);
      for (const f of c.files) expect(mounted).toContain(f.mountPath.slice(0, f.mountPath.lastIndexOf('/')));
    }
  });

  test("a changed config changes the task definition (CONFIG_SHA256), and only that component's", () => {
    const spec = exampleSpec();
    const changed: ObservabilitySpec = { ...spec, metrics: { ...spec.metrics, scrapeInterval: '30s' } };
    const other = buildAws('staging', undefined, changed);
    const before = Object.fromEntries(COMPONENTS.map((c) => [c, resourceAt(staging.json, 'aws_ecs_task_definition', `${c}/task`).container_definitions]));
    const after = Object.fromEntries(COMPONENTS.map((c) => [c, resourceAt(other.json, 'aws_ecs_task_definition', `${c}/task`).container_definitions]));
    expect(hashOf(other, 'prometheus')).not.toBe(hashOf(staging, 'prometheus'));
    expect(after.prometheus).not.toBe(before.prometheus);
    expect(after.tempo).toBe(before.tempo);
    expect(hashOf(other, 'tempo')).toBe(hashOf(staging, 'tempo'));
  });
});

describe('the Fargate services', () => {
  test("run each descriptor's pinned image, args, ports and health check", () => {
    for (const c of prod.stack.plan.components) {
      const main = containers(prod.json, c.name).find((d) => d.name === c.name)!;
      // the samplers run the collector's image
      const pinned = IMAGES[c.name === 'otel-sampler' ? 'otel-collector' : c.name.startsWith('tempo-') ? 'tempo' : (c.name as Exclude<typeof c.name, `tempo-${string}`>)];
      expect(main.image).toBe(`${pinned.repository}:${pinned.tag}`);
      expect(main.image).not.toMatch(/:latest$/);
      expect(main.command).toEqual([...c.args]);
      expect(main.portMappings!.map((p) => p.containerPort)).toEqual(c.ports.map((p) => p.port));
      const hc = c.healthcheck;
      expect(main.healthCheck).toEqual(
        hc ? { command: [...hc.test], interval: hc.intervalSeconds, timeout: hc.timeoutSeconds, retries: hc.retries, startPeriod: hc.startPeriodSeconds } : undefined,
      );
    }
  });

  test('are sized from the descriptors, unless overridden', () => {
    for (const c of staging.stack.plan.components) {
      expect(resourceAt(staging.json, 'aws_ecs_task_definition', `${c.name}/task`)).toMatchObject({ cpu: String(c.resources.cpu), memory: String(c.resources.memoryMiB) });
    }
    expect(resourceAt(prod.json, 'aws_ecs_task_definition', 'prometheus/task')).toMatchObject({ cpu: '1024', memory: '4096' });
  });

  test('log to their own log group with a retention, and register their discovery name', () => {
    for (const c of COMPONENTS) {
      expect(resourceAt(prod.json, 'aws_cloudwatch_log_group', `${c}/logs`)).toMatchObject({ name: `/ecs/shop-prod-o11y/${c}`, retention_in_days: 30 });
      const service = resourceAt(prod.json, 'aws_ecs_service', `${c}/service`);
      expect(service).toMatchObject({ launch_type: 'FARGATE', desired_count: 1, network_configuration: { assign_public_ip: false, subnets: prodInputs().privateSubnetIds } });
      expect(service.service_registries).toEqual({ registry_arn: ref(prod.json, 'aws_service_discovery_service', `discovery/${c}`, 'arn') });
      expect(resourceAt(prod.json, 'aws_service_discovery_service', `discovery/${c}`).name).toBe(c);
    }
    expect(Object.values(resourcesOf(prod.json, 'aws_service_discovery_private_dns_namespace')).map((n) => [n.name, n.vpc])).toEqual([['shop-prod.o11y.internal', prodInputs().vpcId]]);
  });

  test('keep Prometheus on EFS (TLS, IAM, access point) with exemplar storage, remote write and the spec retention, one writer at a time', () => {
    const task = resourceAt(prod.json, 'aws_ecs_task_definition', 'prometheus/task');
    const data = (task.volume as Record<string, unknown>[]).find((v) => v.name === 'prometheus-data')!;
    expect(data.efs_volume_configuration).toEqual({
      file_system_id: ref(prod.json, 'aws_efs_file_system', 'prometheus-storage/file-system', 'id'),
      transit_encryption: 'ENABLED',
      authorization_config: { access_point_id: ref(prod.json, 'aws_efs_access_point', 'prometheus-storage/access-point', 'id'), iam: 'ENABLED' },
    });
    expect(resourceAt(prod.json, 'aws_efs_file_system', 'prometheus-storage/file-system')).toMatchObject({ encrypted: true, throughput_mode: 'elastic' });
    const args = containers(prod.json, 'prometheus').find((d) => d.name === 'prometheus')!.command!;
    expect(args).toEqual(expect.arrayContaining(['--enable-feature=exemplar-storage', '--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=30d']));
    expect(resourceAt(prod.json, 'aws_ecs_service', 'prometheus/service')).toMatchObject({ deployment_minimum_healthy_percent: 0, deployment_maximum_percent: 100 });
  });
});

describe('the collector on AWS', () => {
  test('rolls without cutting OTLP ingestion: the new task starts before the old one stops', () => {
    expect(resourceAt(prod.json, 'aws_ecs_service', 'otel-collector/service')).toMatchObject({ deployment_minimum_healthy_percent: 100, deployment_maximum_percent: 200 });
  });

  test("restarts in its task after a crash or an OOM kill, its persistent queue on the task's storage, handed to uid 10001 before it starts", () => {
    const [init, main] = containers(prod.json, 'otel-collector') as unknown as Record<string, unknown>[];
    expect(main.restartPolicy).toEqual({ enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60 });
    expect(main.mountPoints).toContainEqual({ sourceVolume: 'collector-queue', containerPath: '/var/lib/otelcol/file_storage', readOnly: false });
    // task storage (no EFS): it stays while the task does, across in-task restarts
    expect(resourceAt(prod.json, 'aws_ecs_task_definition', 'otel-collector/task').volume).toContainEqual({ name: 'collector-queue' });
    expect(String((init.command as string[])[0])).toContain("chown 10001 '");
    expect(init.mountPoints).toContainEqual(expect.objectContaining({ sourceVolume: 'collector-queue', readOnly: false }));
    // nothing else restarts in place: a crashed Loki or Tempo is a replaced task
    for (const c of prod.stack.plan.components.filter((x) => x.name !== 'otel-collector')) {
      expect([c.name, (containers(prod.json, c.name)[1] as unknown as Record<string, unknown>).restartPolicy]).toEqual([c.name, undefined]);
    }
  });
});

describe('stopping on AWS', () => {
  test("every component's container waits its stop timeout after SIGTERM (Fargate's default is 30 s): Loki, Tempo and Prometheus the longest Fargate allows", () => {
    const got = Object.fromEntries(prod.stack.plan.components.map((c) => [c.name, (containers(prod.json, c.name).find((d) => d.name === c.name) as unknown as Record<string, unknown>).stopTimeout]));
    expect(got).toEqual({ tempo: 120, 'otel-collector': 30, prometheus: 120, loki: 120, alertmanager: 30, grafana: 30 });
  });
});

describe('Grafana on AWS', () => {
  test('gets its admin password from Secrets Manager, never as a literal, by the version Terraform wrote (a rotation rolls the task)', () => {
    const main = containers(prod.json, 'grafana').find((d) => d.name === 'grafana')!;
    const arn = ref(prod.json, 'aws_secretsmanager_secret', 'grafana-admin-password/secret', 'arn');
    const version = ref(prod.json, 'aws_secretsmanager_secret_version', 'grafana-admin-password/version', 'version_id');
    expect(main.secrets).toEqual([{ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: `${arn}:::${version}` }]);
    // the rotation date is the password's keeper: a new date, a new password
    expect(resourceAt(prod.json, 'random_password', 'grafana-admin-password').keepers).toEqual({ rotated_on: '2026-12-01' });
    expect(main.environment!.map((e) => e.name)).not.toContain('GF_SECURITY_ADMIN_PASSWORD');
    expect(resourceAt(prod.json, 'aws_secretsmanager_secret_version', 'grafana-admin-password/version').secret_string).toBe(ref(prod.json, 'random_password', 'grafana-admin-password', 'result'));
    // the only place the generated value is referenced is the secret version
    const refs = [...stringsIn(prod.json)].filter(([, v]) => v.includes('random_password.')).map(([p]) => p);
    expect(refs).toEqual([expect.stringMatching(/^resource\.aws_secretsmanager_secret_version\.[^.]+\.secret_string$/)]);
    expect(resourcesOf(prod.json, 'aws_secretsmanager_secret_version')).not.toHaveProperty('secret_string_wo');
  });

  test('has no anonymous access, and reads the only secret it needs through its execution role', () => {
    const env = Object.fromEntries(containers(prod.json, 'grafana').find((d) => d.name === 'grafana')!.environment!.map((e) => [e.name, e.value]));
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(env).not.toHaveProperty('GF_AUTH_ANONYMOUS_ORG_ROLE');
    const exec = JSON.parse(resourceAt(prod.json, 'aws_iam_role_policy', 'grafana/execution-role/policy').policy as string) as { Statement: { Action: string[]; Resource: string[] }[] };
    expect(exec.Statement.find((s) => s.Action.includes('secretsmanager:GetSecretValue'))!.Resource).toEqual([ref(prod.json, 'aws_secretsmanager_secret', 'grafana-admin-password/secret', 'arn')]);
  });

  test('provisions its datasources with the same uids as the local stack', () => {
    const uids = (yaml: string) => [...yaml.matchAll(/^\s+uid: (\S+)$/gm)].map((m) => m[1]).sort();
    const local = dockerPlan(exampleSpec(), 'local', 'tempo').files.find((f) => f.output === 'grafana/datasources.yaml')!.content;
    expect(uids(onDisk('grafana/datasources.yaml'))).toEqual(uids(local));
    expect(uids(local).length).toBeGreaterThan(0);
  });
});

describe('the outputs', () => {
  test('list every OTEL parameter, the OTLP endpoints and where Grafana is', () => {
    const outputs = prod.json.output as Record<string, { value: unknown }>;
    expect(Object.keys((outputs['otel-env-parameters'].value as Record<string, string>)).sort()).toEqual(prod.stack.plan.spec.services.map((s) => s.name).sort());
    expect(outputs['otlp-endpoints'].value).toEqual({ grpc: 'http://otel-collector.shop-prod.o11y.internal:4317', 'http/protobuf': 'http://otel-collector.shop-prod.o11y.internal:4318' });
    expect(outputs['grafana-url'].value).toBe('https://grafana.shop-prod.example.internal');
  });
});

describe('data safety on AWS', () => {
  const lifecycleOf = (json: TerraformJson, type: string, path: string) => (resourceAt(json, type, path) as { lifecycle?: { prevent_destroy?: boolean } }).lifecycle;

  test('the traces bucket, the config bucket and Prometheus\'s file system refuse destroy and replacement by default', () => {
    expect(lifecycleOf(prod.json, 'aws_s3_bucket', 'traces/bucket')).toEqual({ prevent_destroy: true });
    expect(lifecycleOf(prod.json, 'aws_s3_bucket', 'config/bucket')).toEqual({ prevent_destroy: true });
    expect(lifecycleOf(prod.json, 'aws_efs_file_system', 'prometheus-storage/file-system')).toEqual({ prevent_destroy: true });
  });

  test("Prometheus's file system is backed up", () => {
    expect(resourceAt(prod.json, 'aws_efs_backup_policy', 'prometheus-storage/backup')).toMatchObject({ backup_policy: { status: 'ENABLED' } });
  });

  test('protectData: false lifts the protection, for tearing an environment down on purpose', () => {
    const open = buildAws('prod', prodInputs({ protectData: false }));
    expect(lifecycleOf(open.json, 'aws_s3_bucket', 'traces/bucket')).toBeUndefined();
    expect(lifecycleOf(open.json, 'aws_efs_file_system', 'prometheus-storage/file-system')).toBeUndefined();
  });
});

describe('the collector health check on AWS', () => {
  test('is an essential busybox sidecar probing the health_check extension the collector image cannot probe itself', () => {
    const defs = containers(prod.json, 'otel-collector');
    expect(defs.map((d) => d.name)).toEqual(['config', 'otel-collector', 'otel-collector-health']);
    const probe = defs.find((d) => d.name === 'otel-collector-health')! as unknown as Record<string, unknown>;
    expect(probe).toMatchObject({
      image: 'public.ecr.aws/docker/library/busybox:1.37.0',
      essential: true,
      healthCheck: { command: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:13133/'] },
      dependsOn: [{ containerName: 'otel-collector', condition: 'START' }],
    });
    const collector = parse(prod.stack.plan.files.find((f) => f.output === 'otel-collector.yaml')!.content) as { extensions: { health_check: { endpoint: string } } };
    expect(collector.extensions.health_check.endpoint).toBe('0.0.0.0:13133');
  });
});

describe('Grafana on AWS over TLS', () => {
  test('sits behind an internal HTTPS load balancer with the certificate and a TLS 1.2+ policy, forwarding to its tasks', () => {
    expect(resourceAt(prod.json, 'aws_lb', 'grafana-lb')).toMatchObject({ internal: true, load_balancer_type: 'application', drop_invalid_header_fields: true });
    expect(resourceAt(prod.json, 'aws_lb_listener', 'grafana-lb/https')).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: prodInputs().grafanaCertificateArn,
    });
    expect(resourceAt(prod.json, 'aws_lb_target_group', 'grafana-lb/targets')).toMatchObject({ port: 3000, protocol: 'HTTP', target_type: 'ip', health_check: { path: '/api/health' } });
    expect(resourceAt(prod.json, 'aws_ecs_service', 'grafana/service')).toMatchObject({ load_balancer: [{ container_name: 'grafana', container_port: 3000 }] });
  });

  test('marks its cookies Secure and knows its https URL', () => {
    const env = Object.fromEntries(containers(prod.json, 'grafana').find((d) => d.name === 'grafana')!.environment!.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ GF_SECURITY_COOKIE_SECURE: 'true', GF_SERVER_ROOT_URL: 'https://grafana.shop-prod.example.internal/' });
  });

  test('without a certificate the stack is refused, unless plain HTTP is asked for explicitly', () => {
    const { grafanaCertificateArn: _c, grafanaDomainName: _d, ...noCert } = prodInputs();
    expect(() => buildAws('prod', noCert)).toThrow(/grafanaCertificateArn: is required: Grafana on AWS is served over HTTPS by an internal load balancer/);
    const plain = buildAws('prod', { ...noCert, grafanaPlainHttp: true });
    expect(Object.keys(resourcesOf(plain.json, 'aws_lb'))).toEqual([]);
    expect((plain.json.output as Record<string, { value: unknown }>)['grafana-url'].value).toBe('http://grafana.shop-prod.o11y.internal:3000');
  });
});
