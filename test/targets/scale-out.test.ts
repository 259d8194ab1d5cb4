/**
 * Beyond one collector: at 600 000 spans/s (or when the spec asks for samplers) the collector
 * becomes a stateless load-balancing tier routing every span of a trace, by trace id, to one of
 * several tail-sampling collectors, and Tempo runs distributed. Synthesized from the example app with prod's load raised,
 * and with samplers asked for on the laptop stack; the checks' exact messages on broken edits.
 */
import { parse } from 'yaml';
import { checkTailSampling } from '../../src/checks/sampling';
import type { StackPlan } from '../../src/components/plan';
import { formatIssue } from '../../src/spec/issues';
import type { ObservabilitySpec } from '../../src/spec/types';
import { examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { exampleApp, removeTempDirs, synthJson } from '../support/synth';

function scaledSpec(): ObservabilitySpec {
  const s = exampleSpec() as { environments: Record<string, { tracing?: { tailSampling?: Record<string, unknown> } }> };
  s.environments.prod.tracing!.tailSampling!.expectedSpansPerSecond = 600_000;
  s.environments.local.tracing = { ...s.environments.local.tracing, tailSampling: { samplers: 3, ratio: 0.25 } };
  return s as unknown as ObservabilitySpec;
}

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const yamlOf = (plan: StackPlan, file: string) => parse(renderedFile(plan, file)) as Yaml;

describe('prod at 600 000 spans/s', () => {
  const plan = examplePlan('prod', scaledSpec());

  it('runs a load-balancing tier in front of 8 samplers (one per 80 000 spans/s), each sized for its share', () => {
    expect(plan.spec.tracing.tailSampling?.samplers).toBe(8);
    const sampler = plan.components.find((c) => c.name === 'otel-sampler')!;
    expect(sampler.replicas).toBe(8);
    // 75 000 spans/s × 10 s: 4 vCPU and the memory the sizing formula gives for that share
    expect(sampler.resources).toEqual({ cpu: 4096, memoryMiB: 10240 });
    const gateway = plan.components.find((c) => c.name === 'otel-collector')!;
    expect(gateway.replicas).toBeUndefined();
    expect(gateway.resources).toEqual({ cpu: 1024, memoryMiB: 2048 });
    // 600 000 spans/s at 20 000 per vCPU: up to 30 one-vCPU gateways, never fewer than 2
    expect(gateway.autoscale).toEqual({ min: 2, max: 30, targetCpuPercent: 60 });
  });

  it('routes traces by trace id to every sampler behind their Cloud Map name, and nothing else from the gateway', () => {
    const gw = yamlOf(plan, 'otel-collector.yaml');
    expect(gw.exporters.load_balancing).toEqual({
      routing_key: 'traceID',
      protocol: { otlp: { tls: { insecure: true } } },
      resolver: { dns: { hostname: 'otel-sampler.shop-prod.o11y.internal', port: '4317', interval: '5s', timeout: '1s' } },
      timeout: '10s',
      // its queue on the task's storage, as every exporter's with one
      sending_queue: { storage: 'file_storage/queue' },
    });
    expect(gw.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter'], exporters: ['load_balancing'] });
    expect(gw.processors).not.toHaveProperty('tail_sampling');
    expect(gw).not.toHaveProperty('connectors');
    // the services' metrics and logs still go straight to their stores
    expect(Object.keys(gw.service.pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
  });

  it('samples and counts in the samplers, each writing its span metrics under its own instance', () => {
    const s = yamlOf(plan, 'otel-sampler.yaml');
    expect(Object.keys(s.service.pipelines).sort()).toEqual(['metrics/spans', 'traces/all', 'traces/sampled']);
    expect(s.service.pipelines['traces/sampled'].processors).toEqual(['memory_limiter', 'tail_sampling']);
    expect(s.service.pipelines['metrics/spans'].processors).toEqual(['resource/sampler-instance']);
    expect(s.processors['resource/sampler-instance']).toEqual({ attributes: [{ key: 'service.instance.id', value: '${env:HOSTNAME}', action: 'upsert' }] });
    expect(s.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' } });
    // 75 000 spans/s × 10 s × 2
    expect(s.processors.tail_sampling.num_traces).toBe(1_500_000);
  });

  it('scrapes every sampler task through its Cloud Map name', () => {
    const prom = yamlOf(plan, 'prometheus.yml');
    expect(prom.scrape_configs.find((j: Yaml) => j.job_name === 'otel-sampler')).toEqual({ job_name: 'otel-sampler', dns_sd_configs: [{ names: ['otel-sampler.shop-prod.o11y.internal'], type: 'A', port: 8888 }] });
  });

});

describe('the prod stack at 600 000 spans/s, synthesized', () => {
  let json: Yaml;
  beforeAll(() => {
    const example = exampleApp({ spec: () => scaledSpec() });
    json = synthJson(example.stacks.get('prod')!) as Yaml;
  });
  afterAll(removeTempDirs);
  const byName = (type: string, part: string) => Object.entries(json.resource[type] as Record<string, Yaml>).filter(([k]) => k.includes(part)).map(([, v]) => v);

  it('runs Tempo distributed on Amazon MSK: 60 000 spans/s reach Tempo, past one monolith (test/targets/tempo-distributed.test.ts has the details)', () => {
    expect(Object.keys(json.resource.aws_msk_cluster as Record<string, Yaml>)).toHaveLength(1);
    const names = Object.values(json.resource.aws_ecs_service as Record<string, Yaml>).map((s) => String(s.name)).filter((n) => n.startsWith('tempo')).sort();
    expect(names).toEqual(['tempo-backend-scheduler', 'tempo-backend-worker', 'tempo-block-builder-0', 'tempo-block-builder-1', 'tempo-block-builder-2', 'tempo-distributor', 'tempo-live-store-0', 'tempo-live-store-1', 'tempo-live-store-2', 'tempo-querier', 'tempo-query-frontend']);
  });

  it('runs the samplers as one fixed-size ECS service of 8 tasks, registered in Cloud Map', () => {
    const [svc] = byName('aws_ecs_service', 'otel-sampler');
    expect(svc).toMatchObject({ name: 'otel-sampler', desired_count: 8, deployment_minimum_healthy_percent: 100, deployment_maximum_percent: 200 });
    expect(svc.service_registries.registry_arn).toMatch(/aws_service_discovery_service\.discovery_otel-sampler/);
  });

  it('scales the gateway on CPU from 2 to 30 tasks, Terraform leaving the count to auto scaling', () => {
    const [svc] = byName('aws_ecs_service', 'otel-collector');
    expect(svc.desired_count).toBe(2);
    expect(svc.lifecycle).toEqual({ ignore_changes: ['desired_count'] });
    const [target] = Object.values(json.resource.aws_appautoscaling_target as Record<string, Yaml>);
    expect(target).toMatchObject({ min_capacity: 2, max_capacity: 30, scalable_dimension: 'ecs:service:DesiredCount', service_namespace: 'ecs' });
    const [policy] = Object.values(json.resource.aws_appautoscaling_policy as Record<string, Yaml>);
    expect(policy.target_tracking_scaling_policy_configuration).toEqual({ target_value: 60, predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' }, scale_out_cooldown: 60, scale_in_cooldown: 300 });
  });

  it("opens the samplers' OTLP/gRPC to the gateway only, and their metrics port to Prometheus", () => {
    const ingress = Object.values(json.resource.aws_vpc_security_group_ingress_rule as Record<string, Yaml>).filter((r) => String(r.security_group_id).includes('otel-sampler'));
    expect(ingress.map((r) => [r.from_port, String(r.referenced_security_group_id ?? r.cidr_ipv4).replace(/^.*security-groups_([a-z-]+)_.*$/, '$1')]).sort()).toEqual([
      [4317, 'otel-collector'],
      [8888, 'prometheus'],
    ].sort());
    // and the samplers call out only to Tempo's distributors (OTLP), Prometheus (remote write) and HTTPS for images and AWS APIs
    const egress = Object.values(json.resource.aws_vpc_security_group_egress_rule as Record<string, Yaml>).filter((r) => String(r.security_group_id).includes('otel-sampler'));
    expect(egress.map((r) => [r.from_port, String(r.referenced_security_group_id ?? r.cidr_ipv4).replace(/^.*security-groups_([a-z-]+)_.*$/, '$1')]).sort()).toEqual([
      [4317, 'tempo-distributor'],
      [9090, 'prometheus'],
      [443, '0.0.0.0/0'],
    ].sort());
  });
});

describe('samplers asked for on the laptop (local, samplers: 3)', () => {
  const plan = examplePlan('local', scaledSpec());

  it('names each sampler apart for Prometheus, and all of them `otel-sampler` for the gateway', () => {
    const prom = yamlOf(plan, 'prometheus.yml');
    expect(prom.scrape_configs.find((j: Yaml) => j.job_name === 'otel-sampler').static_configs).toEqual([{ targets: ['otel-sampler-0:8888', 'otel-sampler-1:8888', 'otel-sampler-2:8888'] }]);
    expect(yamlOf(plan, 'otel-collector.yaml').exporters.load_balancing.resolver.dns.hostname).toBe('otel-sampler');
  });
});

describe('the routing checks', () => {
  const plan = examplePlan('prod', scaledSpec());
  const edited = (edit: (gw: Yaml) => void): StackPlan => {
    const gw = yamlOf(plan, 'otel-collector.yaml');
    edit(gw);
    const { stringify } = require('yaml') as typeof import('yaml');
    return { ...plan, files: plan.files.map((f) => (f.output === 'otel-collector.yaml' ? { ...f, content: stringify(gw) } : f)) };
  };

  it('refuses a gateway that routes by service: each sampler would decide on part of a trace', () => {
    expect(checkTailSampling(edited((gw) => void (gw.exporters.load_balancing.routing_key = 'service'))).map(formatIssue)).toEqual([
      'otel-collector.yaml: exporters.load_balancing.routing_key: must be traceID: every span of a trace must reach the same sampler, or each decides on part of it (got "service")',
    ]);
  });

  it('refuses a gateway that resolves something else, or that sends traces past the samplers', () => {
    expect(
      checkTailSampling(
        edited((gw) => {
          gw.exporters.load_balancing.resolver.dns.hostname = 'tempo.shop-prod.o11y.internal';
          gw.service.pipelines.traces.exporters = ['load_balancing', 'otlp_grpc/traces'];
        }),
      ).map(formatIssue),
    ).toEqual([
      'otel-collector.yaml: service.pipelines.traces.exporters: must be the load_balancing exporter alone: the samplers behind this collector decide on whole traces (got ["load_balancing","otlp_grpc/traces"])',
      'otel-collector.yaml: exporters.load_balancing.resolver.dns: must resolve the samplers (otel-sampler.shop-prod.o11y.internal:4317) (got "tempo.shop-prod.o11y.internal:4317")',
    ]);
  });
});
