/**
 * Tempo 3.0 in microservices mode: one component per role (`-target=`), all reading the same
 * tempo.yaml, joined in one memberlist cluster, with a Kafka topic between the distributors and
 * the consumers (live-stores, block-builders, metrics-generators). The sizes follow Tempo 3.0.3's
 * sizing guide (set-up-for-tracing/setup-tempo/plan/size.md); docs/tempo-distributed.md has the picture.
 */
import { spanMetricsSource } from '../render/span-metrics';
import { renderTempoConfig, TEMPO_ENV, TEMPO_PROCESSORS, TempoRole } from '../render/tempo';
import { GENERATED_HEADER, toYaml } from '../render/serialize';
import { PROMETHEUS_REMOTE_WRITE_PATH } from '../render/prometheus';
import { IMAGES, PORTS, TEMPO_MAX_TRACE_LIVE_SECONDS, STOP_TIMEOUT_SECONDS } from '../spec/defaults';
import type { ResolvedSpec, ResolvedTempoDistributed } from '../spec/resolved';
import { type Component, type ComponentName, type ComponentPort, ordinalNames } from './component';
import { TEMPO_CONFIG_PATH, TEMPO_DATA_DIR } from './tempo';
import type { Topology } from './topology';

/** The component that runs each role. */
export const TEMPO_ROLE_COMPONENTS: Readonly<Record<TempoRole, ComponentName>> = {
  distributor: 'tempo-distributor',
  'live-store': 'tempo-live-store',
  'block-builder': 'tempo-block-builder',
  'query-frontend': 'tempo-query-frontend',
  querier: 'tempo-querier',
  'backend-scheduler': 'tempo-backend-scheduler',
  'backend-worker': 'tempo-backend-worker',
  'metrics-generator': 'tempo-metrics-generator',
};

/** The role a Tempo component runs (`-target=`); `all` for the monolith. */
export function tempoRoleOf(name: ComponentName): TempoRole | 'all' | undefined {
  if (name === 'tempo') return 'all';
  return (Object.entries(TEMPO_ROLE_COMPONENTS) as [TempoRole, ComponentName][]).find(([, c]) => c === name)?.[0];
}

/** Is this one of Tempo's components (the monolith or a role)? */
export function isTempoComponent(name: ComponentName): boolean {
  return tempoRoleOf(name) !== undefined;
}

/**
 * Task sizes (CPU units, MiB) from the sizing guide, rounded to Fargate sizes: distributor 2 cores;
 * live-store 1 core and 4-20 GB; block-builder 0.5 core and 5-10 GB (Fargate gives 0.5 vCPU at most
 * 4 GB, so 1 vCPU); querier and query-frontend 4-20 GB; scheduler and worker 0.5 core, 1-2 GB.
 */
export const TEMPO_ROLE_RESOURCES: Readonly<Record<TempoRole, { cpu: number; memoryMiB: number }>> = {
  distributor: { cpu: 2048, memoryMiB: 4096 },
  'live-store': { cpu: 1024, memoryMiB: 8192 },
  'block-builder': { cpu: 1024, memoryMiB: 8192 },
  'query-frontend': { cpu: 1024, memoryMiB: 4096 },
  querier: { cpu: 1024, memoryMiB: 4096 },
  'backend-scheduler': { cpu: 512, memoryMiB: 2048 },
  'backend-worker': { cpu: 512, memoryMiB: 2048 },
  'metrics-generator': { cpu: 1024, memoryMiB: 4096 },
};

/** The components of distributed Tempo, in role order; the metrics-generator only where Tempo computes span metrics. */
export function tempoDistributedComponents(spec: ResolvedSpec, topology: Topology): Component[] {
  const { d, generator, roles } = tempoRoles(spec, topology);
  // every instance seeds the memberlist cluster all the roles' rings share
  const joinMembers = tempoInstanceNames(spec, topology).map((n) => topology.instanceHost(n));
  const config = renderTempoConfig(spec, {
    storage: topology.tempoStorage,
    remoteWriteUrl: `http://${topology.hostOf('prometheus')}:${PORTS.prometheus}${PROMETHEUS_REMOTE_WRITE_PATH}`,
    dataDir: TEMPO_DATA_DIR,
    generatorProcessors: generator ? TEMPO_PROCESSORS : [],
    distributed: {
      joinMembers,
      queryFrontendAddress: `${topology.hostOf('tempo-query-frontend')}:${PORTS.tempoGrpc}`,
      backendSchedulerAddress: `${topology.hostOf('tempo-backend-scheduler')}:${PORTS.tempoGrpc}`,
      partitions: d.partitions,
      partitionsPerBlockBuilder: d.partitions / d.blockBuilders,
      // Tempo's default of 10 000 live traces per live-store is reached at 2 000 traces/s per
      // partition held 5 s (max_trace_idle): sized instead for a partition's spans/s, each its own
      // trace, for max_trace_live (30 s), the worst case; the byte limit still bounds memory
      ...(spec.tracing.tempo.ingestSpansPerSecond !== undefined ? { maxLiveTracesPerLiveStore: Math.ceil(spec.tracing.tempo.ingestSpansPerSecond / d.partitions) * TEMPO_MAX_TRACE_LIVE_SECONDS } : {}),
      // Fargate: eth0 is the task metadata link, the VPC address is on eth1; Docker has only eth0
      interfaceNames: topology.target === 'aws' ? ['eth1', 'eth0'] : ['eth0'],
    },
  });
  const file = { output: 'tempo.yaml', mountPath: TEMPO_CONFIG_PATH, content: toYaml(config, GENERATED_HEADER) };
  return roles.map(({ role, count, ordinals }) => roleComponent(role, count, ordinals, file, generator));
}

interface RoleCount {
  readonly role: TempoRole;
  readonly count: number;
  /** Each instance its own service with an ordinal (the partition consumers). */
  readonly ordinals: boolean;
}

/**
 * Every instance of distributed Tempo by name, in role order, each live-store and block-builder
 * under its ordinal name: the memberlist seeds, and what Prometheus scrapes as job tempo.
 */
export function tempoInstanceNames(spec: ResolvedSpec, topology: Topology): string[] {
  return tempoRoles(spec, topology).roles.flatMap(({ role, count, ordinals }) => (ordinals ? ordinalNames(TEMPO_ROLE_COMPONENTS[role], count) : [TEMPO_ROLE_COMPONENTS[role]]));
}

/** The roles that run and how many of each; the metrics-generator only where Tempo computes span metrics. */
function tempoRoles(spec: ResolvedSpec, topology: Topology): { d: ResolvedTempoDistributed; generator: boolean; roles: RoleCount[] } {
  const d = spec.tracing.tempo.distributed;
  if (!d) throw new Error(`environment '${spec.environment}' runs Tempo monolithic`);
  const generator = spanMetricsSource(spec, topology.traceBackend) === 'tempo' && d.metricsGenerators > 0;
  return { d, generator, roles: tempoRolesOf(d, generator) };
}

function tempoRolesOf(d: ResolvedTempoDistributed, generator: boolean): RoleCount[] {
  return [
    { role: 'distributor', count: d.distributors, ordinals: false },
    { role: 'live-store', count: d.liveStores, ordinals: true },
    { role: 'block-builder', count: d.blockBuilders, ordinals: true },
    { role: 'query-frontend', count: d.queryFrontends, ordinals: false },
    { role: 'querier', count: d.queriers, ordinals: false },
    // one scheduler: "only one scheduler should be running at a time" (plan/size.md)
    { role: 'backend-scheduler', count: 1, ordinals: false },
    { role: 'backend-worker', count: d.backendWorkers, ordinals: false },
    ...(generator ? [{ role: 'metrics-generator' as const, count: d.metricsGenerators, ordinals: false }] : []),
  ];
}

function roleComponent(role: TempoRole, count: number, ordinals: boolean, file: Component['files'][number], generator: boolean): Component {
  const name = TEMPO_ROLE_COMPONENTS[role];
  const ports: ComponentPort[] = [
    // behind the collector: the services' spans reach the distributors only through it
    ...(role === 'distributor'
      ? [
          { name: 'otlp-grpc', port: PORTS.otlpGrpc, purpose: 'otlp-grpc', audience: 'internal' } as const,
          { name: 'otlp-http', port: PORTS.otlpHttp, purpose: 'otlp-http', audience: 'internal' } as const,
        ]
      : []),
    { name: 'http', port: PORTS.tempoHttp, purpose: 'http', audience: 'internal' },
    { name: 'grpc', port: PORTS.tempoGrpc, purpose: 'grpc', audience: 'internal' },
    { name: 'memberlist', port: PORTS.tempoMemberlist, purpose: 'memberlist', audience: 'internal' },
  ];
  return {
    name,
    image: IMAGES.tempo,
    args: [`-config.file=${TEMPO_CONFIG_PATH}`, '-config.expand-env=true', `-target=${role}`],
    ports,
    files: [file],
    env: {},
    secrets: [],
    healthcheck: { test: ['CMD', '/tempo', '-health'], intervalSeconds: 15, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 30, httpPath: '/ready', port: PORTS.tempoHttp },
    volumes: [{ name: 'tempo-data', mountPath: TEMPO_DATA_DIR }],
    user: '10001',
    dependsOn: [],
    flows: flowsOf(role, generator),
    ...(role === 'distributor' ? { otlpSignals: ['traces'] as const } : {}),
    ...(ordinals ? { ordinals: { count, env: TEMPO_ENV.instanceId } } : count > 1 ? { replicas: count } : {}),
    stopTimeoutSeconds: STOP_TIMEOUT_SECONDS.tempo,
    resources: TEMPO_ROLE_RESOURCES[role],
  };
}

function flowsOf(role: TempoRole, generator: boolean): Component['flows'] {
  switch (role) {
    case 'distributor':
      // through the Kafka topic, which is not a component
      return [
        { to: 'tempo-live-store', what: 'spans (Kafka)' },
        { to: 'tempo-block-builder', what: 'spans (Kafka)' },
        ...(generator ? [{ to: 'tempo-metrics-generator', what: 'spans (Kafka)' } as const] : []),
      ];
    case 'query-frontend':
      return [{ to: 'grafana', what: 'traces' }];
    case 'querier':
      return [{ to: 'tempo-query-frontend', what: 'query results' }];
    case 'live-store':
      return [{ to: 'tempo-querier', what: 'recent traces' }];
    case 'metrics-generator':
      return generator ? [{ to: 'prometheus', what: 'span metrics, service graph (remote write)' }] : [];
    default:
      return [];
  }
}

/** Where traces enter Tempo: the monolith, or the distributors. */
export function tempoIngestComponent(spec: ResolvedSpec): ComponentName {
  return spec.tracing.tempo.mode === 'distributed' ? 'tempo-distributor' : 'tempo';
}

/** What Grafana queries: the monolith, or the query-frontends. */
export function tempoQueryComponent(spec: ResolvedSpec): ComponentName {
  return spec.tracing.tempo.mode === 'distributed' ? 'tempo-query-frontend' : 'tempo';
}
