import { parse } from 'yaml';
import { checkServiceEndpoints } from '../../../src/checks/endpoints';
import { formatIssue } from '../../../src/spec/issues';
import { exposuresFromRules, ruleQuotaIssues, securityRules } from '../../../src/targets/aws/security-groups';
import { EXAMPLE_AWS_INPUTS } from '../../../stacks/stacks';
import { examplePlan, exampleSpec } from '../../support/plans';
import { removeTempDirs, resourcesOf, TerraformJson } from '../../support/synth';
import { buildAws, BuiltAws, containers, prodInputs, ref } from './helpers';

let prod: BuiltAws;
beforeAll(() => {
  prod = buildAws('prod');
});
afterAll(removeTempDirs);

interface Rule {
  readonly sg: string;
  readonly port: number;
  readonly peer: string;
}

function rules(json: TerraformJson, type: 'aws_vpc_security_group_ingress_rule' | 'aws_vpc_security_group_egress_rule'): Rule[] {
  return Object.values(resourcesOf(json, type)).map((r) => {
    expect(r.ip_protocol).toBe('tcp');
    expect(r.from_port).toBe(r.to_port);
    return { sg: r.security_group_id as string, port: r.from_port as number, peer: (r.cidr_ipv4 ?? r.referenced_security_group_id) as string };
  });
}

const sg = (json: TerraformJson, group: string) => ref(json, 'aws_security_group', `security-groups/${group}`, 'id');
const portOf = (endpoint: string) => Number(/:(\d+)$/.exec(endpoint)![1]);

describe('the security groups', () => {
  test("open the collector's OTLP listeners, as otel-collector.yaml configures them, to exactly the services; Tempo's only to the collector", () => {
    const collector = parse(prod.stack.plan.files.find((f) => f.output === 'otel-collector.yaml')!.content) as {
      receivers: { otlp: { protocols: Record<string, { endpoint: string }> } };
    };
    const tempo = parse(prod.stack.plan.files.find((f) => f.output === 'tempo.yaml')!.content) as {
      distributor: { receivers: { otlp: { protocols: Record<string, { endpoint: string }> } } };
      server: { http_listen_port: number };
    };
    const otlpPorts = Object.values(collector.receivers.otlp.protocols).map((p) => portOf(p.endpoint)).sort();
    const ingress = rules(prod.json, 'aws_vpc_security_group_ingress_rule');
    const fromServices = ingress.filter((r) => prodInputs().otlpAllowedSecurityGroupIds!.includes(r.peer));
    expect(fromServices.map((r) => [r.sg, r.port]).sort()).toEqual(otlpPorts.map((p) => [sg(prod.json, 'otel-collector'), p]).sort());
    // the collector is reached by the services on OTLP, and scraped by Prometheus: nothing else
    expect(ingress.filter((r) => r.sg === sg(prod.json, 'otel-collector') && !otlpPorts.includes(r.port)).map((r) => [r.port, r.peer])).toEqual([[8888, sg(prod.json, 'prometheus')]]);
    // Tempo takes OTLP/gRPC only from the collector (its exporter), its HTTP API from Grafana and Prometheus
    const tempoGrpc = portOf(tempo.distributor.receivers.otlp.protocols.grpc.endpoint);
    expect(ingress.filter((r) => r.sg === sg(prod.json, 'tempo')).map((r) => [r.port, r.peer]).sort()).toEqual(
      [
        [tempoGrpc, sg(prod.json, 'otel-collector')],
        [tempo.server.http_listen_port, sg(prod.json, 'grafana')],
        [tempo.server.http_listen_port, sg(prod.json, 'prometheus')],
      ].sort(),
    );
  });

  test('open every other listener only to the components that call it, on the port the container maps', () => {
    const ingress = rules(prod.json, 'aws_vpc_security_group_ingress_rule');
    const byGroup = (g: string) => ingress.filter((r) => r.sg === sg(prod.json, g)).map((r) => [r.port, r.peer]).sort();
    const listen = prod.stack.plan.components.find((c) => c.name === 'prometheus')!.args.find((a) => a.startsWith('--web.listen-address='))!;
    expect(byGroup('prometheus')).toEqual(
      [
        [portOf(listen), sg(prod.json, 'grafana')],
        // the collector remote-writes span metrics; Tempo's generator is off behind it
        [portOf(listen), sg(prod.json, 'otel-collector')],
      ].sort(),
    );
    // people reach Grafana only through its HTTPS load balancer
    expect(byGroup('grafana')).toEqual(
      [
        [3000, sg(prod.json, 'grafana-lb')],
        [3000, sg(prod.json, 'prometheus')],
      ].sort(),
    );
    expect(byGroup('grafana-lb')).toEqual([[443, '10.100.0.0/16']]);
    expect(byGroup('prometheus-storage')).toEqual([[2049, sg(prod.json, 'prometheus')]]);
    for (const c of ['tempo', 'otel-collector', 'prometheus', 'grafana']) {
      const mapped = containers(prod.json, c).find((d) => d.name === c)!.portMappings!.map((p) => p.containerPort);
      for (const [port] of byGroup(c)) expect({ c, port, mapped: mapped.includes(port as number) }).toEqual({ c, port, mapped: true });
    }
    expect(ingress.filter((r) => r.peer === '0.0.0.0/0')).toEqual([]);
  });

  test('let each component call out only where its configs point, plus HTTPS for images and AWS APIs', () => {
    const egress = rules(prod.json, 'aws_vpc_security_group_egress_rule');
    const byGroup = (g: string) => egress.filter((r) => r.sg === sg(prod.json, g)).map((r) => [r.port, r.peer]).sort();
    expect(byGroup('tempo')).toEqual([[443, '0.0.0.0/0']]);
    expect(byGroup('loki')).toEqual([[443, '0.0.0.0/0']]);
    expect(byGroup('otel-collector')).toEqual([[4317, sg(prod.json, 'tempo')], [443, '0.0.0.0/0'], [9090, sg(prod.json, 'prometheus')], [3100, sg(prod.json, 'loki')]].sort());
    expect(byGroup('grafana')).toEqual([[3200, sg(prod.json, 'tempo')], [443, '0.0.0.0/0'], [9090, sg(prod.json, 'prometheus')], [3100, sg(prod.json, 'loki')], [9093, sg(prod.json, 'alertmanager')]].sort());
    const metricsPorts = prod.stack.plan.spec.services.flatMap((s) => (s.metrics ? [s.metrics.port] : []));
    expect(byGroup('prometheus')).toEqual(
      [[2049, sg(prod.json, 'prometheus-storage')], [3000, sg(prod.json, 'grafana')], [3200, sg(prod.json, 'tempo')], [443, '0.0.0.0/0'], [8888, sg(prod.json, 'otel-collector')], [3100, sg(prod.json, 'loki')], [9093, sg(prod.json, 'alertmanager')], ...metricsPorts.map((p) => [p, '${data.aws_vpc.vpc.cidr_block}'])].sort(),
    );
  });

  test("the services' OTLP endpoints are checked against the ports these rules open", () => {
    const plan = examplePlan('prod');
    const access = { otlpCidrs: [], otlpSecurityGroupIds: ['sg-0fedcba9876543210'], grafanaCidrs: [], grafanaSecurityGroupIds: [], scrapeCidrs: ['10.0.0.0/16'], prometheusStorage: false };
    expect(checkServiceEndpoints(plan, exposuresFromRules(plan, securityRules(plan, { ...access, otlpProtocols: ['grpc', 'http/protobuf'] })))).toEqual([]);
    const onlyHttp = checkServiceEndpoints(plan, exposuresFromRules(plan, securityRules(plan, { ...access, otlpProtocols: ['http/protobuf'] })));
    expect(onlyHttp.map(formatIssue)).toEqual([
      'otel/checkout.env: OTEL_EXPORTER_OTLP_ENDPOINT: no component of the stack is reachable there; grpc is served at no address (got "http://otel-collector.shop-prod.o11y.internal:4317")',
      'otel/catalog.env: OTEL_EXPORTER_OTLP_ENDPOINT: no component of the stack is reachable there; grpc is served at no address (got "http://otel-collector.shop-prod.o11y.internal:4317")',
    ]);
  });
});

describe('security-group rule quotas', () => {
  const manyServices = (n: number) => ({ ...exampleSpec(), services: Array.from({ length: n }, (_, i) => ({ name: `svc-${i}`, metrics: { port: 10000 + i } })) });

  test('a stack whose Prometheus would need more outbound rules than the quota fails at synth, naming the group and the limit', () => {
    expect(() => buildAws('staging', EXAMPLE_AWS_INPUTS.staging, manyServices(70))).toThrow(
      /security group prometheus: needs \d+ outbound rules, more than AWS's default quota of 60 per group/,
    );
  });

  test('a raised quota lets it through; services sharing one port cost one rule', () => {
    expect(() => buildAws('staging', { ...EXAMPLE_AWS_INPUTS.staging, securityGroupRuleQuota: 120 }, manyServices(70))).not.toThrow();
    const shared = { ...exampleSpec(), services: Array.from({ length: 500 }, (_, i) => ({ name: `svc-${i}`, metrics: { port: 9464 } })) };
    expect(() => buildAws('staging', EXAMPLE_AWS_INPUTS.staging, shared)).not.toThrow();
  });

  test('the example stacks stay well inside the quota', () => {
    const issues = ruleQuotaIssues(securityRules(prod.stack.plan, { otlpCidrs: [], otlpSecurityGroupIds: ['sg-1'], grafanaCidrs: ['10.0.0.0/16'], grafanaSecurityGroupIds: [], otlpProtocols: ['grpc', 'http/protobuf'], scrapeCidrs: ['10.0.0.0/16'], prometheusStorage: true }), 20);
    expect(issues.map(formatIssue)).toEqual([]);
  });
});
