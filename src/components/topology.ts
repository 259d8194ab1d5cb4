import type { LokiStorage } from '../render/loki';
import type { TempoStorage } from '../render/tempo';
import { type Component, type ComponentName, instanceNames } from './component';

export type TraceBackend = 'tempo' | 'jaeger';

/**
 * Where a stack runs, as far as rendered configs care: how components address each other,
 * how the services reach the OTLP receivers, and where Tempo keeps its blocks.
 */
export interface Topology {
  readonly target: 'docker' | 'aws';
  readonly traceBackend: TraceBackend;
  /** The host name other components use for `c` (with replicas: every replica's address). */
  hostOf(c: ComponentName): string;
  /**
   * The name of each of `n` replicas of `c`, where the target names them apart (Docker); on AWS
   * one Cloud Map name answers with every task, so it is `[hostOf(c)]`.
   */
  replicaHosts(c: ComponentName, n: number): string[];
  /**
   * The host of one instance by its name (`instanceNames`): a component's own name gives
   * `hostOf(c)`; an ordinal instance (`tempo-live-store-1`) is found under its own name.
   */
  instanceHost(instance: string): string;
  /** The host the services' SDKs use to reach `entry`, the stack's OTLP entry point. */
  otlpHost(entry: ComponentName): string;
  /** The host Prometheus scrapes a service's metrics endpoint on. */
  serviceHost(service: string): string;
  /** Tempo's block storage. Ignored for Jaeger. */
  readonly tempoStorage: TempoStorage;
  /** Where Loki keeps chunks and index. */
  readonly lokiStorage: LokiStorage;
}

/**
 * Docker: components find each other by network alias; services run on the developer's
 * host, send OTLP to ports published on 127.0.0.1 and are scraped through
 * `host.docker.internal` (mapped to the host gateway, which also works on Linux).
 */
export function dockerTopology(traceBackend: TraceBackend): Topology {
  return {
    target: 'docker',
    traceBackend,
    hostOf: (c) => c,
    replicaHosts: (c, n) => (n <= 1 ? [c] : Array.from({ length: n }, (_, i) => `${c}-${i}`)),
    instanceHost: (i) => i,
    otlpHost: () => 'localhost',
    serviceHost: () => 'host.docker.internal',
    tempoStorage: { kind: 'local', path: '/var/tempo/blocks' },
    lokiStorage: { kind: 'filesystem' },
  };
}

export interface AwsTopologyProps {
  readonly region: string;
  /** Private DNS namespace the components register in (Cloud Map). */
  readonly discoveryDomain: string;
  readonly tracesBucket: string;
  /** Loki's chunks and index (never Tempo's bucket: Tempo reads its top-level prefixes as tenants). */
  readonly logsBucket: string;
  /** @default - SSE-S3 */
  readonly kmsKeyArn?: string;
}

/**
 * AWS: components register in a private DNS namespace; services (in the same VPC) send OTLP
 * to the entry point's discovery name (Tempo's, or the collector's) and register their own metrics endpoint as
 * `<service>.<discoveryDomain>` to be scraped.
 */
export function awsTopology(props: AwsTopologyProps): Topology {
  return {
    target: 'aws',
    traceBackend: 'tempo',
    hostOf: (c) => `${c}.${props.discoveryDomain}`,
    replicaHosts: (c) => [`${c}.${props.discoveryDomain}`],
    instanceHost: (i) => `${i}.${props.discoveryDomain}`,
    otlpHost: (c) => `${c}.${props.discoveryDomain}`,
    serviceHost: (s) => `${s}.${props.discoveryDomain}`,
    tempoStorage: { kind: 's3', bucket: props.tracesBucket, region: props.region, ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}) },
    lokiStorage: { kind: 's3', bucket: props.logsBucket, region: props.region, ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}) },
  };
}

/** The hosts of every instance of `c` (one for a component without ordinals: `hostOf(c.name)`). */
export function instanceHosts(c: Component, topology: Topology): string[] {
  return instanceNames(c).map((n) => topology.instanceHost(n));
}
