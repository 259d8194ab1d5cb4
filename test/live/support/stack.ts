/**
 * Runs a plan's components as real processes, one network namespace each, with the rendered
 * files byte for byte at their container paths under a per-component root (only the paths in
 * the flags are prefixed with that root). Tempo, Loki and Grafana are AGPL and are not run: a
 * real Jaeger answers OTLP under Tempo's host name, rendered by our own Jaeger component, and a
 * collector takes OTLP logs on Loki's port and path.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Component, ComponentName, preludeEntrypoint } from '../../../src/components/component';
import { jaegerComponent } from '../../../src/components/jaeger';
import type { StackPlan } from '../../../src/components/plan';
import { pollUntil } from '../../support/prometheus-harness';
import { binary } from './binaries';
import { liveCollector } from './live-plans';
import { lokiStandIn } from './loki-stand-in';
import type { Host, LiveNetwork, LiveProcess } from './netns';

/** Components that run here, and the binary each runs. Tempo is stood in for, Grafana is not run. */
export type Binaries = Partial<Record<ComponentName, string>>;

/** Prometheus, Jaeger, Alertmanager and the live collector build, which also stands in for Loki (see loki-stand-in.ts). */
export function defaultBinaries(): Binaries {
  const collector = liveCollector().binary;
  return { prometheus: binary('prometheus', 'prometheus'), jaeger: binary('jaeger', 'jaeger'), 'otel-collector': collector, 'otel-sampler': collector, loki: collector, alertmanager: binary('alertmanager', 'alertmanager') };
}

/**
 * A value for every secret the plan's components ask to be given (the alert receivers'): where
 * a test does not deliver anywhere, an address that cannot resolve (`.invalid`, RFC 2606).
 */
export function placeholderSecrets(plan: StackPlan): Record<string, string> {
  return Object.fromEntries(plan.components.flatMap((c) => c.secrets.filter((s) => s.source === 'provided').map((s) => [s.name, `https://${s.name}.invalid/o11y-live-test`])));
}

/** Where the Loki stand-in of a stack started in `runDir` writes the log records it receives. */
export function lokiReceivedFile(runDir: string): string {
  return join(runDir, 'loki-received', 'logs.jsonl');
}

export interface RunningComponent {
  readonly component: Component;
  readonly host: Host;
  readonly process: LiveProcess;
  /** `http://<ip>:<port>` of a port the component declares. */
  url(port: number): string;
}

export interface RunningStack {
  readonly network: LiveNetwork;
  /** Each component, its first replica where it has several. */
  readonly components: Partial<Record<ComponentName, RunningComponent>>;
  /** Every replica of a component with several (`otel-sampler-0`…), in order. */
  readonly replicas: Partial<Record<ComponentName, RunningComponent[]>>;
  /** The developer's host (Docker) or a host in the VPC (AWS): where the services run. */
  readonly servicesHost: Host;
}

/**
 * Writes a component's files under `root` at their container paths and maps its args there. A
 * volume's path is mapped in the files too (the collector's file_storage directory), so each
 * instance keeps its data under its own root, as each container has its own volume.
 */
export function placeComponent(c: Component, root: string): string[] {
  const paths = [...c.files.map((f) => f.mountPath), ...c.volumes.map((v) => v.mountPath)].sort((a, b) => b.length - a.length);
  for (const f of c.files) {
    const at = join(root, f.mountPath);
    mkdirSync(dirname(at), { recursive: true });
    const content = c.volumes.reduce((text, v) => text.replace(new RegExp(`(?<=^|[\\s"':=])${v.mountPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s"'/])`, 'gm'), `${root}${v.mountPath}`), f.content);
    writeFileSync(at, content);
  }
  for (const v of c.volumes) mkdirSync(join(root, v.mountPath), { recursive: true });
  return c.args.map((a) => {
    for (const p of paths) {
      const i = a.indexOf(p);
      if (i >= 0 && (i === 0 || a[i - 1] === '=')) return `${a.slice(0, i)}${root}${a.slice(i)}`;
    }
    return a;
  });
}

/** How to tell a component is up: its own health check's HTTP endpoint, the endpoint its probe sidecar checks, or its health port. */
export function healthEndpoint(c: Component): { port: number; path: string } {
  if (c.healthcheck) return { port: c.healthcheck.port, path: c.healthcheck.httpPath };
  // what the ECS sidecar probes for an image without a shell
  if (c.healthProbe) return { port: c.healthProbe.port, path: c.healthProbe.httpPath };
  const health = c.ports.find((p) => p.purpose === 'health');
  if (!health) throw new Error(`${c.name} declares neither a health check nor a health port`);
  return { port: health.port, path: '/' };
}

export async function waitHealthy(r: RunningComponent, deadlineMs = 60_000): Promise<number> {
  const { port, path } = healthEndpoint(r.component);
  const started = Date.now();
  await pollUntil(`${r.component.name} healthy at ${r.url(port)}${path}`, deadlineMs, async () => {
    if (r.process.child.exitCode !== null) throw new Error(`${r.component.name} exited (${r.process.child.exitCode}): ${r.process.output().slice(-2000)}`);
    const res = await fetch(`${r.url(port)}${path}`);
    return res.ok ? { value: true, seen: 'ok' } : { seen: `HTTP ${res.status}` };
  }).catch((e) => {
    throw new Error(`${(e as Error).message}\n--- ${r.component.name} output ---\n${r.process.output().slice(-3000)}`);
  });
  return Date.now() - started;
}

/**
 * Starts every component of `plan` that has a binary, each on its own host named as the plan's
 * topology names it (and Tempo's name on a Jaeger stand-in when the plan has Tempo: the monolith's,
 * or the distributors' where Tempo is distributed). Docker
 * stacks publish their non-internal ports on the services host's 127.0.0.1, as Docker does.
 */
export async function startStack(plan: StackPlan, network: LiveNetwork, runDir: string, binaries: Binaries, opts: { readonly secrets?: Readonly<Record<string, string>> } = {}): Promise<RunningStack> {
  const t = plan.topology;
  const toRun: Component[] = [];
  for (const c of plan.components) {
    // Tempo's ingest (the monolith, or distributed Tempo's distributors) on the stand-in; its other roles do not run
    if (c.name === 'tempo' || c.name === 'tempo-distributor') toRun.push({ ...jaegerComponent(), name: c.name } as Component);
    else if (c.name === 'loki' && binaries.loki) {
      mkdirSync(dirname(lokiReceivedFile(runDir)), { recursive: true });
      toRun.push(lokiStandIn(lokiReceivedFile(runDir)));
    }
    else if (binaries[c.name]) toRun.push(c);
  }
  // a component with replicas gets a host per replica, each answering to its own name and to the
  // component's (one name for all, as Docker's network alias and a Cloud Map name do)
  const hosts = new Map<ComponentName, { host: Host; replicaName: string }[]>();
  for (const c of toRun) {
    const n = c.replicas ?? 1;
    const names = n > 1 ? Array.from({ length: n }, (_, i) => `${c.name}-${i}`) : [c.name];
    hosts.set(c.name, names.map((r) => ({ replicaName: r, host: network.addHost(r, n > 1 ? [r, t.hostOf(c.name)] : [t.hostOf(c.name)]) })));
  }
  const serviceNames = t.target === 'docker' ? ['host.docker.internal'] : plan.spec.services.map((s) => t.serviceHost(s.name));
  const servicesHost = network.addHost('services', serviceNames);
  network.writeHostsFiles();

  const components: Partial<Record<ComponentName, RunningComponent>> = {};
  const replicas: Partial<Record<ComponentName, RunningComponent[]>> = {};
  // the provided secrets arrive as the targets pass them (environment variables), and the
  // component's own prelude turns them into the files its config reads
  const secrets = opts.secrets ?? placeholderSecrets(plan);
  for (const c of toRun) {
    const bin = c.name === 'tempo' || c.name === 'tempo-distributor' ? binaries.jaeger! : binaries[c.name]!;
    const env: Record<string, string> = Object.fromEntries(c.secrets.filter((s) => s.source === 'provided').map((s) => [s.env, secrets[s.name] ?? '']));
    const entry = preludeEntrypoint(c, bin);
    for (const { host, replicaName } of hosts.get(c.name)!) {
      // each replica on its own root: its own volumes (a sampler's persistent queue), as in Docker
      const args = placeComponent(c, join(runDir, (c.replicas ?? 1) > 1 ? replicaName : c.name));
      // Docker and Fargate set HOSTNAME per container; a sampler labels its series with it
      const replicaEnv = (c.replicas ?? 1) > 1 ? { ...env, HOSTNAME: replicaName } : env;
      const process = entry ? network.spawn(host, replicaName, entry[0], [...entry.slice(1), ...args], replicaEnv) : network.spawn(host, replicaName, bin, args, replicaEnv);
      const running: RunningComponent = { component: c, host, process, url: (port) => `http://${host.ip}:${port}` };
      components[c.name] ??= running;
      (replicas[c.name] ??= []).push(running);
    }
  }
  if (t.target === 'docker') {
    // Docker publishes these on 127.0.0.1 of the developer's host (docker-proxy does the same)
    const forwards = toRun.flatMap((c) => c.ports.filter((p) => p.audience !== 'internal').map((p) => `${p.port}=${hosts.get(c.name)![0].host.ip}:${p.port}`));
    network.spawn(servicesHost, 'published-ports', process.execPath, [join(__dirname, 'forward.js'), ...forwards]);
  }
  await Promise.all(Object.values(replicas).flat().map((r) => waitHealthy(r!)));
  return { network, components, replicas, servicesHost };
}
