/**
 * schema/o11y.schema.json, the JSON Schema editors check o11y.yaml with: it is what
 * `npm run schema` generates now, a real validator (Ajv, draft 2020-12 and draft-07) accepts
 * every spec the loader accepts and rejects the loader's shape problems at the same paths, and
 * it knows the same keys at the same places as the schema the loader runs. The rules only the
 * loader checks are named in the schema's $comment, and this file shows each one let through.
 */
import { BOUNDARY_VALUES, EVERY_SHAPE_PROBLEM } from '../support/invalid-spec';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loaderOnlyRules, SCHEMA_FILE, specJsonSchemaText } from '../../scripts/json-schema';
import { Issue } from '../../src/spec/issues';
import { loadSpec } from '../../src/spec/load';
import { isPlainObject, JSON_SCHEMA_KEYWORDS, JsonSchema, JsonValue, joinPath } from '../../src/spec/schema-kit';
import { specIssues } from '../../src/spec/validate';

const REPO = join(__dirname, '..', '..');
const EXAMPLE_FILE = join(REPO, 'stacks', 'o11y.yaml');
const CONSUMER_FILE = join(REPO, 'test', 'fixtures', 'consumer', 'stacks', 'o11y.yaml');
const MODELINE = '# yaml-language-server: $schema=../schema/o11y.schema.json';

const committedText = readFileSync(SCHEMA_FILE, 'utf8');
const schema = JSON.parse(committedText) as JsonSchema;

function validator(ajv: Ajv, s: JsonSchema): ValidateFunction {
  // an annotation for editors (VS Code, yaml-language-server): the loader's words for a pattern
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  return ajv.compile(s);
}
const options = { allErrors: true, strict: true, allowUnionTypes: true } as const;
const ajv2020 = new Ajv2020(options);
const validate2020 = validator(ajv2020, schema);
// yaml-language-server implements draft-07: the schema must mean the same there
const { $schema: _draft, ...schema07 } = schema;
const validate07 = validator(new Ajv(options), schema07);

type Json = Record<string, unknown>;

/** The loader's problems, as `path: message`. */
const loaderProblems = (value: unknown): string[] => specIssues(value).map((i) => `${i.path}: ${i.message}`);

/** The messages of the schema kit itself (src/spec/schema-kit.ts): shape problems, not `refine` rules. */
const SHAPE_MESSAGE =
  /^(must be (a string|a number|an integer|true or false|a list|a map), not .+|must not be empty|must be (at least|at most) \d+ characters|must match .+|must be an integer|must be (between \S+ and \S+|at least \S+|at most \S+)|must be one of .+|must list at least \d+ .+|may list at most \d+ .+|unknown key.*|is required)$/;
const isShape = (i: Issue) => SHAPE_MESSAGE.test(i.message);

/** `/services/0/metrics/port` → `services[0].metrics.port`, the loader's spelling. */
function loaderPath(value: unknown, pointer: string): string {
  let path = '';
  let at: unknown = value;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) {
      path += `[${seg}]`;
      at = at[Number(seg)];
    } else {
      path = joinPath(path, seg);
      at = (at as Json)[seg];
    }
  }
  return path;
}

/** Where Ajv finds problems, as the loader names paths: a missing, unknown or malformed key is the key's own path. */
function schemaProblemPaths(value: unknown, errors: readonly ErrorObject[] | null | undefined): string[] {
  const paths = new Set<string>();
  for (const e of errors ?? []) {
    const at = loaderPath(value, e.instancePath);
    const p = e.params as { missingProperty?: string; additionalProperty?: string; propertyName?: string };
    const key = p.missingProperty ?? p.additionalProperty ?? p.propertyName ?? (e as { propertyName?: string }).propertyName;
    paths.add(key === undefined ? at : joinPath(at, key));
  }
  return [...paths].sort();
}

function schemaVerdict(value: unknown): { valid: boolean; paths: string[] } {
  const valid = validate2020(value);
  const paths = schemaProblemPaths(value, validate2020.errors);
  expect(validate07(value)).toBe(valid);
  return { valid, paths };
}

const shapePaths = (value: unknown): string[] => [...new Set(specIssues(value).filter(isShape).map((i) => i.path))].sort();

// ---------------------------------------------------------------------------------------------
// Specs, from the validation tests (test/spec/validate.test.ts, tail-sampling.test.ts,
// test/render/alertmanager.test.ts)

const SERVICES = [{ name: 'checkout' }, { name: 'cart' }, { name: 'catalog' }];
const spec = (top: Json = {}): Json => ({ name: 'shop', services: SERVICES, ...top });
const withService = (patch: Json, index = 0): Json => spec({ services: SERVICES.map((s, i) => (i === index ? { ...s, ...patch } : s)) });
const withTail = (tailSampling: unknown): Json => spec({ tracing: { tailSampling } });
const withAlerting = (alerting: unknown): Json => spec({ alerting });
const withSlos = (slos: unknown): Json => withService({ slos });

const VALID: [string, unknown][] = [
  ['the example, stacks/o11y.yaml', parse(readFileSync(EXAMPLE_FILE, 'utf8'))],
  ["the package test's consumer spec", parse(readFileSync(CONSUMER_FILE, 'utf8'))],
  ['one service', { name: 'shop', services: [{ name: 'checkout' }] }],
  ['three services', spec()],
  ['the boundary values of every range', BOUNDARY_VALUES],
  ['keys written without a value (YAML null)', spec({ sampling: null, tracing: null, environments: null })],
  ['attribute keys with letters, digits, dots, underscores and dashes', withService({ attributes: { team: 'a', 'app.tier': 'b', k8s_pod: 'c', 'x-y': 'd', A1: 'e' } })],
  [
    'an availability and a latency SLO, and an SLO window per environment',
    { ...withSlos([{ name: 'availability', objective: 99.9 }, { name: 'latency', objective: 99, threshold: '300ms' }]), environments: { prod: { slo: { window: '30d' } } } },
  ],
  ['an empty tailSampling block', withTail({})],
  ['tailSampling at its lower bounds', withTail({ enabled: true, keepErrors: false, slowerThan: '1ms', ratio: 0, decisionWait: '1s', expectedSpansPerSecond: 1 })],
  ['tailSampling at its upper bounds', withTail({ ratio: 1, decisionWait: '5m', expectedSpansPerSecond: 31_429 })],
  ['a decisionWait in seconds', withTail({ decisionWait: '300s' })],
  ['an environment that turns tail sampling off', spec({ tracing: { tailSampling: { ratio: 0.3 } }, environments: { local: { tracing: { tailSampling: { enabled: false } } } } })],
  ['an empty alerting block', withAlerting({})],
  ['a receiver and a route', withAlerting({ receivers: [{ name: 'oncall', pagerduty: { routingKeySecret: 'pd-key' } }], route: { page: 'oncall' } })],
  [
    'every kind of receiver',
    withAlerting({
      receivers: [
        { name: 'sre', slack: { channel: '#sre-alerts', webhookUrlSecret: 'slack-url' } },
        { name: 'relay', webhook: { url: 'https://relay.example/alerts' } },
        { name: 'vendor', webhook: { urlSecret: 'vendor-url' } },
      ],
      route: { page: 'sre', ticket: 'relay', default: 'vendor' },
    }),
  ],
];

/** Shape problems: the schema rejects each at the paths the loader names. */
const INVALID: [string, unknown][] = [
  ['a string', 'hello'],
  ['null (an empty file)', null],
  ['a list', []],
  ['a number', 3],
  ['no name and no services', {}],
  ['more services than MAX_SERVICES', { name: 'shop', services: Array.from({ length: 10_001 }, (_, i) => ({ name: `svc-${i}` })) }],
  ['null name and services', { name: null, services: null }],
  ['a null required ratio', withService({ sampling: { ratio: null } })],
  ['a null service name', withService({ name: null }, 1)],
  ['metrics without a port', withService({ metrics: { path: '/metrics' } })],
  ['sampling without a ratio', spec({ sampling: {} })],
  ['a typo of services', { name: 'shop', servcies: [{ name: 'checkout' }] }],
  ['a key in the wrong case', spec({ Sampling: { ratio: 1 } })],
  ['a typo in a service', withService({ smapling: { ratio: 0.5 } })],
  ['a typo of ratio', spec({ sampling: { rate: 0.5 } })],
  ['a typo in tracing', spec({ tracing: { retension: '14d' } })],
  ['a snake_case key', spec({ metrics: { scrape_interval: '15s' } })],
  ['an unknown top-level key', spec({ colour: 'blue' })],
  ['an unknown metrics key', withService({ metrics: { port: 9464, scheme: 'https' } })],
  ['a service-only key in an environment override', spec({ environments: { prod: { services: { checkout: { protocol: 'grpc' } } } } })],
  ['a key with a space', spec({ 'my key': 1 })],
  ['a numeric name', spec({ name: 42 })],
  ['services as a map', spec({ services: { checkout: {} } })],
  ['a service as a string', spec({ services: ['checkout'] })],
  ['a null service', spec({ services: [null] })],
  ['sampling as a number', spec({ sampling: 0.5 })],
  ['a ratio as a string', spec({ sampling: { ratio: '0.5' } })],
  ['a ratio as a boolean', spec({ sampling: { ratio: true } })],
  ['a port as a string', withService({ metrics: { port: '9464' } })],
  ['a version as a number', withService({ version: 1.4 })],
  ['a namespace as a list', withService({ namespace: ['a'] })],
  ['attributes as a list', withService({ attributes: ['team'] })],
  ['an attribute value as a number', withService({ attributes: { team: 3 } })],
  ['propagators as a string', spec({ propagators: 'tracecontext' })],
  ['tracing as a string', spec({ tracing: '14d' })],
  ['a retention as a boolean', spec({ tracing: { retention: true } })],
  ['a retention as a number', spec({ metrics: { retention: 15 } })],
  ['environments as a list', spec({ environments: [] })],
  ['an environment as a string', spec({ environments: { prod: 'big' } })],
  ['a null environment', spec({ environments: { prod: null } })],
  ['service overrides as a list', spec({ environments: { prod: { services: [] } } })],
  ['an upper-case name', spec({ name: 'Shop' })],
  ['a service name with a leading digit', withService({ name: '1st' })],
  ['a service name with an underscore', withService({ name: 'check_out' }, 2)],
  ['a service name with a non-ASCII letter', withService({ name: 'café' })],
  ['an upper-case environment name', spec({ environments: { Prod: {} } })],
  ['an upper-case override key', spec({ environments: { prod: { services: { Checkout: {} } } } })],
  ['an empty name', spec({ name: '' })],
  ['a 25-character spec name', spec({ name: 'a'.repeat(25) })],
  ['a 64-character service name', withService({ name: 'a'.repeat(64) })],
  ['a 33-character environment name', spec({ environments: { ['e'.repeat(33)]: {} } })],
  ['an empty version', withService({ version: '' })],
  ['a 256-character namespace', withService({ namespace: 'n'.repeat(256) })],
  ['an unknown protocol', withService({ protocol: 'http/json' })],
  ['a port for a protocol', withService({ protocol: 4317 })],
  ['a protocol in upper case', withService({ protocol: 'GRPC' })],
  ['unknown propagators', spec({ propagators: ['tracecontext', 'w3c', 'baggage', null] })],
  ['no propagators', spec({ propagators: [] })],
  ['no services', spec({ services: [] })],
  ...[0, 65536, -80, 9464.5].map((port): [string, unknown] => [`the metrics port ${port}`, withService({ metrics: { port } })]),
  ...['metrics', 'http://host/metrics', '/metrics?format=prometheus', '/met rics', '/métriques', ''].map((path): [string, unknown] => [`the metrics path ${JSON.stringify(path)}`, withService({ metrics: { port: 9464, path } })]),
  ['a service ratio above 1', withService({ sampling: { ratio: 1.5 } }, 2)],
  ['a negative ratio', spec({ sampling: { ratio: -0.1 } })],
  ['an environment ratio above 1', spec({ environments: { prod: { sampling: { ratio: 2 } } } })],
  ['an override ratio of 100', spec({ environments: { prod: { services: { checkout: { sampling: { ratio: 100 } } } } } })],
  ...['1team', 'team name', 'équipe', '', 'team:name'].map((key): [string, unknown] => [`the attribute key ${JSON.stringify(key)}`, withService({ attributes: { [key]: 'x' } })]),
  ['a 256-character attribute value', withService({ attributes: { team: 'v'.repeat(256) } })],
  ['a 256-character attribute key', withService({ attributes: { ['k'.repeat(256)]: 'x' } })],
  ...['14 days', '14', '0d', '014d', '14D', '1y', '1000000h', '1.5d', '2w1d', ''].map((retention): [string, unknown] => [
    `the retention ${JSON.stringify(retention)}`,
    spec({ tracing: { retention }, metrics: { retention }, environments: { prod: { logs: { retention } } } }),
  ]),
  ...['1.5s', '500', '0ms', '2m', '1 s', '10000000ms'].map((slowerThan): [string, unknown] => [`the slowerThan ${JSON.stringify(slowerThan)}`, spec({ tracing: { slowerThan } })]),
  ...['15', '1h', '0s', '500ms', '10000s', '15S'].map((scrapeInterval): [string, unknown] => [
    `the scrapeInterval ${JSON.stringify(scrapeInterval)}`,
    spec({ environments: { prod: { metrics: { scrapeInterval } } } }),
  ]),
  ['an SLO objective of 100', withSlos([{ name: 'availability', objective: 100 }])],
  ['an SLO objective of 80', withSlos([{ name: 'latency', objective: 80, threshold: '300ms' }])],
  ['an unknown SLO indicator', withSlos([{ name: 'uptime', objective: 99 }])],
  ['an SLO window that is not a duration', spec({ slo: { window: '4 weeks' } })],
  ['a tail ratio above 1', withTail({ ratio: 1.5 })],
  ['a tail ratio as a percentage', withTail({ ratio: '10%' })],
  ...['10', '0s', '1h', '1.5s', '10 s', '500ms', '', '1m30s'].map((decisionWait): [string, unknown] => [`the decisionWait ${JSON.stringify(decisionWait)}`, withTail({ decisionWait })]),
  ['a fractional span rate', withTail({ expectedSpansPerSecond: 1.5 })],
  ['a span rate of 0', withTail({ expectedSpansPerSecond: 0 })],
  ['a span rate as a string', withTail({ expectedSpansPerSecond: '1000' })],
  ['switches as strings', withTail({ enabled: 'no', keepErrors: 'yes' })],
  ['tailSampling: true', withTail(true)],
  ['a typo of decisionWait', withTail({ decision_wait: '10s' })],
  ['a webhook URL with another scheme and a $', withAlerting({ receivers: [{ name: 'a', webhook: { url: 'ftp://x.example/$(id)' } }] })],
  [
    'secret names that are paths or commands',
    withAlerting({ receivers: [{ name: 'a', pagerduty: { routingKeySecret: '../../etc/passwd' } }, { name: 'b', slack: { channel: '#ok', webhookUrlSecret: 'X; rm -rf /' } }] }),
  ],
  ['a Slack channel with spaces', withAlerting({ receivers: [{ name: 'a', slack: { channel: '# sre alerts', webhookUrlSecret: 'k' } }] })],
  ['an unknown severity in the route', withAlerting({ receivers: [{ name: 'a', pagerduty: { routingKeySecret: 'k' } }], route: { critical: 'a' } })],
  [
    'every shape problem at once',
    EVERY_SHAPE_PROBLEM,
  ],
];

/** Rules JSON Schema cannot state: the loader refuses these, the schema lets them through; `rule` is where its $comment lists it. */
const LOADER_ONLY: [string, string, unknown][] = [
  ['duplicate service names', '(spec)', spec({ services: [{ name: 'a' }, { name: 'a' }] })],
  ["a service named after a stack component", '(spec)', withService({ name: 'prometheus' })],
  ['an override of a service that does not exist', '(spec)', spec({ environments: { prod: { services: { chekout: { sampling: { ratio: 0.5 } } } } } })],
  ['a reserved resource attribute', 'services[].attributes', withService({ attributes: { team: 'payments', 'service.name': 'x' } })],
  ['a reserved resource attribute in an override', 'environments.*.services.*.attributes', spec({ environments: { prod: { services: { cart: { attributes: { 'deployment.environment.name': 'production' } } } } } })],
  ['a latency SLO without a threshold', 'services[].slos[]', withSlos([{ name: 'latency', objective: 99 }])],
  ['an availability SLO with a threshold', 'services[].slos[]', withSlos([{ name: 'availability', objective: 99, threshold: '1s' }])],
  ['two SLOs of one indicator', 'services[].slos', withSlos([{ name: 'availability', objective: 99 }, { name: 'availability', objective: 99.9 }])],
  ['a decisionWait above 5m', 'tracing.tailSampling.decisionWait', withTail({ decisionWait: '6m' })],
  ['a decisionWait above 5m in an environment', 'environments.*.tracing.tailSampling.decisionWait', spec({ environments: { prod: { tracing: { tailSampling: { decisionWait: '10m' } } } } })],
  ['a route to no receiver', 'alerting', withAlerting({ route: { default: 'x' } })],
  [
    'duplicate receivers',
    'alerting',
    withAlerting({ receivers: [{ name: 'sre', webhook: { url: 'https://relay.example/x' } }, { name: 'sre', webhook: { url: 'https://relay.example/y' } }] }),
  ],
  ['a receiver named unrouted', 'alerting.receivers[]', withAlerting({ receivers: [{ name: 'unrouted', webhook: { url: 'https://relay.example/y' } }] })],
  ['a receiver without an integration', 'alerting.receivers[]', withAlerting({ receivers: [{ name: 'sre' }] })],
  ['a webhook with neither url nor urlSecret', 'alerting.receivers[].webhook', withAlerting({ receivers: [{ name: 'a', webhook: {} }] })],
  ['a webhook with both url and urlSecret', 'alerting.receivers[].webhook', withAlerting({ receivers: [{ name: 'a', webhook: { url: 'https://x.example/a', urlSecret: 'u' } }] })],
  ['a staging route to a receiver staging lacks', 'environments.*.alerting', spec({ environments: { staging: { alerting: { route: { page: 'oncall' } } } } })],
];

// ---------------------------------------------------------------------------------------------

function walkSchemas(s: JsonValue | undefined, visit: (node: JsonSchema) => void): void {
  if (!isPlainObject(s)) return;
  const node = s as JsonSchema;
  visit(node);
  if (isPlainObject(node.properties)) for (const p of Object.values(node.properties as JsonSchema)) walkSchemas(p, visit);
  for (const k of ['items', 'additionalProperties', 'propertyNames'] as const) walkSchemas(node[k], visit);
  if (Array.isArray(node.anyOf)) for (const a of node.anyOf) walkSchemas(a, visit);
}

describe('schema/o11y.schema.json', () => {
  it('is what `npm run schema` generates from src/spec now (run it after changing spec-schema.ts or the JSDoc of types.ts)', () => {
    expect(committedText).toBe(specJsonSchemaText());
  });

  it('comes out the same on every run', () => {
    expect(specJsonSchemaText()).toBe(specJsonSchemaText());
  });

  it('is draft 2020-12 and uses only keywords that mean the same in draft-07, which editors implement', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const used = new Set<string>();
    walkSchemas(schema, (node) => Object.keys(node).forEach((k) => used.add(k)));
    expect([...used].filter((k) => !(JSON_SCHEMA_KEYWORDS as readonly string[]).includes(k))).toEqual([]);
  });

  it('describes every property, from the JSDoc of src/spec/types.ts', () => {
    const undocumented: string[] = [];
    const visit = (s: JsonSchema, path: string): void => {
      if (isPlainObject(s.properties)) {
        for (const [k, p] of Object.entries(s.properties as Record<string, JsonSchema>)) {
          if (typeof p.description !== 'string' && typeof p.title !== 'string') undocumented.push(`${path}.${k}`);
          visit(p, `${path}.${k}`);
        }
      }
      if (isPlainObject(s.items)) visit(s.items as JsonSchema, `${path}[]`);
      if (isPlainObject(s.additionalProperties)) visit(s.additionalProperties as JsonSchema, `${path}.*`);
    };
    visit(schema, '');
    // route.page and route.ticket have only a @default in types.ts, which becomes their description
    expect(undocumented).toEqual([]);
    expect((schema.properties as Record<string, JsonSchema>).tracing.title).toBe('TracingSpec');
  });

  it('has defaults that its own rules accept', () => {
    const defaults: [JsonValue, JsonSchema][] = [];
    walkSchemas(schema, (node) => {
      if (node.default !== undefined) defaults.push([node.default, node]);
    });
    expect(defaults.length).toBeGreaterThan(10);
    const ajv = new Ajv2020(options);
    ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
    for (const [value, node] of defaults) expect([value, ajv.validate(node, value)]).toEqual([value, true]);
  });

  it('lists every rule only the loader checks, with its path, in its top-level $comment', () => {
    const { $comment: comment, ...body } = schema;
    const nested = loaderOnlyRules(body);
    expect(nested.length).toBeGreaterThan(5);
    for (const [path, note] of nested) expect(comment).toContain(`\n${path}: ${note}\n`);
    expect(comment).toContain('\n(spec): Service names are unique');
  });
});

describe('stacks/o11y.yaml', () => {
  it('names the schema in its first line, for editors, and the loader still reads it', () => {
    expect(readFileSync(EXAMPLE_FILE, 'utf8').split('\n')[0]).toBe(MODELINE);
    expect(loadSpec(EXAMPLE_FILE).services.map((s) => s.name)).toEqual(['checkout', 'cart', 'catalog', 'payments-gateway']);
  });
});

describe('the JSON Schema and the loader', () => {
  it.each(VALID)('both accept %s', (_what, value) => {
    expect(loaderProblems(value)).toEqual([]);
    expect(schemaVerdict(value)).toEqual({ valid: true, paths: [] });
  });

  it.each(INVALID)('both reject %s, at the same paths', (_what, value) => {
    const loader = specIssues(value);
    expect(loader.length).toBeGreaterThan(0);
    expect(loader.filter((i) => !isShape(i)).map((i) => i.message)).toEqual([]);
    expect(schemaVerdict(value)).toEqual({ valid: false, paths: shapePaths(value) });
  });

  it.each(LOADER_ONLY)('only the loader rejects %s (a rule listed under %s in $comment)', (_what, rule, value) => {
    const loader = specIssues(value);
    expect(loader.length).toBeGreaterThan(0);
    expect(loader.filter(isShape).map((i) => i.message)).toEqual([]);
    expect(schemaVerdict(value)).toEqual({ valid: true, paths: [] });
    expect(schema.$comment).toContain(`\n${rule}: `);
  });

  it('agree on random edits of valid specs: the schema accepts whatever the loader accepts, and finds shape problems where the loader does', () => {
    const keys = new Set<string>(['zzz', 'Prod', 'a', 'checkout', 'service.name', '1team', 'team', 'my key', '']);
    walkSchemas(schema, (node) => {
      if (isPlainObject(node.properties)) Object.keys(node.properties as JsonSchema).forEach((k) => keys.add(k));
    });
    const values: unknown[] = [
      null, true, false, 0, 1, -1, 0.5, 1.5, 2.5, 90, 99.999, 100, 65535, 65536, 1e9,
      '', 'a', 'A', 'shop', 'checkout', 'x'.repeat(64), '14d', '2h', '1s', '300ms', '15s', '5m', '6m', 'grpc', 'http/json', 'b3', 'latency', 'availability',
      '#sre', 'https://relay.example/x', 'service.name', '/metrics',
      [], [{}], [{ name: 'x' }], ['tracecontext'], {}, { ratio: 0.5 }, { name: 'latency', objective: 99, threshold: '300ms' }, { name: 'oncall', pagerduty: { routingKeySecret: 'k' } },
      { tailSampling: {} }, { retention: '2d' }, { port: 9464 }, { team: 'x' }, { url: 'https://x.example' }, { prod: {} },
    ];
    const bases = [
      parse(readFileSync(EXAMPLE_FILE, 'utf8')) as unknown,
      spec(),
      withAlerting({ receivers: [{ name: 'oncall', pagerduty: { routingKeySecret: 'k' } }, { name: 'relay', webhook: { url: 'https://relay.example/x' } }], route: { page: 'oncall' } }),
    ];
    const edit = fc.record({ at: fc.nat(), op: fc.constantFrom('set', 'delete', 'add'), key: fc.constantFrom(...keys), value: fc.constantFrom(...values) });
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: 3 }), (base, edits) => {
        const value = structuredClone(base);
        for (const e of edits) applyEdit(value, e);
        const { valid, paths } = schemaVerdict(value);
        if (loaderProblems(value).length === 0) {
          accepted++;
          expect(valid).toBe(true);
        }
        expect(paths).toEqual(shapePaths(value));
      }),
      { seed: 20261115, numRuns: 1000 },
    );
    // the edits reach valid specs too, not only broken ones
    expect(accepted).toBeGreaterThan(50);
  });
});

interface Edit {
  at: number;
  op: 'set' | 'delete' | 'add';
  key: string;
  value: unknown;
}

/** Sets, deletes or adds at the `at`-th place (modulo their number) of `root`, depth first. */
function applyEdit(root: unknown, e: Edit): void {
  const places: { parent: Json | unknown[]; key: string | number }[] = [];
  const containers: (Json | unknown[])[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      containers.push(v);
      v.forEach((el, i) => {
        places.push({ parent: v, key: i });
        visit(el);
      });
    } else if (isPlainObject(v)) {
      containers.push(v);
      for (const [k, el] of Object.entries(v)) {
        places.push({ parent: v, key: k });
        visit(el);
      }
    }
  };
  visit(root);
  if (e.op === 'add') {
    const c = containers[e.at % containers.length];
    if (Array.isArray(c)) c.push(structuredClone(e.value));
    else c[e.key] = structuredClone(e.value);
    return;
  }
  if (places.length === 0) return;
  const { parent, key } = places[e.at % places.length];
  if (e.op === 'set') (parent as Json)[key] = structuredClone(e.value);
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
}

type Shape = 'leaf' | { object: Record<string, Shape> } | { list: Shape } | { map: Shape };

/** A key no schema key is near, so that the kit lists its known keys instead of suggesting one. */
const FAR_KEY = 'qqqqqqqqqqqqqqqqqqqqqqqq';
const KNOWN_KEYS = 'unknown key; known keys: ';

/**
 * The keys the loader's schema knows at each place, found from its behaviour alone: put a
 * number somewhere and it says whether a map or a list belongs there; put an unknown key in a
 * map and it lists the keys it knows (a map with free keys just checks the value).
 */
function kitShape(place: (v: unknown) => unknown, path: string): Shape {
  const messagesAt = (value: unknown, p: string) => specIssues(place(value)).filter((i) => i.path === p).map((i) => i.message);
  const asNumber = messagesAt(5, path);
  if (asNumber.some((m) => m.startsWith('must be a list,'))) return { list: kitShape((v) => place([v]), `${path}[0]`) };
  if (!asNumber.some((m) => m.startsWith('must be a map,'))) return 'leaf';
  const unknown = messagesAt({ [FAR_KEY]: 5 }, joinPath(path, FAR_KEY)).find((m) => m.startsWith(KNOWN_KEYS));
  if (unknown === undefined) return { map: kitShape((v) => place({ a: v }), joinPath(path, 'a')) };
  const keys = unknown.slice(KNOWN_KEYS.length).split(', ');
  return { object: Object.fromEntries(keys.map((k) => [k, kitShape((v) => place({ [k]: v }), joinPath(path, k))])) };
}

function jsonShape(s: JsonSchema): Shape {
  const types = [s.type].flat();
  if (types.includes('array')) return { list: jsonShape(s.items as JsonSchema) };
  if (types.includes('object') && isPlainObject(s.properties)) {
    return { object: Object.fromEntries(Object.entries(s.properties as Record<string, JsonSchema>).map(([k, p]) => [k, jsonShape(p)])) };
  }
  if (types.includes('object') && isPlainObject(s.additionalProperties)) return { map: jsonShape(s.additionalProperties as JsonSchema) };
  return 'leaf';
}

describe('the keys of the JSON Schema and of the schema the loader runs', () => {
  it('are the same at every place, in the same order, walking both', () => {
    const kit = kitShape((v) => v, '');
    expect(jsonShape(schema)).toEqual(kit);
    // the same order too: editors offer keys in the order of the schema
    const order = (s: Shape): unknown => (s === 'leaf' ? s : 'object' in s ? Object.entries(s.object).map(([k, v]) => [k, order(v)]) : 'list' in s ? ['list', order(s.list)] : ['map', order(s.map)]);
    expect(order(jsonShape(schema))).toEqual(order(kit));
    expect(JSON.stringify(kit)).toContain('"decisionWait"');
  });
});
