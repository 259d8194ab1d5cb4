/**
 * Every provisioned dashboard type-checks against Grafana's own types (@grafana/schema):
 * the JSON is compiled by the TypeScript compiler as an object literal that `satisfies` the
 * schema's `Dashboard`, each panel's `options` and `fieldConfig.defaults.custom` satisfy the
 * panel plugin's `Options`/`FieldConfig`, and each target satisfies `DataQuery`. Object
 * literals get excess-property checks, so a misspelled or mistyped field fails.
 */
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { ALL_DASHBOARDS, arr, Json, obj, ProvisionedDashboard } from './support';

const ROOT = join(__dirname, '..', '..');
/** Not on disk: served to the compiler from memory, placed in the repo so node_modules resolves. */
const VIRTUAL = join(ROOT, 'test', 'dashboards', '__schema_check__.ts');

/** Panel plugin config types in @grafana/schema, by panel type. */
const PANEL_TYPES: Record<string, string> = {
  timeseries: '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen',
  table: '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen',
  nodeGraph: '@grafana/schema/dist/esm/raw/composable/nodegraph/panelcfg/x/NodeGraphPanelCfg_types.gen',
  logs: '@grafana/schema/dist/esm/raw/composable/logs/panelcfg/x/LogsPanelCfg_types.gen',
  stat: '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen',
};

/**
 * The JSON form of a schema type: string enums become their string literals (JSON holds
 * `"absolute"`, not `ThresholdsMode.Absolute`) and numeric enums their numbers; everything
 * else keeps its shape, optionality and types.
 */
const PRELUDE = `
type Jsonify<T> =
  0 extends 1 & T ? unknown :
  T extends string ? \`\${T}\` :
  T extends number ? (\`\${T}\` extends \`\${infer N extends number}\` ? N : number) :
  T extends boolean | null | undefined ? T :
  T extends readonly (infer U)[] ? Jsonify<U>[] :
  T extends object ? { [K in keyof T]: Jsonify<T[K]> } :
  T;
`;

function literal(v: unknown): string {
  return JSON.stringify(v ?? {}, null, 1);
}

/** The TypeScript source that checks one dashboard. */
export function schemaCheckSource(d: Json): string {
  const imports = [`import type { Dashboard, DataQuery } from '@grafana/schema';`];
  const used = new Set<string>();
  const lines: string[] = [`export const dashboard = ${literal(d)} satisfies Jsonify<Dashboard>;`];
  const panels = arr(d.panels).map(obj).flatMap((p) => [p, ...arr(p.panels).map(obj)]);
  panels.forEach((p, i) => {
    const type = String(p.type);
    if (type === 'row') return;
    const module = PANEL_TYPES[type];
    if (!module) {
      lines.push(`export const unknownPanelType${i}: never = ${JSON.stringify(type)};`);
      return;
    }
    const alias = type.replace(/[^A-Za-z]/g, '');
    if (!used.has(type)) {
      imports.push(`import type * as ${alias} from '${module}';`);
      used.add(type);
    }
    lines.push(`export const p${i}Options = ${literal(p.options)} satisfies Jsonify<${alias}.Options>;`);
    const custom = obj(obj(p.fieldConfig).defaults).custom;
    // the node graph plugin has no field config type
    if (custom !== undefined && type !== 'nodeGraph' && type !== 'logs') {
      lines.push(`export const p${i}Custom = ${literal(custom)} satisfies Jsonify<${alias}.FieldConfig>;`);
    }
    arr(p.targets).forEach((t, j) => lines.push(`export const p${i}t${j} = ${literal(t)} satisfies Jsonify<DataQuery> & Record<string, unknown>;`));
  });
  return `${imports.join('\n')}\n${PRELUDE}\n${lines.join('\n')}\n`;
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

/** Compiler diagnostics for the dashboards, one entry per error, with the JSON path where TS gives one. */
function typeCheck(sources: readonly string[]): string[] {
  const files = new Map(sources.map((s, i) => [VIRTUAL.replace('.ts', `${i}.ts`), s]));
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, lang) : getSourceFile(name, lang, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getCurrentDirectory = () => dirname(VIRTUAL);
  const program = ts.createProgram([...files.keys()], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diag) => {
    const where = diag.file && diag.start !== undefined ? diag.file.getLineAndCharacterOfPosition(diag.start) : undefined;
    return `${where ? `line ${where.line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(diag.messageText, '\n')}`;
  });
}

describe("dashboards against Grafana's types (@grafana/schema)", () => {
  it('type-check: every provisioned dashboard of every stack satisfies Dashboard, its panel options and DataQuery', () => {
    const byName = (d: ProvisionedDashboard) => `${d.stack}/${d.output}`;
    expect(ALL_DASHBOARDS.map(byName).length).toBe(25);
    // one program for all dashboards: the schema is loaded once
    expect(typeCheck(ALL_DASHBOARDS.map((d) => schemaCheckSource(d.json)))).toEqual([]);
  });

  const sample = (): Json => structuredClone(ALL_DASHBOARDS.find((d) => d.stack === 'local' && d.output.endsWith('o11y-service-overview.json'))!.json);

  it('fails on a wrong field type in the dashboard (refresh as a number)', () => {
    const d = sample();
    d.refresh = 30;
    expect(typeCheck([schemaCheckSource(d)]).join('\n')).toMatch(/Type 'number' is not assignable to type 'string'/);
  });

  it('fails on a wrong field type in a panel (gridPos.h as a string)', () => {
    const d = sample();
    obj(obj(arr(d.panels)[1]).gridPos).h = '8';
    expect(typeCheck([schemaCheckSource(d)]).join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
  });

  it('fails on an enum value Grafana does not know (legend placement "top")', () => {
    const d = sample();
    obj(obj(obj(arr(d.panels)[1]).options).legend).placement = 'top';
    expect(typeCheck([schemaCheckSource(d)]).join('\n')).toMatch(/Type '"top"' is not assignable to type/);
  });

  it('fails on a target without refId', () => {
    const d = sample();
    delete obj(arr(obj(arr(d.panels)[1]).targets)[0]).refId;
    expect(typeCheck([schemaCheckSource(d)]).join('\n')).toMatch(/Property 'refId' is missing/);
  });

  it('fails on a misspelled dashboard field (excess property)', () => {
    const d = sample();
    d.refesh = '30s';
    expect(typeCheck([schemaCheckSource(d)]).join('\n')).toMatch(/'"refesh"' does not exist in type/);
  });
});
