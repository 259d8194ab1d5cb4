import { SPAN_METRICS, spanMetricsSource, type SpanMetricsSchema } from '../render/span-metrics';
import type { ResolvedSpec } from '../spec/resolved';
import type { Component, ComponentName, ComponentPort } from './component';
import { imageRef } from './component';
import type { Topology } from './topology';

/** The file beside the rendered configs that says what the stack is, for reviews and humans. */
export const STACK_MANIFEST_FILE = 'o11y-stack.json';

/** One node of the stack's data-flow graph: a component, or a service (`service:<name>`). */
export type FlowNode = ComponentName | `service:${string}`;

export interface StackManifestFlow {
  readonly from: FlowNode;
  readonly to: FlowNode;
  readonly what: string;
}

/**
 * A summary of one stack, written as `config/o11y-stack.json` on synth: what runs (images,
 * ports), which services send where with which sampling, and how data flows between
 * them. `o11y review` draws the topology from it; it carries no secret and no absolute path.
 */
export interface StackManifest {
  readonly name: string;
  readonly environment: string;
  readonly target: Topology['target'];
  readonly traceBackend: Topology['traceBackend'];
  readonly components: readonly {
    readonly name: ComponentName;
    readonly image: string;
    /**
     * The name the stack's own network resolves it by (`prometheus` on Docker, its Cloud Map name
     * on AWS): what `o11y verify` reaches from inside the VPC. On Docker, the ports whose audience
     * is not `internal` are also published on the developer's 127.0.0.1.
     */
    readonly host: string;
    readonly ports: readonly ComponentPort[];
    /** Instances, where more than one (the samplers). */
    readonly replicas?: number;
    /** Instances each with its own ordinal (`Component.ordinals`): distributed Tempo's live-stores and block-builders. */
    readonly instances?: number;
  }[];
  readonly services: readonly {
    readonly name: string;
    readonly protocol: string;
    /** `OTEL_EXPORTER_OTLP_ENDPOINT` of the service. */
    readonly endpoint: string;
    /** The component the endpoint reaches. */
    readonly sendsTo: ComponentName;
    readonly sampler: string;
    readonly samplerArg?: string;
    /** The metrics endpoint Prometheus scrapes, if any. */
    readonly metricsPort?: number;
  }[];
  readonly flows: readonly StackManifestFlow[];
  /** Who turns spans into RED metrics, and the series and labels they land under in Prometheus. */
  readonly spanMetrics: SpanMetricsSchema;
}

export interface ManifestInput {
  readonly spec: ResolvedSpec;
  readonly topology: Topology;
  readonly components: readonly Component[];
  readonly serviceEnvs: readonly { readonly service: string; readonly env: Readonly<Record<string, string>> }[];
  /** The component that receives the services' OTLP. */
  readonly otlpEntry: ComponentName;
}

export function renderStackManifest(input: ManifestInput): StackManifest {
  const { spec, topology, components, serviceEnvs, otlpEntry } = input;
  // by name, not a search per service: at 10,000 services a search each was 1.2 s of a validate
  const envOf = new Map(serviceEnvs.map((e) => [e.service, e.env]));
  const services = spec.services.map((s) => {
    const env = envOf.get(s.name)!;
    return {
      name: s.name,
      protocol: s.protocol,
      endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      sendsTo: otlpEntry,
      sampler: env.OTEL_TRACES_SAMPLER,
      ...(env.OTEL_TRACES_SAMPLER_ARG !== undefined ? { samplerArg: env.OTEL_TRACES_SAMPLER_ARG } : {}),
      ...(s.metrics ? { metricsPort: s.metrics.port } : {}),
    };
  });
  const flows: StackManifestFlow[] = [
    ...services.map((s) => ({ from: `service:${s.name}` as const, to: s.sendsTo, what: `traces (OTLP ${s.protocol})` })),
    ...services.filter((s) => s.metricsPort !== undefined).map((s) => ({ from: `service:${s.name}` as const, to: 'prometheus' as const, what: 'metrics (scrape)' })),
    ...components.flatMap((c) => c.flows.map((f) => ({ from: c.name, to: f.to, what: f.what }))),
  ];
  return {
    name: spec.name,
    environment: spec.environment,
    target: topology.target,
    traceBackend: topology.traceBackend,
    components: components.map((c) => ({ name: c.name, image: imageRef(c), host: topology.hostOf(c.name), ports: c.ports, ...((c.replicas ?? 1) > 1 ? { replicas: c.replicas } : {}), ...(c.ordinals ? { instances: c.ordinals.count } : {}) })),
    services,
    flows,
    spanMetrics: SPAN_METRICS[spanMetricsSource(spec, topology.traceBackend)],
  };
}
