import { formatEnv, OtlpEndpoints, renderOtelEnv } from '../render/otel-env';
import type { ResolvedSpec } from '../spec/resolved';
import { Component, ComponentName, portOf } from './component';
import { alertmanagerComponent } from './alertmanager';
import { collectorComponent, isScaledOut, samplerComponent } from './otel-collector';
import { grafanaComponent } from './grafana';
import { jaegerComponent } from './jaeger';
import { lokiComponent } from './loki';
import { prometheusComponent } from './prometheus';
import { tempoComponent } from './tempo';
import { tempoDistributedComponents } from './tempo-distributed';
import { renderStackManifest, STACK_MANIFEST_FILE } from './stack-manifest';
import { probeImage } from './health-probe';
import { StackImagesProps, withStackImages } from './stack-images';
import type { Topology } from './topology';
import { toJson } from '../render/serialize';

/** A rendered file of the stack: config of a component, or a service's OTEL env. */
export interface RenderedFile {
  /** Path under `cdktf.out/stacks/<stack>/config/`. */
  readonly output: string;
  readonly content: string;
}

export interface ServiceEnv {
  readonly service: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Everything one stack runs and hands out, before any target places it. */
export interface StackPlan {
  readonly spec: ResolvedSpec;
  readonly topology: Topology;
  readonly components: readonly Component[];
  readonly serviceEnvs: readonly ServiceEnv[];
  /** Every rendered file, sorted by path: the `config/` folder of the stack. */
  readonly files: readonly RenderedFile[];
  /** The image that installs the health probe on Docker (health-probe.ts): pinned, or through the `images` registry. */
  readonly probeImage: string;
}

/** The component the services send OTLP to: the collector when the stack has one (every stack now), else the trace store. */
export function otlpEntry(components: readonly Component[], topology: Topology): ComponentName {
  return components.some((c) => c.name === 'otel-collector') ? 'otel-collector' : topology.traceBackend;
}

/** The OTLP URLs of the stack's entry point, from the ports that component declares. */
export function otlpEndpoints(components: readonly Component[], topology: Topology): OtlpEndpoints {
  const name = otlpEntry(components, topology);
  const entry = components.find((c) => c.name === name)!;
  return {
    grpc: `http://${topology.otlpHost(name)}:${portOf(entry, 'otlp-grpc')!.port}`,
    'http/protobuf': `http://${topology.otlpHost(name)}:${portOf(entry, 'otlp-http')!.port}`,
    signals: entry.otlpSignals ?? [],
  };
}

/** The entry point's URLs by protocol (the stacks' `otlp-endpoints` output). */
export function otlpUrls(components: readonly Component[], topology: Topology): { grpc: string; 'http/protobuf': string } {
  const e = otlpEndpoints(components, topology);
  return { grpc: e.grpc, 'http/protobuf': e['http/protobuf'] };
}

/** `images`: where the components' images come from (the stacks' `images` prop); the pinned images when not given. */
export function planStack(spec: ResolvedSpec, topology: Topology, images?: StackImagesProps): StackPlan {
  // every stack: one collector takes all three signals (docs/architecture.md, "One OTLP entry point")
  const trace = topology.traceBackend === 'jaeger' ? [jaegerComponent()] : spec.tracing.tempo.mode === 'distributed' ? tempoDistributedComponents(spec, topology) : [tempoComponent(spec, topology)];
  const scaled = isScaledOut(spec);
  const names: ComponentName[] = [...trace.map((c) => c.name), 'otel-collector', ...(scaled ? ['otel-sampler' as const] : []), 'prometheus', 'loki', 'alertmanager', 'grafana'];
  const pinned = [
    ...trace,
    collectorComponent(spec, topology),
    // several samplers behind the collector, which becomes their load-balancing tier
    ...(scaled ? [samplerComponent(spec, topology)] : []),
    prometheusComponent(spec, topology, names),
    lokiComponent(spec, topology),
    alertmanagerComponent(spec),
    grafanaComponent(spec, topology),
  ];
  const components = withStackImages(pinned, images);
  const endpoints = otlpEndpoints(components, topology);
  const serviceEnvs = spec.services.map((s) => ({ service: s.name, env: renderOtelEnv(s, spec, endpoints) }));
  // distributed Tempo's roles share one tempo.yaml: listed once, and it must be one file
  const componentFiles = new Map<string, string>();
  for (const f of components.flatMap((c) => c.files)) {
    const seen = componentFiles.get(f.output);
    if (seen !== undefined && seen !== f.content) throw new Error(`two components render config/${f.output} with different contents`);
    componentFiles.set(f.output, f.content);
  }
  const files: RenderedFile[] = [
    ...[...componentFiles].map(([output, content]) => ({ output, content })),
    ...serviceEnvs.map((e) => ({ output: `otel/${e.service}.env`, content: formatEnv(e.env, 'dotenv') })),
    { output: STACK_MANIFEST_FILE, content: toJson(renderStackManifest({ spec, topology, components, serviceEnvs, otlpEntry: otlpEntry(components, topology) })) },
  ].sort((a, b) => (a.output < b.output ? -1 : 1));
  return { spec, topology, components, serviceEnvs, files, probeImage: probeImage(images) };
}

export function component(plan: StackPlan, name: Component['name']): Component | undefined {
  return plan.components.find((c) => c.name === name);
}

export function fileContent(plan: StackPlan, output: string): string | undefined {
  return plan.files.find((f) => f.output === output)?.content;
}
