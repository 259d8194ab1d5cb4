/**
 * Where `o11y verify` reaches each store of a deployed stack, read from the stack's synthesized
 * manifest (`config/o11y-stack.json`), never from a second list: on Docker the ports the stack
 * publishes on the developer's 127.0.0.1, on AWS the components' Cloud Map names, which resolve
 * only inside the VPC (run verify there, for example as a one-off ECS task).
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ComponentName, ComponentPort, PortPurpose } from '../components/component';
import { STACK_MANIFEST_FILE, type StackManifest } from '../components/stack-manifest';
import type { SpanMetricsSchema } from '../render/span-metrics';

import { VerifyInputError } from './input-error';

export { VerifyInputError };

export interface VerifyEndpoints {
  readonly stack: string;
  readonly environment: string;
  readonly target: StackManifest['target'];
  /** The OTLP/HTTP base URL of the stack's entry point (`/v1/traces` … are appended). */
  readonly otlpHttp: { readonly component: ComponentName; readonly url: string };
  readonly traceStore: { readonly kind: 'jaeger' | 'tempo'; readonly component: ComponentName; readonly url: string };
  readonly prometheus: string;
  readonly loki?: string;
  readonly alertmanager?: string;
  readonly spanMetrics: SpanMetricsSchema;
  /** Rule groups the stack's Prometheus must have loaded (from the rendered rule files). */
  readonly ruleGroups: readonly string[];
}

type ManifestComponent = StackManifest['components'][number];

/** The URL of a component's port as verify reaches it, or why it cannot. */
function urlOf(m: StackManifest, c: ManifestComponent, purpose: PortPurpose, name?: string): string {
  const port: ComponentPort | undefined = c.ports.find((p) => p.purpose === purpose && (name === undefined || p.name === name));
  if (!port) throw new VerifyInputError(`${c.name} has no ${name ?? purpose} port in ${STACK_MANIFEST_FILE}`);
  if (m.target === 'docker') {
    // only what Docker publishes is reachable from the developer's host
    if (port.audience === 'internal') throw new VerifyInputError(`${c.name}'s ${port.name} port ${port.port} is not published by this Docker stack`);
    return `http://127.0.0.1:${port.port}`;
  }
  return `http://${c.host}:${port.port}`;
}

function readManifest(stackDir: string): StackManifest {
  const file = join(stackDir, 'config', STACK_MANIFEST_FILE);
  if (!existsSync(file)) throw new VerifyInputError(`${file} does not exist: synthesize the stack first (npm run synth or cdktf synth)`);
  if (!lstatSync(file).isFile()) throw new VerifyInputError(`${file} is not a regular file`);
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as StackManifest;
    if (!Array.isArray(m.components) || typeof m.spanMetrics !== 'object' || m.spanMetrics === null) throw new Error('components or spanMetrics missing');
    return m;
  } catch (e) {
    throw new VerifyInputError(`${file} is not a stack manifest of this version of o11y-stack (${(e as Error).message}): synthesize the stack again`);
  }
}

/** The rule groups of the rule files rendered for the stack's Prometheus. */
function ruleGroups(stackDir: string): string[] {
  const dir = join(stackDir, 'config', 'prometheus', 'rules');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => ((parse(readFileSync(join(dir, f), 'utf8')) as { groups?: { name: string }[] } | null)?.groups ?? []).map((g) => g.name));
}

/** Every endpoint verify needs for the stack synthesized in `synthDir/stacks/<stack>`. */
export function verifyEndpoints(synthDir: string, stack: string): VerifyEndpoints {
  // a stack id, never a path: `../..` must not lead the manifest read out of the synth output
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(stack)) throw new VerifyInputError(`${JSON.stringify(stack.slice(0, 60))} is not a stack name (letters, digits, '-' and '_')`);
  const stacksDir = join(synthDir, 'stacks');
  const stackDir = join(stacksDir, stack);
  if (!existsSync(stackDir)) {
    const known = existsSync(stacksDir) ? readdirSync(stacksDir).filter((s) => existsSync(join(stacksDir, s, 'config', STACK_MANIFEST_FILE))).sort() : [];
    throw new VerifyInputError(`no synthesized stack '${stack}' in ${synthDir} (${known.length ? `stacks: ${known.join(', ')}` : 'synthesize first: npm run synth'})`);
  }
  const m = readManifest(stackDir);
  const byName = (n: ComponentName) => m.components.find((c) => c.name === n);
  const entryName = m.services[0]?.sendsTo ?? 'otel-collector';
  const entry = byName(entryName);
  if (!entry) throw new VerifyInputError(`the manifest names ${entryName} as the OTLP entry point but lists no such component`);
  const jaeger = byName('jaeger');
  const tempo = byName('tempo') ?? byName('tempo-query-frontend');
  const store = jaeger
    ? { kind: 'jaeger' as const, component: jaeger.name, url: urlOf(m, jaeger, 'http', 'ui') }
    : tempo
      ? { kind: 'tempo' as const, component: tempo.name, url: urlOf(m, tempo, 'http') }
      : undefined;
  if (!store) throw new VerifyInputError('the manifest lists neither Jaeger nor Tempo');
  const prometheus = byName('prometheus');
  if (!prometheus) throw new VerifyInputError('the manifest lists no Prometheus');
  const loki = byName('loki');
  const alertmanager = byName('alertmanager');
  return {
    stack,
    environment: m.environment,
    target: m.target,
    otlpHttp: { component: entry.name, url: urlOf(m, entry, 'otlp-http') },
    traceStore: store,
    prometheus: urlOf(m, prometheus, 'http'),
    ...(loki ? { loki: urlOf(m, loki, 'http') } : {}),
    ...(alertmanager ? { alertmanager: urlOf(m, alertmanager, 'http') } : {}),
    spanMetrics: m.spanMetrics,
    ruleGroups: ruleGroups(stackDir),
  };
}
