import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { Exposure } from '../../checks';
import type { ComponentName, PortPurpose } from '../../components/component';
import { alertmanagerTargets, arr, exporterEndpoint, obj, renderedYaml, scrapeTargets } from '../../checks/config-tree';
import { otlpEntry, StackPlan } from '../../components/plan';
import { instanceHosts } from '../../components/topology';
import { issue, Issue } from '../../spec/issues';
import type { OtlpProtocol } from '../../spec/types';
import { PORTS } from '../../spec/defaults';
import { TEMPO_KAFKA_ROLES } from '../../render/tempo';
import { tempoRoleOf } from '../../components/tempo-distributed';

/**
 * A security group of the stack: one per component, one for Prometheus's file system, one for
 * Grafana's load balancer; distributed Tempo adds one its roles share for their memberlist
 * cluster (`tempo-ring`) and one for the Kafka brokers (`tempo-kafka`).
 */
export type GroupName = ComponentName | 'prometheus-storage' | 'grafana-lb' | 'tempo-ring' | 'tempo-kafka';

export const NFS_PORT = 2049;
/** Image registries (Docker Hub, ECR Public) and the AWS APIs the tasks call (S3, Logs, Secrets Manager). */
export const HTTPS_PORT = 443;

export type Peer =
  | { readonly kind: 'cidr'; readonly cidr: string; readonly who: 'services' | 'humans' | 'scrape targets' | 'anywhere' }
  | { readonly kind: 'security-group'; readonly id: string; readonly who: 'services' | 'humans' }
  | { readonly kind: 'group'; readonly group: GroupName };

export interface SecurityRule {
  readonly direction: 'ingress' | 'egress';
  /** The group the rule belongs to. */
  readonly group: GroupName;
  readonly port: number;
  /** Source (ingress) or destination (egress). */
  readonly peer: Peer;
  readonly description: string;
  /** What the port is for, on ingress rules of a component's listener. */
  readonly purpose?: PortPurpose;
}

/** One component calling another, as a rendered config says. */
export interface ComponentLink {
  readonly from: ComponentName;
  readonly to: ComponentName;
  readonly port: number;
  readonly why: string;
}


/**
 * Who calls whom, read from the rendered files as deployed (Prometheus's scrape targets, Tempo's
 * remote write, the collector's exporters, Grafana's datasources): the security groups open exactly these paths, so a
 * config change that adds a hop cannot silently end in a timeout.
 */
export function componentLinks(plan: StackPlan): ComponentLink[] {
  // a component answers at its name and, with ordinals, at each instance's
  const byHost = new Map(plan.components.flatMap((c) => [plan.topology.hostOf(c.name), ...instanceHosts(c, plan.topology)].map((h) => [h, c.name] as const)));
  const links: ComponentLink[] = [];
  const add = (from: ComponentName, hostPort: { host: string; port: number }, why: string) => {
    const to = byHost.get(hostPort.host);
    if (to && to !== from) links.push({ from, to, port: hostPort.port, why });
  };
  for (const { job, target } of scrapeTargets(plan)) {
    const hp = hostPort(target);
    if (hp) add('prometheus', hp, `scrape job ${job}`);
  }
  for (const target of alertmanagerTargets(plan)) {
    const hp = hostPort(target);
    if (hp) add('prometheus', hp, 'firing alerts');
  }
  const tempo = renderedYaml(plan, 'tempo.yaml') ?? {};
  // the monolith, or distributed Tempo's generators, remote-write what the generator computes
  const generator = plan.components.find((c) => c.name === 'tempo' || c.name === 'tempo-metrics-generator')?.name;
  for (const rw of arr(obj(obj(tempo.metrics_generator).storage).remote_write).map(obj)) {
    const hp = urlHostPort(String(rw.url));
    if (hp && generator) add(generator, hp, 'metrics-generator remote write');
  }
  if (plan.components.some((c) => c.name === 'tempo-querier')) {
    const frontend = hostPort(String(obj(obj(tempo.querier).frontend_worker).frontend_address ?? ''));
    if (frontend) add('tempo-querier', frontend, 'pulls queries from the query-frontends');
    // the live-stores are found in their ring (by address, not by name): Tempo's read path for recent traces
    const liveStore = plan.components.find((c) => c.name === 'tempo-live-store');
    const grpc = liveStore?.ports.find((p) => p.purpose === 'grpc');
    if (liveStore && grpc) links.push({ from: 'tempo-querier', to: 'tempo-live-store', port: grpc.port, why: 'recent traces from the live-store ring' });
  }
  if (plan.components.some((c) => c.name === 'tempo-backend-worker')) {
    const scheduler = hostPort(String(obj(tempo.backend_worker).backend_scheduler_addr ?? ''));
    if (scheduler) add('tempo-backend-worker', scheduler, 'pulls jobs from the backend-scheduler');
  }
  for (const c of ['otel-collector', 'otel-sampler'] as const) {
    const collector = renderedYaml(plan, `${c}.yaml`) ?? {};
    for (const [name, e] of Object.entries(obj(collector.exporters))) {
      // the load-balancing tier reaches every sampler at the name and port its resolver looks up
      const dns = obj(obj(obj(e).resolver).dns);
      const endpoint = dns.hostname !== undefined ? `${String(dns.hostname)}:${String(dns.port)}` : String(exporterEndpoint(e).value ?? '');
      const hp = hostPort(endpoint) ?? urlHostPort(endpoint);
      if (hp) add(c, hp, `exporter ${name}`);
    }
  }
  const ds = renderedYaml(plan, 'grafana/datasources.yaml') ?? {};
  for (const d of arr(ds.datasources).map(obj)) {
    const hp = urlHostPort(String(d.url));
    if (hp) add('grafana', hp, `datasource ${String(d.name)}`);
  }
  return links;
}

/** The ports Prometheus scrapes on the services (targets that are not components of the stack). */
export function serviceScrapePorts(plan: StackPlan): number[] {
  const componentHosts = new Set([...plan.components.map((c) => plan.topology.hostOf(c.name)), 'localhost', '127.0.0.1']);
  const ports = scrapeTargets(plan)
    .map((t) => hostPort(t.target))
    .filter((hp): hp is { host: string; port: number } => hp !== undefined && !componentHosts.has(hp.host))
    .map((hp) => hp.port);
  return [...new Set(ports)].sort((a, b) => a - b);
}

function hostPort(s: string): { host: string; port: number } | undefined {
  const m = /^([^:/]+):(\d+)$/.exec(s);
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

function urlHostPort(s: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(s);
    return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
  } catch {
    return undefined;
  }
}

export interface NetworkAccess {
  readonly otlpCidrs: readonly string[];
  readonly otlpSecurityGroupIds: readonly string[];
  readonly grafanaCidrs: readonly string[];
  readonly grafanaSecurityGroupIds: readonly string[];
  /** OTLP protocols whose port is opened to the services. */
  readonly otlpProtocols: readonly OtlpProtocol[];
  /** Where the services' metrics endpoints are (may be a Terraform token: the VPC's CIDR). */
  readonly scrapeCidrs: readonly string[];
  /** Prometheus keeps its TSDB on a network file system with its own group. */
  readonly prometheusStorage: boolean;
  /**
   * People reach Grafana through its HTTPS load balancer (group `grafana-lb`, port
   * `grafanaLbPort`), and Grafana only from the balancer.
   * @default - none: people reach Grafana's port directly (plain HTTP)
   */
  readonly grafanaLbPort?: number;
}

const PURPOSE_OF: Record<OtlpProtocol, PortPurpose> = { grpc: 'otlp-grpc', 'http/protobuf': 'otlp-http' };

/**
 * Every rule of the stack's security groups, as data: ingress opens exactly the ports each
 * component listens on, to exactly who calls it; egress mirrors the calls. The Prometheus
 * UI is not opened to people: they query through Grafana.
 */
export function securityRules(plan: StackPlan, access: NetworkAccess): SecurityRule[] {
  const rules: SecurityRule[] = [];
  // the OTLP entry point: the collector when it tail-samples, else the trace store
  const trace = plan.components.find((c) => c.name === otlpEntry(plan.components, plan.topology))!;
  const wanted = new Set(access.otlpProtocols.map((p) => PURPOSE_OF[p]));
  for (const p of trace.ports.filter((x) => x.audience === 'services' && wanted.has(x.purpose))) {
    for (const cidr of access.otlpCidrs) rules.push({ direction: 'ingress', group: trace.name, port: p.port, purpose: p.purpose, peer: { kind: 'cidr', cidr, who: 'services' }, description: `${p.purpose} from services` });
    for (const id of access.otlpSecurityGroupIds) rules.push({ direction: 'ingress', group: trace.name, port: p.port, purpose: p.purpose, peer: { kind: 'security-group', id, who: 'services' }, description: `${p.purpose} from services` });
  }
  const grafana = plan.components.find((c) => c.name === 'grafana');
  for (const p of grafana?.ports.filter((x) => x.audience === 'humans') ?? []) {
    if (access.grafanaLbPort !== undefined) {
      // people → HTTPS on the balancer → Grafana's port, which nobody else reaches
      const lb = access.grafanaLbPort;
      for (const cidr of access.grafanaCidrs) rules.push({ direction: 'ingress', group: 'grafana-lb', port: lb, peer: { kind: 'cidr', cidr, who: 'humans' }, description: 'Grafana over HTTPS' });
      for (const id of access.grafanaSecurityGroupIds) rules.push({ direction: 'ingress', group: 'grafana-lb', port: lb, peer: { kind: 'security-group', id, who: 'humans' }, description: 'Grafana over HTTPS' });
      rules.push({ direction: 'egress', group: 'grafana-lb', port: p.port, peer: { kind: 'group', group: 'grafana' }, description: 'to Grafana (requests, health checks)' });
      rules.push({ direction: 'ingress', group: 'grafana', port: p.port, purpose: p.purpose, peer: { kind: 'group', group: 'grafana-lb' }, description: 'from its HTTPS load balancer' });
      continue;
    }
    for (const cidr of access.grafanaCidrs) rules.push({ direction: 'ingress', group: 'grafana', port: p.port, purpose: p.purpose, peer: { kind: 'cidr', cidr, who: 'humans' }, description: 'Grafana UI' });
    for (const id of access.grafanaSecurityGroupIds) rules.push({ direction: 'ingress', group: 'grafana', port: p.port, purpose: p.purpose, peer: { kind: 'security-group', id, who: 'humans' }, description: 'Grafana UI' });
  }
  for (const l of componentLinks(plan)) {
    const purpose = plan.components.find((c) => c.name === l.to)?.ports.find((p) => p.port === l.port)?.purpose;
    rules.push({ direction: 'ingress', group: l.to, port: l.port, purpose, peer: { kind: 'group', group: l.from }, description: `${l.from}: ${l.why}` });
    rules.push({ direction: 'egress', group: l.from, port: l.port, peer: { kind: 'group', group: l.to }, description: `to ${l.to}: ${l.why}` });
  }
  for (const port of serviceScrapePorts(plan)) {
    for (const cidr of access.scrapeCidrs) rules.push({ direction: 'egress', group: 'prometheus', port, peer: { kind: 'cidr', cidr, who: 'scrape targets' }, description: 'scrape services' });
  }
  rules.push(...tempoClusterRules(plan));
  if (access.prometheusStorage) {
    rules.push({ direction: 'ingress', group: 'prometheus-storage', port: NFS_PORT, peer: { kind: 'group', group: 'prometheus' }, description: 'NFS from Prometheus' });
    rules.push({ direction: 'egress', group: 'prometheus', port: NFS_PORT, peer: { kind: 'group', group: 'prometheus-storage' }, description: 'NFS to its TSDB' });
  }
  for (const c of plan.components) {
    rules.push({ direction: 'egress', group: c.name, port: HTTPS_PORT, peer: { kind: 'cidr', cidr: '0.0.0.0/0', who: 'anywhere' }, description: 'image registries and AWS APIs' });
  }
  return dedupe(rules);
}

/**
 * Distributed Tempo, from its tempo.yaml: every role in one memberlist cluster (`memberlist.bind_port`
 * among the members of `tempo-ring`, a group all of them carry, instead of a rule per pair of roles),
 * and Kafka's plaintext port opened to exactly the roles that produce or consume (`ingest.kafka`).
 */
function tempoClusterRules(plan: StackPlan): SecurityRule[] {
  const tempo = renderedYaml(plan, 'tempo.yaml') ?? {};
  // distributed Tempo's roles (the monolith has neither ring peers nor Kafka)
  const roles = plan.components.flatMap((c) => {
    const role = tempoRoleOf(c.name);
    return role === undefined || role === 'all' ? [] : [{ name: c.name, role }];
  });
  if (roles.length === 0) return [];
  const rules: SecurityRule[] = [];
  const memberlist = obj(tempo.memberlist);
  if (typeof memberlist.join_members === 'string' && memberlist.join_members !== '' && typeof memberlist.bind_port === 'number') {
    const port = memberlist.bind_port;
    rules.push({ direction: 'ingress', group: 'tempo-ring', port, peer: { kind: 'group', group: 'tempo-ring' }, description: "memberlist among Tempo's roles" });
    rules.push({ direction: 'egress', group: 'tempo-ring', port, peer: { kind: 'group', group: 'tempo-ring' }, description: "memberlist among Tempo's roles" });
  }
  if (obj(tempo.ingest).kafka !== undefined) {
    for (const { name, role } of roles) {
      if (!TEMPO_KAFKA_ROLES.includes(role)) continue;
      const why = role === 'distributor' ? 'produces spans' : 'consumes spans';
      rules.push({ direction: 'ingress', group: 'tempo-kafka', port: PORTS.kafkaPlaintext, peer: { kind: 'group', group: name }, description: `${name}: ${why}` });
      rules.push({ direction: 'egress', group: name, port: PORTS.kafkaPlaintext, peer: { kind: 'group', group: 'tempo-kafka' }, description: `to the Kafka brokers: ${why}` });
    }
  }
  return rules;
}

/** AWS's default quota: 60 inbound and 60 outbound rules per security group (adjustable by request). */
export const SECURITY_GROUP_RULE_QUOTA = 60;
/** The most rules per security group and direction AWS allows on request. */
export const MAX_SECURITY_GROUP_RULE_QUOTA = 1000;

/**
 * Rules grow with the services (one egress rule per metrics port and scrape CIDR): past the
 * quota, `terraform apply` fails half-way with RulesPerSecurityGroupLimitExceeded. Count at synth.
 */
export function ruleQuotaIssues(rules: readonly SecurityRule[], quota = SECURITY_GROUP_RULE_QUOTA): Issue[] {
  const counts = new Map<string, number>();
  for (const r of rules) counts.set(`${r.group}|${r.direction}`, (counts.get(`${r.group}|${r.direction}`) ?? 0) + 1);
  return [...counts]
    .filter(([, n]) => n > quota)
    .map(([key, n]) => {
      const [group, direction] = key.split('|');
      return issue(
        `security group ${group}`,
        `needs ${n} ${direction === 'ingress' ? 'inbound' : 'outbound'} rules, more than AWS's default quota of ${quota} per group: use fewer distinct metrics ports (services may share one) or fewer scrape CIDRs, or raise the quota with AWS and pass it as securityGroupRuleQuota`,
      );
    });
}

function peerKey(p: Peer): string {
  return p.kind === 'cidr' ? `cidr:${p.cidr}` : p.kind === 'security-group' ? `sg:${p.id}` : `group:${p.group}`;
}

function dedupe(rules: SecurityRule[]): SecurityRule[] {
  const seen = new Map<string, SecurityRule>();
  for (const r of rules) {
    const key = `${r.direction}|${r.group}|${r.port}|${peerKey(r.peer)}`;
    const prev = seen.get(key);
    seen.set(key, prev ? { ...prev, description: prev.description === r.description ? prev.description : `${prev.description}; ${r.description}` } : r);
  }
  return [...seen.values()];
}

/** The addresses the services can really reach: the trace component's ports opened to them. */
export function exposuresFromRules(plan: StackPlan, rules: readonly SecurityRule[]): Exposure[] {
  const out = new Map<string, Exposure>();
  for (const r of rules) {
    if (r.direction !== 'ingress' || r.group === 'prometheus-storage' || r.group === 'grafana-lb' || r.group === 'tempo-ring' || r.group === 'tempo-kafka' || !r.purpose) continue;
    if (r.peer.kind === 'group' || r.peer.who !== 'services') continue;
    const group: ComponentName = r.group;
    out.set(`${group}:${r.port}`, { component: group, purpose: r.purpose, hosts: [plan.topology.hostOf(group)], port: r.port });
  }
  return [...out.values()];
}

export interface ComponentSecurityGroupsProps {
  readonly vpcId: string;
  /** Prefix of the group names, e.g. `shop-prod-o11y`. */
  readonly namePrefix: string;
  readonly groups: readonly GroupName[];
  readonly rules: readonly SecurityRule[];
}

/**
 * One security group per component (and one for Prometheus's file system), each rule its own
 * resource (`aws_vpc_security_group_*_rule`) so a change replaces one rule, not the group.
 * Terraform removes AWS's default allow-all egress of a new group: only the rules here apply.
 */
export class ComponentSecurityGroups extends Construct {
  readonly groups: Readonly<Partial<Record<GroupName, SecurityGroup>>>;

  constructor(scope: Construct, id: string, props: ComponentSecurityGroupsProps) {
    super(scope, id);
    const groups: Partial<Record<GroupName, SecurityGroup>> = {};
    for (const g of props.groups) {
      groups[g] = new SecurityGroup(this, g, {
        name: `${props.namePrefix}-${g}`,
        description: `o11y-stack ${g}`,
        vpcId: props.vpcId,
        revokeRulesOnDelete: true,
      });
    }
    this.groups = groups;
    const counters = new Map<string, number>();
    for (const r of props.rules) {
      const sg = groups[r.group];
      if (!sg) throw new Error(`security group '${r.group}' is not part of this stack (rule: ${r.description})`);
      const peer = r.peer;
      const target =
        peer.kind === 'cidr'
          ? { cidrIpv4: peer.cidr }
          : peer.kind === 'security-group'
            ? { referencedSecurityGroupId: peer.id }
            : { referencedSecurityGroupId: groups[peer.group]!.id };
      // ids from the rule's meaning (not its position), so adding a rule does not replace the others
      const peerName =
        peer.kind === 'group' ? peer.group : Token.isUnresolved(peer.kind === 'cidr' ? peer.cidr : peer.id) ? peer.who.replace(/ /g, '-') : (peer.kind === 'cidr' ? peer.cidr : peer.id).replace(/[./]/g, '-');
      const base = `${r.group}-${r.direction}-${r.port}-${peerName}`;
      const n = counters.get(base) ?? 0;
      counters.set(base, n + 1);
      const ruleId = n === 0 ? base : `${base}-${n}`;
      const common = { securityGroupId: sg.id, ipProtocol: 'tcp', fromPort: r.port, toPort: r.port, description: r.description, ...target };
      if (r.direction === 'ingress') new VpcSecurityGroupIngressRule(this, ruleId, common);
      else new VpcSecurityGroupEgressRule(this, ruleId, common);
    }
  }
}
