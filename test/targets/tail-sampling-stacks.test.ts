/**
 * The tail-sampling collector as the targets place it: a Docker container (local with Tempo,
 * local-jaeger with Jaeger, both with `tailSampling: {}` in the spec), a service in the compose
 * export, and an ECS service on AWS (the example's prod), with the network opened exactly for
 * the paths the collector sits on. Sizes are worked out by hand from the documented formula.
 */
import { parse } from 'yaml';
import { checkDashboardMetrics, dashboardQueries } from '../../src/checks/dashboard-metrics';
import { collectorSizing } from '../../src/components/otel-collector';
import type { StackPlan } from '../../src/components/plan';
import { renderCompose } from '../../src/render/compose';
import { IMAGES } from '../../src/spec/defaults';
import { formatIssue } from '../../src/spec/issues';
import { exampleSpec } from '../support/plans';
import { exampleApp, ExampleStackId, removeTempDirs, resourcesOf, StackOutput, synthJson, synthToDisk, terraformLiteral, TerraformJson } from '../support/synth';
import { withTailSampling } from '../support/tail-sampling';
import { buildAws, containers, prodInputs, ref, resourceAt } from './aws/helpers';

type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The pinned image (a bump is a reviewed change in src/spec/defaults.ts); checked below to be a fixed release. */
const COLLECTOR_IMAGE = `${IMAGES['otel-collector'].repository}:${IMAGES['otel-collector'].tag}`;
const COLLECTOR_CONFIG = '/etc/otelcol-contrib/config.yaml';

let plans: Map<ExampleStackId, StackPlan>;
let json: Map<ExampleStackId, TerraformJson>;
let disk: Map<ExampleStackId, StackOutput>;

beforeAll(() => {
  // the example app with tail sampling turned on in both Docker stacks, as a user would
  const example = exampleApp({ spec: (s) => withTailSampling(withTailSampling(s, 'local'), 'local-jaeger') });
  plans = new Map([...example.stacks].map(([id, stack]) => [id, stack.plan]));
  json = new Map([...example.stacks].map(([id, stack]) => [id, synthJson(stack)]));
  disk = synthToDisk(example);
});
afterAll(removeTempDirs);

const container = (id: ExampleStackId, name: string): Tree => {
  const hits = Object.values(resourcesOf(json.get(id)!, 'docker_container')).filter((c) => c.name === `shop-${id}-${name}`);
  if (hits.length !== 1) throw new Error(`${hits.length} containers named shop-${id}-${name}`);
  return hits[0] as Tree;
};

/** The image name a container's `image` reference resolves to. */
const imageOf = (id: ExampleStackId, c: Tree): string => {
  const m = /^\$\{docker_image\.([^.]+)\.image_id\}$/.exec(String(c.image));
  if (!m) throw new Error(`container image is not a docker_image reference: ${String(c.image)}`);
  return String(resourcesOf(json.get(id)!, 'docker_image')[m[1]].name);
};

const publishedPorts = (c: Tree): number[] => ((c.ports ?? []) as Tree[]).map((p) => Number(p.external)).sort((a, b) => a - b);

describe.each(['local', 'local-jaeger'] as const)('the %s Docker stack with tail sampling on', (id) => {
  it('runs the collector from the pinned contrib image', () => {
    const c = container(id, 'otel-collector');
    expect(imageOf(id, c)).toBe(COLLECTOR_IMAGE);
    // a release tag (no `latest`, no digest-less floating tag like `0.160`) of the contrib distribution
    expect(COLLECTOR_IMAGE).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    expect(c.command).toEqual([`--config=${COLLECTOR_CONFIG}`]);
  });

  it("limits the container's memory to the collector's sizing (memory_limiter takes its percentages of that limit)", () => {
    const c = container(id, 'otel-collector');
    const tail = plans.get(id)!.spec.tracing.tailSampling!;
    // 1000 spans/s × 10 s buffered: (64 MiB + 10 000 × 8 KiB) / 0.6 = 237 MiB → Fargate's 512 CPU / 1024 MiB
    expect(c.memory).toBe(1024);
    expect(c.memory).toBe(collectorSizing(tail).memoryMiB);
    const cfg = parse(terraformLiteral(String(((c.upload as Tree[]).find((u) => u.file === COLLECTOR_CONFIG) ?? {}).content))) as Tree;
    expect(cfg.processors.memory_limiter.limit_percentage).toBeGreaterThan(0);
  });

  it('has a Docker health check run by the installed probe binary: the image is built from scratch, with nothing to run one', () => {
    expect((container(id, 'otel-collector').healthcheck as Tree).test).toEqual(['CMD', '/o11y-probe/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:13133/']);
  });

  it('uploads exactly the rendered otel-collector.yaml, and writes it to config/otel-collector.yaml', () => {
    const rendered = plans.get(id)!.files.find((f) => f.output === 'otel-collector.yaml')!.content;
    const uploads = (container(id, 'otel-collector').upload as Tree[]).map((u) => ({ file: u.file, content: terraformLiteral(String(u.content)) }));
    expect(uploads).toEqual([{ file: COLLECTOR_CONFIG, content: rendered }]);
    expect(disk.get(id)!.config.get('otel-collector.yaml')).toBe(rendered);
  });

  it("publishes the collector's OTLP ports on loopback, and none of the trace store's", () => {
    const c = container(id, 'otel-collector');
    expect((c.ports as Tree[]).map((p) => [p.ip, p.internal, p.external])).toEqual([
      ['127.0.0.1', 4317, 4317],
      ['127.0.0.1', 4318, 4318],
    ]);
    const store = container(id, id === 'local' ? 'tempo' : 'jaeger');
    expect(publishedPorts(store).filter((p) => p === 4317 || p === 4318)).toEqual([]);
    // every other container publishes neither
    for (const other of Object.values(resourcesOf(json.get(id)!, 'docker_container')) as Tree[]) {
      if (other.name !== `shop-${id}-otel-collector`) expect(publishedPorts(other).filter((p) => p === 4317 || p === 4318)).toEqual([]);
    }
  });

  it("hands every service the collector's address in its OTEL env", () => {
    const endpoints = plans.get(id)!.serviceEnvs.map((e) => [e.env.OTEL_EXPORTER_OTLP_PROTOCOL, e.env.OTEL_EXPORTER_OTLP_ENDPOINT]);
    expect(endpoints).toEqual([
      ['grpc', 'http://localhost:4317'],
      ['http/protobuf', 'http://localhost:4318'],
      ['grpc', 'http://localhost:4317'],
      ['http/protobuf', 'http://localhost:4318'],
    ]);
  });
});

describe('the local-jaeger stack with tail sampling on', () => {
  it('sends the sampled traces to Jaeger (jaeger:4317), span metrics to Prometheus', () => {
    const cfg = parse(disk.get('local-jaeger')!.config.get('otel-collector.yaml')!) as Tree;
    const traceExporters = Object.entries(cfg.exporters as Tree).filter(([k]) => k.split('/')[0] === 'otlp_grpc');
    expect(traceExporters.map(([, e]) => e.endpoint)).toEqual(['jaeger:4317']);
    expect(cfg.exporters.prometheus_remote_write.http.endpoint).toBe('http://prometheus:9090/api/v1/write');
  });

  it("gets the span-metrics dashboards, querying the collector's names (service_name, duration_seconds)", () => {
    const plan = plans.get('local-jaeger')!;
    const dashboards = plan.files.filter((f) => f.output.startsWith('grafana/dashboards/') && f.output.endsWith('.json'));
    expect(dashboards.map((f) => f.output)).toContain('grafana/dashboards/o11y-service-overview.json');
    const exprs = dashboards.flatMap((f) => dashboardQueries(JSON.parse(f.content), f.output)).filter((q) => q.kind === 'promql').map((q) => q.expr);
    const spanQueries = exprs.filter((e) => e.includes('traces_spanmetrics_'));
    expect(spanQueries.some((e) => e.includes('traces_spanmetrics_duration_seconds_bucket'))).toBe(true);
    expect(spanQueries.some((e) => e.includes('traces_spanmetrics_calls_total'))).toBe(true);
    // Tempo's names and label would find nothing in this Prometheus
    expect(spanQueries.filter((e) => /traces_spanmetrics_latency|\bservice\s*(=|!=|=~|,|\))/.test(e))).toEqual([]);
    // every query that selects or groups (not the bare metric name of a label_values variable) uses service_name
    const selecting = spanQueries.filter((e) => /[{(]/.test(e));
    expect(selecting.length).toBeGreaterThan(0);
    expect(selecting.filter((e) => !e.includes('service_name'))).toEqual([]);
    const overview = JSON.parse(dashboards.find((f) => f.output === 'grafana/dashboards/o11y-service-overview.json')!.content) as Tree;
    const variable = (overview.templating.list as Tree[]).find((v) => v.name === 'service')!;
    expect(JSON.stringify(variable.query)).toContain('label_values(traces_spanmetrics_calls_total, service_name)');
    expect(checkDashboardMetrics(plan).map(formatIssue)).toEqual([]);
  });

  it('has the overview dashboard without tail sampling too: the collector every stack runs computes the span metrics', () => {
    const plain = exampleApp().stacks.get('local-jaeger')!.plan;
    expect(plain.files.map((f) => f.output)).toContain('grafana/dashboards/o11y-service-overview.json');
    expect(plain.spec.tracing.tailSampling).toBeUndefined();
  });
});

describe('the compose export of the local stack with tail sampling on', () => {
  const compose = (plan: StackPlan): Tree => parse(renderCompose(plan, 'shop-local')) as Tree;

  it('runs the collector with mem_limit at its sizing, the installed probe as its health check, after the probe is installed and the trace store, Prometheus and Loki are healthy', () => {
    const services = compose(plans.get('local')!).services;
    const svc = services['otel-collector'];
    expect(svc).toMatchObject({ image: COLLECTOR_IMAGE, mem_limit: '1024m', ports: ['127.0.0.1:4317:4317', '127.0.0.1:4318:4318'], volumes: ['collector-queue:/var/lib/otelcol/file_storage', 'health-probe:/o11y-probe:ro'] });
    // the contrib image has no shell and no wget: the static busybox copied into the volume probes its health_check extension
    expect(svc.healthcheck).toMatchObject({ test: ['CMD', '/o11y-probe/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:13133/'] });
    expect(services['health-probe-install']).toEqual({ image: 'busybox:1.37.0-musl', command: ['sh', '-c', 'cp /bin/busybox /o11y-probe/.busybox.new && mv -f /o11y-probe/.busybox.new /o11y-probe/busybox'], restart: 'no', volumes: ['health-probe:/o11y-probe'] });
    expect(svc.depends_on).toEqual({ 'health-probe-install': { condition: 'service_completed_successfully' }, tempo: { condition: 'service_healthy' }, prometheus: { condition: 'service_healthy' }, loki: { condition: 'service_healthy' },
      // hands the persistent queue's volume to the collector's user first
      'otel-collector-volume-owner': { condition: 'service_completed_successfully' },
    });
    expect(svc.stop_grace_period).toBe('30s');
    // Tempo's OTLP stays inside the network (behind the collector); only its query API is published
    expect(compose(plans.get('local')!).services.tempo.ports).toEqual(['127.0.0.1:3200:3200']);
  });

  it('makes a service that depends on the collector wait for it to be healthy', () => {
    const local = plans.get('local')!;
    const plan: StackPlan = { ...local, components: local.components.map((c) => (c.name === 'grafana' ? { ...c, dependsOn: [...c.dependsOn, 'otel-collector'] } : c)) };
    const services = compose(plan).services as Record<string, Tree>;
    const waits = Object.entries(services).flatMap(([name, s]) => Object.entries((s.depends_on ?? {}) as Record<string, Tree>).filter(([d]) => d === 'otel-collector').map(([, v]) => [name, v.condition]));
    expect(waits).toEqual([['grafana', 'service_healthy']]);
  });
});

describe('the prod stack on AWS', () => {
  const prod = () => ({ json: json.get('prod')!, plan: plans.get('prod')! });
  const sg = (group: string) => ref(prod().json, 'aws_security_group', `security-groups/${group}`, 'id');

  interface Rule {
    readonly sg: string;
    readonly port: number;
    readonly peer: string;
  }
  const rules = (type: 'aws_vpc_security_group_ingress_rule' | 'aws_vpc_security_group_egress_rule'): Rule[] =>
    Object.values(resourcesOf(prod().json, type)).map((r) => ({ sg: String(r.security_group_id), port: Number(r.from_port), peer: String(r.cidr_ipv4 ?? r.referenced_security_group_id) }));

  it('runs the collector as an ECS service sized by the formula (5000 spans/s × 10 s → 512 CPU, 1024 MiB)', () => {
    const task = resourceAt(prod().json, 'aws_ecs_task_definition', 'otel-collector/task');
    expect([task.cpu, task.memory]).toEqual(['512', '1024']);
    const sizing = collectorSizing(prod().plan.spec.tracing.tailSampling!);
    expect([task.cpu, task.memory]).toEqual([String(sizing.cpu), String(sizing.memoryMiB)]);
    const service = resourceAt(prod().json, 'aws_ecs_service', 'otel-collector/service');
    expect(service).toMatchObject({ name: 'otel-collector', desired_count: 1, launch_type: 'FARGATE' });
    const main = containers(prod().json, 'otel-collector').find((c) => c.name === 'otel-collector')!;
    expect(main.image).toBe(COLLECTOR_IMAGE);
    expect(main.command).toEqual([`--config=${COLLECTOR_CONFIG}`]);
    expect(main.healthCheck).toBeUndefined();
    expect((main.portMappings ?? []).map((p) => p.containerPort)).toEqual([4317, 4318, 13133, 8888]);
  });

  it('sizes a busier collector bigger (50 000 spans/s × 30 s → 4 vCPU, 20 GiB)', () => {
    const busy = withTailSampling(exampleSpec(), 'prod', { expectedSpansPerSecond: 50_000, decisionWait: '30s' });
    const built = buildAws('prod', prodInputs(), busy);
    const task = resourceAt(built.json, 'aws_ecs_task_definition', 'otel-collector/task');
    // 2.5 vCPU; (64 MiB + 1 500 000 × 8 KiB) / 0.6 = 19 638 MiB
    expect([task.cpu, task.memory]).toEqual(['4096', '20480']);
  });

  it("opens 4317/4318 from the services' security group to the collector only", () => {
    const services = prodInputs().otlpAllowedSecurityGroupIds!;
    expect(services).toHaveLength(1);
    const fromServices = rules('aws_vpc_security_group_ingress_rule').filter((r) => services.includes(r.peer));
    expect(fromServices.map((r) => [r.sg, r.port]).sort()).toEqual([
      [sg('otel-collector'), 4317],
      [sg('otel-collector'), 4318],
    ]);
  });

  it('lets only the collector reach Tempo on OTLP (4317), and nobody on 4318', () => {
    const toTempo = rules('aws_vpc_security_group_ingress_rule').filter((r) => r.sg === sg('tempo') && (r.port === 4317 || r.port === 4318));
    expect(toTempo.map((r) => [r.port, r.peer])).toEqual([[4317, sg('otel-collector')]]);
  });

  it("lets the collector out to tempo:4317, prometheus:9090 and loki:3100 (and HTTPS for images and AWS APIs), nothing else", () => {
    const out = rules('aws_vpc_security_group_egress_rule').filter((r) => r.sg === sg('otel-collector'));
    expect(out.map((r) => [r.port, r.peer]).sort()).toEqual(
      [
        [4317, sg('tempo')],
        [9090, sg('prometheus')],
        [3100, sg('loki')],
        [443, '0.0.0.0/0'],
      ].sort(),
    );
  });

  it('writes the collector config to config/otel-collector.yaml in staging and prod', () => {
    for (const id of ['staging', 'prod'] as const) {
      expect(disk.get(id)!.config.get('otel-collector.yaml')).toBe(plans.get(id)!.files.find((f) => f.output === 'otel-collector.yaml')!.content);
    }
  });
});
