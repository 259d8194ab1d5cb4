import type { AlertReceiverSpec, AlertRouteSpec, OtlpProtocol, WebhookReceiverSpec, Propagator, SloIndicator, TempoMode } from './types';

/** One SLO of one service. */
export interface ResolvedSlo {
  readonly indicator: SloIndicator;
  /** Percent of good requests, e.g. 99.9. */
  readonly objective: number;
  /** Latency SLOs: the threshold in milliseconds. */
  readonly thresholdMs?: number;
}

/** One service as one environment sees it: every default filled in. */
export interface ResolvedService {
  readonly name: string;
  readonly version?: string;
  readonly namespace?: string;
  readonly protocol: OtlpProtocol;
  readonly samplingRatio: number;
  readonly metrics?: { readonly port: number; readonly path: string };
  /** Extra resource attributes, sorted by key. */
  readonly attributes: Readonly<Record<string, string>>;
  /** In the spec's order; empty when the service has none. */
  readonly slos: readonly ResolvedSlo[];
}

/** The spec for one environment, with defaults and overrides applied. Renderers read only this. */
export interface ResolvedSpec {
  readonly name: string;
  /** The environment (stack) name: `deployment.environment.name`. */
  readonly environment: string;
  readonly services: readonly ResolvedService[];
  readonly propagators: readonly Propagator[];
  readonly tracing: {
    readonly retentionHours: number;
    readonly slowerThanMs: number;
    /** Present when the environment samples in a collector. */
    readonly tailSampling?: ResolvedTailSampling;
    /** How Tempo runs (ignored by a stack whose trace backend is Jaeger). */
    readonly tempo: ResolvedTempo;
  };
  readonly metrics: {
    readonly retentionHours: number;
    readonly scrapeIntervalSeconds: number;
  };
  readonly logs: {
    readonly retentionHours: number;
  };
  readonly slo: {
    /** The SLO window every objective's error budget is counted over. */
    readonly windowHours: number;
  };
  /** The environment's alerting block (its own, else the base spec's), receivers in spec order. */
  readonly alerting: {
    readonly receivers: readonly AlertReceiverSpec[];
    readonly route: AlertRouteSpec;
    /** Where the Watchdog alert pings, if anywhere. */
    readonly heartbeat?: WebhookReceiverSpec;
  };
}

export interface ResolvedTailSampling {
  readonly keepErrors: boolean;
  readonly slowerThanMs: number;
  /** Fraction of the other traces kept, 0..1. */
  readonly ratio: number;
  readonly decisionWaitSeconds: number;
  readonly expectedSpansPerSecond: number;
  /** Tail-sampling collectors; 2 or more puts a load-balancing tier in front of them. */
  readonly samplers: number;
}

export interface ResolvedTempo {
  readonly mode: TempoMode;
  /** `spec`: tracing.mode said so; `volume`: the ingested spans/s decided (docs/tempo-distributed.md). */
  readonly modeFrom: 'spec' | 'volume';
  /**
   * Spans/s Tempo ingests where the spec tells (tail sampling: expectedSpansPerSecond × ratio, a
   * lower bound: kept errors and slow traces come on top).
   * @default - unknown
   */
  readonly ingestSpansPerSecond?: number;
  /** Present in distributed mode. */
  readonly distributed?: ResolvedTempoDistributed;
}

export interface ResolvedTempoDistributed {
  readonly partitions: number;
  readonly liveStores: number;
  readonly blockBuilders: number;
  readonly distributors: number;
  readonly queriers: number;
  readonly queryFrontends: number;
  readonly backendWorkers: number;
  /** 0 where the collector computes span metrics (Tempo's generator is off). */
  readonly metricsGenerators: number;
  readonly kafka: {
    readonly instanceType: string;
    readonly retentionHours: number;
    /** @default - computed by the target from the ingested bytes and its broker count */
    readonly volumeGiB?: number;
  };
}
