/**
 * Checks an otel-collector.yaml against test/fixtures/otelcol/contrib-components.yaml, the
 * component settings of the contrib distribution written down from upstream config.go and
 * config.schema.yaml files (sources in the fixture's header). The collector refuses to start on
 * an unknown key, and there is no collector binary here, so the fixture is the reference.
 *
 * How the fixture is read:
 * - a mapping lists the keys allowed at that place; a leaf holds the upstream default, or null
 *   where there is none or the value is free-form (endpoints, header maps, id lists);
 * - a list of structs is a one-element list whose element describes every item;
 * - components are configured as `type` or `type/name`: only the type is listed;
 * - `service.pipelines` lists one pipeline (`traces`); every pipeline, `<signal>[/<name>]` with
 *   signal traces, metrics or logs, has that shape;
 * - a deprecated component type is a YAML alias of its canonical type.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlias, isMap, isScalar, parse, parseDocument } from 'yaml';
import { describeValue } from '../../src/spec/issues';

export const OTELCOL_REFERENCE_FILE = join(__dirname, '..', 'fixtures', 'otelcol', 'contrib-components.yaml');

/** Config sections whose keys are component ids (`type[/name]`). */
export const COMPONENT_SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
export type ComponentSection = (typeof COMPONENT_SECTIONS)[number];

/** Pipeline signals: the fixture's comment on `service.pipelines` (open-telemetry/opentelemetry-collector pipeline ids). */
export const PIPELINE_SIGNALS: readonly string[] = ['traces', 'metrics', 'logs'];

type Json = Record<string, unknown>;

export function isJsonMap(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface OtelcolReference {
  readonly tree: Json;
  /** Deprecated component types, by section: alias → canonical type (from the fixture's YAML aliases). */
  readonly deprecated: Readonly<Record<ComponentSection, ReadonlyMap<string, string>>>;
}

export function loadOtelcolReference(file: string = OTELCOL_REFERENCE_FILE): OtelcolReference {
  const text = readFileSync(file, 'utf8');
  const tree: unknown = parse(text);
  if (!isJsonMap(tree)) throw new Error(`${file} is not a YAML mapping`);
  const doc = parseDocument(text);
  const deprecated = {} as Record<ComponentSection, Map<string, string>>;
  for (const section of COMPONENT_SECTIONS) {
    const aliases = new Map<string, string>();
    const node = doc.get(section, true);
    if (isMap(node)) {
      const anchored = new Map<string, string>();
      for (const pair of node.items) {
        const value = pair.value as { anchor?: string } | null;
        if (isScalar(pair.key) && value && typeof value.anchor === 'string') anchored.set(value.anchor, String(pair.key.value));
      }
      for (const pair of node.items) {
        if (isScalar(pair.key) && isAlias(pair.value)) {
          const canonical = anchored.get(pair.value.source);
          if (!canonical) throw new Error(`${file}: ${section}.${String(pair.key.value)} aliases an anchor no ${section} type carries`);
          aliases.set(String(pair.key.value), canonical);
        }
      }
    }
    deprecated[section] = aliases;
  }
  return { tree, deprecated };
}

/** The type part of a component or pipeline id. */
export function idType(id: string): string {
  return id.split('/')[0];
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${describeValue(v)}`;
}

/**
 * Every key path of `config` the reference does not know, and every value whose shape or
 * scalar type differs from the reference's default. Empty when the collector would parse it.
 */
export function otelcolConfigProblems(config: unknown, ref: OtelcolReference): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, expected: unknown, path: string): void => {
    if (expected === null || expected === undefined) return; // free-form in the reference
    if (isJsonMap(expected)) {
      if (!isJsonMap(value)) {
        problems.push(`${path}: expected a mapping like the reference, got ${kindOf(value)}`);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        const p = path === '' ? k : `${path}.${k}`;
        if (path === '' && (COMPONENT_SECTIONS as readonly string[]).includes(k)) {
          components(v, expected[k], k);
        } else if (path === 'service' && k === 'pipelines') {
          pipelines(v, expected[k], p);
        } else if (!(k in expected)) {
          problems.push(`${p}: not in the reference (contrib-components.yaml)`);
        } else {
          walk(v, expected[k], p);
        }
      }
      return;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(value)) {
        problems.push(`${path}: expected a list like the reference, got ${kindOf(value)}`);
        return;
      }
      if (expected.length > 0) value.forEach((item, i) => walk(item, expected[0], `${path}[${i}]`));
      return;
    }
    // a scalar default: the same scalar type
    if (isJsonMap(value) || Array.isArray(value) || typeof value !== typeof expected) {
      problems.push(`${path}: expected a ${typeof expected} like the reference's default (${JSON.stringify(expected)}), got ${kindOf(value)}`);
    }
  };
  const components = (value: unknown, expected: unknown, section: string): void => {
    if (!isJsonMap(value)) {
      problems.push(`${section}: expected a mapping of component ids, got ${kindOf(value)}`);
      return;
    }
    const known = isJsonMap(expected) ? expected : {};
    for (const [id, body] of Object.entries(value)) {
      const type = idType(id);
      if (!(type in known)) problems.push(`${section}.${id}: no ${section.slice(0, -1)} type '${type}' in the reference (known: ${Object.keys(known).join(', ')})`);
      // a component without settings (`health_check:`) takes every default
      else if (body !== null) walk(body, known[type], `${section}.${id}`);
    }
  };
  const pipelines = (value: unknown, expected: unknown, path: string): void => {
    if (!isJsonMap(value)) {
      problems.push(`${path}: expected a mapping of pipeline ids, got ${kindOf(value)}`);
      return;
    }
    const shape = isJsonMap(expected) ? expected.traces : undefined;
    for (const [id, body] of Object.entries(value)) {
      if (!PIPELINE_SIGNALS.includes(idType(id))) problems.push(`${path}.${id}: '${idType(id)}' is not a pipeline signal (${PIPELINE_SIGNALS.join(', ')})`);
      else walk(body, shape, `${path}.${id}`);
    }
  };
  walk(config, ref.tree, '');
  return problems;
}

/**
 * What the collector checks when it builds its pipelines: every id a pipeline names is defined
 * in its section (connectors count as receivers and exporters), every connector is both
 * exported to and received from, and every extension the service enables is defined.
 */
export function otelcolPipelineProblems(config: unknown): string[] {
  const c = isJsonMap(config) ? config : {};
  const section = (s: string): Json => (isJsonMap(c[s]) ? (c[s] as Json) : {});
  const service = section('service');
  const pipes = isJsonMap(service.pipelines) ? service.pipelines : {};
  const problems: string[] = [];
  const connectors = Object.keys(section('connectors'));
  const exportedTo = new Set<string>();
  const receivedFrom = new Set<string>();
  for (const [id, raw] of Object.entries(pipes)) {
    const p = isJsonMap(raw) ? raw : {};
    const list = (k: string): string[] => (Array.isArray(p[k]) ? (p[k] as unknown[]).map(String) : []);
    if (list('receivers').length === 0) problems.push(`service.pipelines.${id}.receivers: a pipeline needs at least one receiver`);
    if (list('exporters').length === 0) problems.push(`service.pipelines.${id}.exporters: a pipeline needs at least one exporter`);
    for (const r of list('receivers')) {
      if (connectors.includes(r)) receivedFrom.add(r);
      else if (!(r in section('receivers'))) problems.push(`service.pipelines.${id}.receivers: '${r}' is neither a configured receiver nor a connector`);
    }
    for (const x of list('processors')) if (!(x in section('processors'))) problems.push(`service.pipelines.${id}.processors: '${x}' is not a configured processor`);
    for (const e of list('exporters')) {
      if (connectors.includes(e)) exportedTo.add(e);
      else if (!(e in section('exporters'))) problems.push(`service.pipelines.${id}.exporters: '${e}' is neither a configured exporter nor a connector`);
    }
  }
  for (const k of connectors) {
    if (!exportedTo.has(k)) problems.push(`connectors.${k}: no pipeline exports to it`);
    if (!receivedFrom.has(k)) problems.push(`connectors.${k}: no pipeline receives from it`);
  }
  const extensions = Array.isArray(service.extensions) ? service.extensions.map(String) : [];
  for (const x of extensions) if (!(x in section('extensions'))) problems.push(`service.extensions: '${x}' is not a configured extension`);
  return problems;
}

/** Component ids of the config whose type is a deprecated alias, with the canonical type to use. */
export function deprecatedComponentTypes(config: unknown, ref: OtelcolReference): string[] {
  const c = isJsonMap(config) ? config : {};
  const out: string[] = [];
  for (const s of COMPONENT_SECTIONS) {
    for (const id of Object.keys(isJsonMap(c[s]) ? (c[s] as Json) : {})) {
      const canonical = ref.deprecated[s].get(idType(id));
      if (canonical) out.push(`${s}.${id}: '${idType(id)}' is a deprecated alias of '${canonical}'`);
    }
  }
  return out;
}

/** A Go duration (`1s`, `500ms`, `1m30s`) in milliseconds; NaN if it is not one. */
export function goDurationMs(text: unknown): number {
  if (typeof text !== 'string' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return NaN;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * unit[m[2]];
  return ms;
}
