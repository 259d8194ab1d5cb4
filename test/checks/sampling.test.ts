/**
 * The synth-time rules of tail sampling (issue 6), each broken on a real plan the way a careless
 * hand edit would break it, with the exact message expected; the unbroken plans pass, so a rule
 * that always passed would fail here. Plus the endpoint-consistency rule: with tail sampling on,
 * every service sends to the collector and nothing else is open to them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { stackIssues, stackWarnings } from '../../src/checks';
import { checkServiceEndpoints } from '../../src/checks/endpoints';
import { checkExemplarChain } from '../../src/checks/exemplar-chain';
import type { Exposure } from '../../src/checks/exposure';
import { checkTailSampling, SAMPLING_SKEWS_SPAN_METRICS, samplingWarnings } from '../../src/checks/sampling';
import type { Component } from '../../src/components/component';
import type { StackPlan } from '../../src/components/plan';
import { formatIssue, Issue } from '../../src/spec/issues';
import { OTLP_PROTOCOLS } from '../../src/spec/types';
import { exposuresFromRules, NetworkAccess, securityRules } from '../../src/targets/aws/security-groups';
import { publishedPorts } from '../../src/targets/docker/docker-stack';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { dockerPlan, examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { exampleApp, removeTempDirs, synthToDisk } from '../support/synth';
import { TAIL_STACKS, tailPlan, TailStack, withBaseHeadSampling } from '../support/tail-sampling';

type Tree = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

afterAll(removeTempDirs);

const spec = exampleSpec();
const lines = (issues: readonly Issue[]) => issues.map(formatIssue);

function editYaml(plan: StackPlan, output: string, edit: (t: Tree) => void): StackPlan {
  const before = renderedFile(plan, output);
  return {
    ...plan,
    files: plan.files.map((f) => {
      if (f.output !== output) return f;
      const tree = parse(before) as Tree;
      edit(tree);
      return { ...f, content: stringify(tree) };
    }),
  };
}

function editComponent(plan: StackPlan, name: Component['name'], edit: (c: Component) => Component): StackPlan {
  return { ...plan, components: plan.components.map((c) => (c.name === name ? edit(c) : c)) };
}

function withEndpoint(plan: StackPlan, service: string, endpoint: string): StackPlan {
  return { ...plan, serviceEnvs: plan.serviceEnvs.map((e) => (e.service === service ? { ...e, env: { ...e.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } } : e)) };
}

/** The network inputs an AwsObservabilityStack derives from its props (stacks/stacks.ts's example values). */
function awsAccess(plan: StackPlan): NetworkAccess {
  const inputs = EXAMPLE_AWS_INPUTS[plan.spec.environment as 'staging' | 'prod'];
  return {
    otlpCidrs: inputs.otlpAllowedCidrs ?? [],
    otlpSecurityGroupIds: inputs.otlpAllowedSecurityGroupIds ?? [],
    grafanaCidrs: inputs.grafanaAllowedCidrs ?? [],
    grafanaSecurityGroupIds: inputs.grafanaAllowedSecurityGroupIds ?? [],
    otlpProtocols: OTLP_PROTOCOLS.filter((p) => plan.spec.services.some((s) => s.protocol === p)),
    scrapeCidrs: ['10.0.0.0/16'],
    prometheusStorage: true,
  };
}

/** What the target really opens to the services: Docker's published ports, AWS's security-group rules. */
function exposuresOf(plan: StackPlan): Exposure[] {
  return plan.topology.target === 'docker' ? publishedPorts(plan).exposures : exposuresFromRules(plan, securityRules(plan, awsAccess(plan)));
}

const prod = examplePlan('prod', spec);
const prodCollector = 'otel-collector.shop-prod.o11y.internal';

describe('the tail-sampling stacks', () => {
  it.each(TAIL_STACKS)('%s has no cross-component problem', (stack) => {
    const plan = tailPlan(stack, spec);
    expect(lines(stackIssues(plan, exposuresOf(plan)))).toEqual([]);
  });
});

describe('tail sampling needs a collector that samples', () => {
  it('fails when tail sampling is on but the stack runs no collector', () => {
    const plan = { ...prod, components: prod.components.filter((c) => c.name !== 'otel-collector') };
    expect(lines(checkTailSampling(plan))).toEqual(["tracing.tailSampling: is on for 'prod', but the stack runs no OpenTelemetry Collector to sample in: every span would be kept"]);
  });

  it('fails when the pipeline that exports to the trace store does not tail-sample', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => (t.service.pipelines['traces/sampled'].processors = ['memory_limiter']));
    expect(lines(checkTailSampling(plan))).toEqual([
      'otel-collector.yaml: service.pipelines.traces/sampled.processors: must include tail_sampling: tracing.tailSampling is on, and this pipeline exports every trace (got ["memory_limiter"])',
    ]);
  });

  it('fails when the all-spans pipeline also exports to the trace store (under the deprecated otlp name too)', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => {
      t.exporters['otlp/tempo'] = t.exporters['otlp_grpc/traces'];
      t.service.pipelines['traces/all'].exporters.push('otlp/tempo');
    });
    expect(lines(checkTailSampling(plan))).toEqual([
      'otel-collector.yaml: service.pipelines.traces/all.processors: must include tail_sampling: tracing.tailSampling is on, and this pipeline exports every trace (got ["memory_limiter"])',
    ]);
  });

  it('fails when no traces pipeline exports to the trace store at all', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => delete t.service.pipelines['traces/sampled']);
    expect(lines(checkTailSampling(plan))).toEqual(['otel-collector.yaml: service.pipelines: no traces pipeline exports to the trace store']);
  });

  it('has nothing to say about a stack without tail sampling', () => {
    expect(lines(checkTailSampling(examplePlan('local', spec)))).toEqual([]);
  });
});

describe("the collector's part of the exemplar chain", () => {
  it('fails when a pipeline feeding the connectors tail-samples: metrics from sampled spans undercount', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => t.service.pipelines['traces/all'].processors.push('tail_sampling'));
    expect(lines(checkExemplarChain(plan))).toEqual([
      'otel-collector.yaml: service.pipelines.traces/all.processors: must not sample before the span_metrics connector: metrics from sampled spans undercount (got ["memory_limiter","tail_sampling"])',
      'otel-collector.yaml: service.pipelines.traces/all.processors: must not sample before the service_graph connector: metrics from sampled spans undercount (got ["memory_limiter","tail_sampling"])',
    ]);
  });

  it('fails when the connectors are fed from the sampled pipeline instead of every span', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => {
      delete t.service.pipelines['traces/all'];
      t.service.pipelines['traces/sampled'].exporters.push('span_metrics', 'service_graph');
    });
    expect(lines(checkExemplarChain(plan))).toEqual([
      'otel-collector.yaml: service.pipelines.traces/sampled.processors: must not sample before the span_metrics connector: metrics from sampled spans undercount (got ["memory_limiter","tail_sampling"])',
      'otel-collector.yaml: service.pipelines.traces/sampled.processors: must not sample before the service_graph connector: metrics from sampled spans undercount (got ["memory_limiter","tail_sampling"])',
    ]);
  });

  it('fails when span_metrics has exemplars off', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => (t.connectors.span_metrics.exemplars.enabled = false));
    expect(lines(checkExemplarChain(plan))).toEqual(['otel-collector.yaml: connectors.span_metrics.exemplars.enabled: must be true, or the span metrics carry no trace links (got false)']);
  });

  it('fails when span_metrics leaves exemplars at their default (off)', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => delete t.connectors.span_metrics.exemplars);
    expect(lines(checkExemplarChain(plan))).toEqual(['otel-collector.yaml: connectors.span_metrics.exemplars.enabled: must be true, or the span metrics carry no trace links (got nothing)']);
  });

  it('fails when the remote-write exporter points at another Prometheus (http.endpoint)', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => (t.exporters.prometheus_remote_write.http.endpoint = 'http://elsewhere:9090/api/v1/write'));
    expect(lines(checkExemplarChain(plan))).toEqual([
      `otel-collector.yaml: exporters.prometheus_remote_write.http.endpoint: must be this stack's Prometheus remote-write receiver (http://prometheus.shop-prod.o11y.internal:9090/api/v1/write) (got "http://elsewhere:9090/api/v1/write")`,
    ]);
  });

  it('reads the deprecated flat endpoint when there is no http block', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => {
      delete t.exporters.prometheus_remote_write.http;
      t.exporters.prometheus_remote_write.endpoint = 'http://prometheus:9090/api/v1/write';
    });
    expect(lines(checkExemplarChain(plan))).toEqual([
      `otel-collector.yaml: exporters.prometheus_remote_write.endpoint: must be this stack's Prometheus remote-write receiver (http://prometheus.shop-prod.o11y.internal:9090/api/v1/write) (got "http://prometheus:9090/api/v1/write")`,
    ]);
  });

  it('fails when no metrics pipeline takes span metrics to Prometheus', () => {
    const plan = editYaml(prod, 'otel-collector.yaml', (t) => (t.service.pipelines['metrics/spans'].receivers = ['service_graph']));
    expect(lines(checkExemplarChain(plan))).toEqual([
      "otel-collector.yaml: service.pipelines: no metrics pipeline takes the span_metrics connector's output to a prometheus_remote_write exporter: span metrics never reach Prometheus",
    ]);
  });

  it("fails when Tempo's metrics-generator processors stay on next to the collector", () => {
    const plan = editYaml(prod, 'tempo.yaml', (t) => (t.overrides = { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics'] } } }));
    expect(lines(checkExemplarChain(plan))).toEqual([
      'tempo.yaml: overrides.defaults.metrics_generator.processors: must be empty when the collector computes span metrics: both would write traces_spanmetrics_calls_total and traces_service_graph_* and every count would double (got ["service-graphs","span-metrics"])',
    ]);
  });

  it("fails when Prometheus does not accept the collector's remote write", () => {
    const plan = editComponent(prod, 'prometheus', (c) => ({ ...c, args: c.args.filter((a) => a !== '--web.enable-remote-write-receiver') }));
    const [line, ...rest] = lines(checkExemplarChain(plan));
    expect(rest).toEqual([]);
    expect(line.startsWith("prometheus flags: must include --web.enable-remote-write-receiver, or the collector's remote write is refused (got [")).toBe(true);
  });

  it("fails when Grafana does not link the collector's exemplar label (trace_id)", () => {
    const plan = editYaml(prod, 'grafana/datasources.yaml', (t) => {
      t.datasources.find((d: Tree) => d.type === 'prometheus').jsonData.exemplarTraceIdDestinations = [{ name: 'traceID', datasourceUid: 'o11y-tempo' }];
    });
    expect(lines(checkExemplarChain(plan))).toEqual([
      `grafana/datasources.yaml: Prometheus jsonData.exemplarTraceIdDestinations: must link exemplar label 'trace_id' (written by the collector's span_metrics connector (prometheus_remote_write)) to the trace datasource (got ["traceID"])`,
      `grafana/datasources.yaml: Prometheus jsonData.exemplarTraceIdDestinations: must link exemplar label 'trace_id' (written by the services' OpenTelemetry metrics) to the trace datasource (got ["traceID"])`,
    ]);
  });
});

describe('a service that bypasses the collector', () => {
  it('on AWS: an endpoint rewritten to Tempo is refused, because Tempo opens no OTLP port to the services', () => {
    const plan = withEndpoint(prod, 'checkout', 'http://tempo.shop-prod.o11y.internal:4317');
    expect(lines(checkServiceEndpoints(plan, exposuresOf(prod)))).toEqual([
      `otel/checkout.env: OTEL_EXPORTER_OTLP_ENDPOINT: no component of the stack is reachable there; grpc is served at ${prodCollector}:4317 (got "http://tempo.shop-prod.o11y.internal:4317")`,
    ]);
  });

  it('on AWS: with Tempo opened to the services as well, the endpoint check names the bypass', () => {
    const plan = withEndpoint(prod, 'checkout', 'http://tempo.shop-prod.o11y.internal:4317');
    const tempoOpened: Exposure = { component: 'tempo', purpose: 'otlp-grpc', hosts: ['tempo.shop-prod.o11y.internal'], port: 4317 };
    expect(lines(checkServiceEndpoints(plan, [...exposuresOf(prod), tempoOpened]))).toEqual([
      "otel/checkout.env: OTEL_EXPORTER_OTLP_ENDPOINT: points at tempo, but this stack's OTLP entry point is otel-collector: it alone routes traces, metrics and logs to their stores (and samples and counts spans where the stack says so) (got \"http://tempo.shop-prod.o11y.internal:4317\")",
    ]);
  });

  const local = tailPlan('local+tail', spec);

  it("on Docker: an endpoint rewritten to Tempo's network alias is refused (Tempo publishes nothing)", () => {
    const plan = withEndpoint(local, 'cart', 'http://tempo:4318');
    expect(lines(checkServiceEndpoints(plan, exposuresOf(local)))).toEqual([
      'otel/cart.env: OTEL_EXPORTER_OTLP_ENDPOINT: no component of the stack is reachable there; http/protobuf is served at localhost:4318 (got "http://tempo:4318")',
    ]);
  });

  it("on Docker: with Tempo's OTLP port published again on another host port, the endpoint check names the bypass", () => {
    const reopened = editComponent(local, 'tempo', (c) => ({ ...c, ports: c.ports.map((p) => (p.purpose === 'otlp-http' ? { ...p, port: 14318, audience: 'services' } : p)) }));
    const plan = withEndpoint(reopened, 'cart', 'http://localhost:14318');
    expect(lines(checkServiceEndpoints(plan, exposuresOf(reopened)))).toEqual([
      "otel/cart.env: OTEL_EXPORTER_OTLP_ENDPOINT: points at tempo, but this stack's OTLP entry point is otel-collector: it alone routes traces, metrics and logs to their stores (and samples and counts spans where the stack says so) (got \"http://localhost:14318\")",
    ]);
  });

  it('is part of every stack check (assertStackConsistent reads stackIssues)', () => {
    const plan = withEndpoint(prod, 'checkout', 'http://tempo.shop-prod.o11y.internal:4317');
    expect(lines(stackIssues(plan, exposuresOf(prod)))).toHaveLength(1);
  });
});

describe('the endpoint-consistency rule: with tail sampling on, services send to the collector and only to it', () => {
  const PROTOCOL_KEY = { grpc: 'grpc', 'http/protobuf': 'http' } as const;

  describe.each(TAIL_STACKS)('%s', (stack: TailStack) => {
    const plan = tailPlan(stack, spec);
    const collector = parse(renderedFile(plan, 'otel-collector.yaml')) as Tree;
    const exposures = exposuresOf(plan);
    /** The host services use for the collector: loopback on Docker (published ports), its discovery name on AWS. */
    const collectorHost = plan.topology.target === 'docker' ? 'localhost' : `otel-collector.shop-${plan.spec.environment}.o11y.internal`;

    it("points every service's OTEL_EXPORTER_OTLP_ENDPOINT at the port the collector listens on for its protocol", () => {
      expect(plan.serviceEnvs).toHaveLength(plan.spec.services.length);
      for (const { service, env } of plan.serviceEnvs) {
        const protocol = env.OTEL_EXPORTER_OTLP_PROTOCOL as keyof typeof PROTOCOL_KEY;
        const listen = String(collector.receivers.otlp.protocols[PROTOCOL_KEY[protocol]].endpoint);
        const port = Number(listen.split(':').pop());
        expect({ service, endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }).toEqual({ service, endpoint: `http://${collectorHost}:${port}` });
        // and the target really opens that address to the services
        expect(exposures.filter((e) => e.port === port && e.hosts.includes(collectorHost)).map((e) => e.component)).toEqual(['otel-collector']);
      }
    });

    it("opens none of the trace store's ports to the services", () => {
      const store = plan.topology.traceBackend;
      expect(exposures.filter((e) => e.component === store && (e.purpose === 'otlp-grpc' || e.purpose === 'otlp-http'))).toEqual([]);
      expect(exposures.filter((e) => e.purpose === 'otlp-grpc' || e.purpose === 'otlp-http').map((e) => e.component)).toEqual(
        plan.spec.services.some((s) => s.protocol === 'grpc') && plan.spec.services.some((s) => s.protocol === 'http/protobuf') ? ['otel-collector', 'otel-collector'] : ['otel-collector'],
      );
    });
  });

  it("on AWS, lets only the collector's security group reach Tempo's OTLP ports", () => {
    for (const stack of ['staging', 'prod'] as const) {
      const plan = tailPlan(stack, spec);
      const toTempoOtlp = securityRules(plan, awsAccess(plan)).filter((r) => r.direction === 'ingress' && r.group === 'tempo' && (r.port === 4317 || r.port === 4318));
      expect(toTempoOtlp.map((r) => [r.port, r.peer])).toEqual([[4317, { kind: 'group', group: 'otel-collector' }]]);
    }
  });
});

describe(`the warning ${SAMPLING_SKEWS_SPAN_METRICS}`, () => {
  const headSampledLocal = dockerPlan(withBaseHeadSampling(spec, 'local'), 'local', 'tempo');
  const headSampledStaging = examplePlan('staging', withBaseHeadSampling(spec, 'staging'));

  it("warns for each service with a head ratio below 1 when Tempo's metrics-generator computes span metrics", () => {
    const tempoSkew = (svc: string, ratio: number, about: string) =>
      `services.${svc}: head sampling ratio ${ratio} in 'local': span metrics from Tempo's metrics-generator, which sees only the traces the SDK kept, count about ${about} of its requests; turn on tracing.tailSampling to sample after span metrics are computed, or accept the skew (got ${ratio})`;
    expect(lines(samplingWarnings(headSampledLocal))).toEqual([tempoSkew('checkout', 0.25, '1/4'), tempoSkew('cart', 0.5, '1/2'), tempoSkew('catalog', 0.5, '1/2')]);
  });

  it('warns, with the collector\'s advice, when the SDKs head-sample in front of the tail-sampling collector', () => {
    const collectorSkew = (svc: string, ratio: number, about: string) =>
      `services.${svc}: head sampling ratio ${ratio} in 'staging': span metrics from the collector, which sees only the spans the SDK kept, count about ${about} of its requests; set the ratio to 1 and let tail sampling choose, or accept the skew (got ${ratio})`;
    expect(lines(samplingWarnings(headSampledStaging))).toEqual([collectorSkew('checkout', 0.25, '1/4'), collectorSkew('cart', 0.5, '1/2'), collectorSkew('catalog', 0.5, '1/2')]);
  });

  it('says "none" for ratio 0 and rounds the share for a ratio that does not divide evenly', () => {
    const s = withEnvironmentSampling(0, 0.3);
    const plan = dockerPlan(s, 'local', 'tempo');
    expect(lines(samplingWarnings(plan)).map((l) => l.slice(0, l.indexOf(';')))).toEqual([
      "services.checkout: head sampling ratio 0 in 'local': span metrics from Tempo's metrics-generator, which sees only the traces the SDK kept, count none of its requests",
      "services.cart: head sampling ratio 0.3 in 'local': span metrics from Tempo's metrics-generator, which sees only the traces the SDK kept, count about 1/3.33 of its requests",
      "services.catalog: head sampling ratio 0.3 in 'local': span metrics from Tempo's metrics-generator, which sees only the traces the SDK kept, count about 1/3.33 of its requests",
      "services.payments-gateway: head sampling ratio 0.3 in 'local': span metrics from Tempo's metrics-generator, which sees only the traces the SDK kept, count about 1/3.33 of its requests",
    ]);
  });

  it('stays silent at ratio 1; in a Jaeger stack the collector computes span metrics, so the warning is there', () => {
    expect(lines(samplingWarnings(examplePlan('local', spec)))).toEqual([]);
    for (const stack of TAIL_STACKS) expect(lines(samplingWarnings(tailPlan(stack, spec)))).toEqual([]);
    const jaegerHeadSampled = dockerPlan(withBaseHeadSampling(spec, 'local-jaeger'), 'local-jaeger', 'jaeger');
    expect(jaegerHeadSampled.spec.services.map((s) => s.samplingRatio)).toEqual([0.25, 0.5, 0.5, 1]);
    expect(lines(samplingWarnings(jaegerHeadSampled))[0]).toBe(
      "services.checkout: head sampling ratio 0.25 in 'local-jaeger': span metrics from the collector, which sees only the spans the SDK kept, count about 1/4 of its requests; set the ratio to 1 (and turn on tracing.tailSampling to keep fewer traces), or accept the skew (got 0.25)",
    );
    expect(lines(samplingWarnings(jaegerHeadSampled))).toHaveLength(3);
  });

  it('is a warning, not an error: the stack checks still pass', () => {
    expect(lines(stackIssues(headSampledStaging, exposuresOf(headSampledStaging)))).toEqual([]);
    expect(stackWarnings(headSampledStaging).map((w) => w.id)).toEqual([SAMPLING_SKEWS_SPAN_METRICS, SAMPLING_SKEWS_SPAN_METRICS, SAMPLING_SKEWS_SPAN_METRICS]);
  });

  it('lands in manifest.json as a cdktf warning annotation with its id, and without a stack trace', () => {
    const example = exampleApp({ spec: (s) => withBaseHeadSampling(withBaseHeadSampling(s, 'local'), 'staging') });
    synthToDisk(example);
    const manifestText = readFileSync(join(example.outdir, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(manifestText) as { stacks: Record<string, { annotations?: Tree[] }> };
    const ours = (stack: string) => (manifest.stacks[stack].annotations ?? []).filter((a) => String(a.message).startsWith(`[${SAMPLING_SKEWS_SPAN_METRICS}]`));
    expect(ours('local').map((a) => a.message)).toEqual(lines(samplingWarnings(headSampledLocal)).map((l) => `[${SAMPLING_SKEWS_SPAN_METRICS}] ${l}`));
    expect(ours('staging').map((a) => a.message)).toEqual(lines(samplingWarnings(headSampledStaging)).map((l) => `[${SAMPLING_SKEWS_SPAN_METRICS}] ${l}`));
    for (const a of [...ours('local'), ...ours('staging')]) {
      expect(a.level).toBe('@cdktf/warn');
      expect(a.stacktrace).toBeUndefined();
    }
    expect(ours('prod')).toEqual([]);
    expect(ours('local-jaeger')).toEqual([]);
    // nothing of this machine's file system in the manifest
    expect(manifestText).not.toContain(process.cwd());
    expect(manifestText).not.toContain(example.outdir);
  });
});

/** The example with every service's head ratio fixed in `local`: checkout at `first`, the rest at `rest`. */
function withEnvironmentSampling(first: number, rest: number) {
  return {
    ...spec,
    environments: {
      ...spec.environments,
      local: { ...spec.environments!.local, sampling: { ratio: rest }, services: { checkout: { sampling: { ratio: first } } } },
    },
  };
}
