/**
 * Property tests of the spec layer with fast-check, bounded and reproducible (fixed seed).
 *
 * - Mutations that break one rule of the spec (wrong types, out-of-range numbers, unknown or
 *   malformed keys, deleted required keys, junk of every kind) always end in an
 *   O11yValidationError whose lines start with a path, and one of those paths points at a
 *   mutation; nothing else is ever thrown.
 * - Specs generated from the spec grammar validate, resolve for any environment name, and
 *   give sampling ratios in [0, 1]; their tail sampling, however merged, fits one collector.
 *
 * The grammar below is written from the ObservabilitySpec documentation (src/spec/types.ts),
 * independently of the schema in src/spec/spec-schema.ts.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { collectorSizing } from '../../src/components/otel-collector';
import { formatIssue, Issue, O11yValidationError } from '../../src/spec/issues';
import { parseSpec } from '../../src/spec/load';
import { resolveSpec } from '../../src/spec/resolve';
import type { ObservabilitySpec } from '../../src/spec/types';
import { specIssues, validateSpec } from '../../src/spec/validate';

const SEED = 20261121;
const RUNS = 200;

const NAME = /^[a-z][a-z0-9-]*$/;
const METRICS_PATH = /^\/[A-Za-z0-9_.~/-]*$/;
const DURATION = /^[1-9][0-9]{0,5}[hdw]$/;
const LATENCY = /^[1-9][0-9]{0,6}(ms|s)$/;
const INTERVAL = /^[1-9][0-9]{0,3}[sm]$/;
const PROTOCOLS = ['grpc', 'http/protobuf'];
const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace'];
const RESERVED = ['service.name', 'service.version', 'service.namespace', 'deployment.environment.name', 'deployment.environment'];

type Obj = Record<string, unknown>;
type Path = readonly (string | number)[];

const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path as the issues print it: `services[2].sampling.ratio`, `attributes["odd key"]`. */
function pathString(path: Path): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(k)) out += out === '' ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The valid grammar

const lower = 'abcdefghijklmnopqrstuvwxyz';
const nameArb = (max: number) =>
  fc.tuple(fc.constantFrom(...lower), fc.string({ unit: fc.constantFrom(...`${lower}0123456789-`), maxLength: Math.min(max - 1, 20) })).map(([a, b]) => a + b);
const attrKeyArb = fc
  .tuple(fc.constantFrom(...`${lower}ABCXYZ`), fc.string({ unit: fc.constantFrom(...`${lower}XYZ0123456789_.-`), maxLength: 30 }))
  .map(([a, b]) => a + b)
  .filter((k) => !RESERVED.includes(k));
// any Unicode text, at most 255 UTF-16 code units
const textArb = (minLength: number) => fc.string({ unit: 'binary', minLength, maxLength: 60 }).filter((s) => s.length >= minLength && s.length <= 255);
const attributesArb = fc.dictionary(attrKeyArb, textArb(0), { maxKeys: 4 });
const samplingArb = fc.record({ ratio: fc.double({ min: 0, max: 1, noNaN: true }) });
const hoursUnit = { h: 1, d: 24, w: 168 } as const;
// 2h..3650d: the spec's minimum and maximum (MAX_RETENTION_HOURS, far below Go's time.Duration limit)
const retentionArb = (fc.constantFrom('h', 'd', 'w') as fc.Arbitrary<keyof typeof hoursUnit>).chain((u) =>
  fc.integer({ min: u === 'h' ? 2 : 1, max: Math.floor(87600 / hoursUnit[u]) }).map((n) => `${n}${u}`),
);
const latencyArb = fc.tuple(fc.integer({ min: 1, max: 9999999 }), fc.constantFrom('ms', 's')).map(([n, u]) => `${n}${u}`);
const intervalArb = fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.constantFrom('s', 'm')).map(([n, u]) => `${n}${u}`);
// decisionWait: 1s..5m; spans/s up to 31 429, so that any wait up to 5m fits one collector
// (types.ts: "1s to 5m"; docs/sampling.md "Sizing the collector": at most 9 428 992 buffered spans)
const waitArb = fc.oneof(fc.integer({ min: 1, max: 300 }).map((n) => `${n}s`), fc.integer({ min: 1, max: 5 }).map((n) => `${n}m`));
const tailSamplingArb = fc.record(
  {
    enabled: fc.boolean(),
    keepErrors: fc.boolean(),
    slowerThan: latencyArb,
    ratio: fc.double({ min: 0, max: 1, noNaN: true }),
    decisionWait: waitArb,
    expectedSpansPerSecond: fc.integer({ min: 1, max: 31_429 }),
  },
  { requiredKeys: [] },
);
const tracingArb = fc.record({ retention: retentionArb, slowerThan: latencyArb, tailSampling: tailSamplingArb }, { requiredKeys: [] });
const metricsArb = fc.record({ retention: retentionArb, scrapeInterval: intervalArb }, { requiredKeys: [] });
const metricsPathArb = fc.string({ unit: fc.constantFrom(...'abcXYZ019_.~/-'), maxLength: 20 }).map((s) => `/${s}`);

const serviceArb = (name: string) =>
  fc.record(
    {
      name: fc.constant(name),
      version: textArb(1),
      namespace: textArb(1),
      protocol: fc.constantFrom(...PROTOCOLS),
      sampling: samplingArb,
      metrics: fc.record({ port: fc.integer({ min: 1, max: 65535 }), path: metricsPathArb }, { requiredKeys: ['port'] }),
      attributes: attributesArb,
    },
    { requiredKeys: ['name'] },
  );

const validSpecArb: fc.Arbitrary<ObservabilitySpec> = fc
  .uniqueArray(nameArb(63), { minLength: 1, maxLength: 5 })
  .chain((names) => {
    const overrideArb = fc.record({ sampling: samplingArb, attributes: attributesArb }, { requiredKeys: [] });
    const overridesArb = fc.subarray(names).chain((picked) => fc.tuple(...picked.map(() => overrideArb)).map((os) => Object.fromEntries(picked.map((n, i) => [n, os[i]]))));
    const environmentArb = fc.record({ sampling: samplingArb, tracing: tracingArb, metrics: metricsArb, services: overridesArb }, { requiredKeys: [] });
    return fc.record(
      {
        name: nameArb(24),
        services: fc.tuple(...names.map(serviceArb)),
        sampling: samplingArb,
        propagators: fc.array(fc.constantFrom(...PROPAGATORS), { minLength: 1, maxLength: 4 }),
        tracing: tracingArb,
        metrics: metricsArb,
        environments: fc.dictionary(nameArb(32), environmentArb, { maxKeys: 4 }),
      },
      { requiredKeys: ['name', 'services'] },
    );
  }) as fc.Arbitrary<ObservabilitySpec>;

const envNameArb = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('local', 'prod', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''));

// ---------------------------------------------------------------------------------------------
// Where a spec can be broken

type Kind =
  | 'root' | 'name24' | 'name63' | 'text255' | 'protocol' | 'propagators' | 'propagator' | 'services' | 'service'
  | 'sampling' | 'ratio' | 'endpoint' | 'port' | 'path' | 'attributes' | 'attrValue' | 'tracing' | 'metrics'
  | 'duration' | 'latency' | 'interval' | 'environments' | 'environment' | 'overrides' | 'override'
  | 'tailSampling' | 'flag' | 'wait' | 'spansPerSecond';

interface Slot {
  readonly path: Path;
  readonly kind: Kind;
}

/** Fixed keys of each map kind (from types.ts); dicts have free keys instead. */
const KNOWN_KEYS: Partial<Record<Kind, readonly string[]>> = {
  root: ['name', 'services', 'sampling', 'propagators', 'tracing', 'metrics', 'environments'],
  service: ['name', 'version', 'namespace', 'protocol', 'sampling', 'metrics', 'attributes'],
  sampling: ['ratio'],
  endpoint: ['port', 'path'],
  tracing: ['retention', 'slowerThan', 'tailSampling'],
  tailSampling: ['enabled', 'keepErrors', 'slowerThan', 'ratio', 'decisionWait', 'expectedSpansPerSecond'],
  metrics: ['retention', 'scrapeInterval'],
  environment: ['sampling', 'tracing', 'metrics', 'services'],
  override: ['sampling', 'attributes'],
};
const REQUIRED_KEYS: Partial<Record<Kind, readonly string[]>> = { root: ['name', 'services'], service: ['name'], sampling: ['ratio'], endpoint: ['port'] };
const DICTS: readonly Kind[] = ['attributes', 'environments', 'overrides'];
const LIST_ELEMENTS: readonly Kind[] = ['service', 'propagator'];

/** Every slot of `spec` that still has the right shape (the walk stops at broken values). */
function slots(spec: unknown): Slot[] {
  const out: Slot[] = [];
  const add = (path: Path, kind: Kind, value: unknown) => {
    out.push({ path, kind });
    walk(path, kind, value);
  };
  const child = (v: Obj, path: Path, key: string, kind: Kind, ok: (x: unknown) => boolean) => {
    if (key in v && ok(v[key])) add([...path, key], kind, v[key]);
  };
  const str = (x: unknown) => typeof x === 'string';
  const num = (x: unknown) => typeof x === 'number';
  function walk(path: Path, kind: Kind, v: unknown): void {
    if (kind === 'services' && Array.isArray(v)) v.forEach((s, i) => isMap(s) && add([...path, i], 'service', s));
    if (kind === 'propagators' && Array.isArray(v)) v.forEach((p, i) => add([...path, i], 'propagator', p));
    if (!isMap(v)) return;
    switch (kind) {
      case 'root':
        child(v, path, 'name', 'name24', str);
        child(v, path, 'services', 'services', Array.isArray);
        child(v, path, 'sampling', 'sampling', isMap);
        child(v, path, 'propagators', 'propagators', Array.isArray);
        child(v, path, 'tracing', 'tracing', isMap);
        child(v, path, 'metrics', 'metrics', isMap);
        child(v, path, 'environments', 'environments', isMap);
        break;
      case 'service':
        child(v, path, 'name', 'name63', str);
        child(v, path, 'version', 'text255', str);
        child(v, path, 'namespace', 'text255', str);
        child(v, path, 'protocol', 'protocol', str);
        child(v, path, 'sampling', 'sampling', isMap);
        child(v, path, 'metrics', 'endpoint', isMap);
        child(v, path, 'attributes', 'attributes', isMap);
        break;
      case 'sampling':
        child(v, path, 'ratio', 'ratio', num);
        break;
      case 'endpoint':
        child(v, path, 'port', 'port', num);
        child(v, path, 'path', 'path', str);
        break;
      case 'attributes':
        for (const k of Object.keys(v)) child(v, path, k, 'attrValue', str);
        break;
      case 'tracing':
        child(v, path, 'retention', 'duration', str);
        child(v, path, 'slowerThan', 'latency', str);
        child(v, path, 'tailSampling', 'tailSampling', isMap);
        break;
      case 'tailSampling':
        child(v, path, 'enabled', 'flag', (x) => typeof x === 'boolean');
        child(v, path, 'keepErrors', 'flag', (x) => typeof x === 'boolean');
        child(v, path, 'slowerThan', 'latency', str);
        child(v, path, 'ratio', 'ratio', num);
        child(v, path, 'decisionWait', 'wait', str);
        child(v, path, 'expectedSpansPerSecond', 'spansPerSecond', num);
        break;
      case 'metrics':
        child(v, path, 'retention', 'duration', str);
        child(v, path, 'scrapeInterval', 'interval', str);
        break;
      case 'environments':
        for (const k of Object.keys(v)) child(v, path, k, 'environment', isMap);
        break;
      case 'environment':
        child(v, path, 'sampling', 'sampling', isMap);
        child(v, path, 'tracing', 'tracing', isMap);
        child(v, path, 'metrics', 'metrics', isMap);
        child(v, path, 'services', 'overrides', isMap);
        break;
      case 'overrides':
        for (const k of Object.keys(v)) child(v, path, k, 'override', isMap);
        break;
      case 'override':
        child(v, path, 'sampling', 'sampling', isMap);
        child(v, path, 'attributes', 'attributes', isMap);
        break;
      default:
    }
  }
  if (isMap(spec)) add([], 'root', spec);
  return out;
}

function get(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}

/** Sets an own property, even for keys like `__proto__`. */
function put(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function set(root: unknown, path: Path, value: unknown): void {
  put(get(root, path.slice(0, -1)) as object, path[path.length - 1], value);
}

// ---------------------------------------------------------------------------------------------
// Junk

const hugeString = fc.string({ unit: 'binary', minLength: 256, maxLength: 3000 });
const anyJunk = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  hugeString,
  fc.string({ unit: 'binary' }),
  fc.constantFrom(null, NaN, Infinity, -Infinity, -0, 1e308, [], {}, [[[]]], { a: { b: { c: {} } } }, '', ' ', '\u0000', '💥', 'ü', true, false),
);
/** Junk that is not absent: null and undefined in an optional key only mean "not set". */
const present = anyJunk.filter((v) => v !== null && v !== undefined);
const notString = present.filter((v) => typeof v !== 'string');
const notNumber = present.filter((v) => typeof v !== 'number' || Number.isNaN(v));
const notMap = present.filter((v) => !isMap(v));
const notList = present.filter((v) => !Array.isArray(v));
const stringNotMatching = (re: RegExp, max = Infinity) => fc.oneof(fc.string({ unit: 'binary' }), fc.string(), hugeString).filter((s) => !re.test(s) || s.length > max || s.length === 0);

function junkFor(kind: Kind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'name24':
      return fc.oneof(notString, stringNotMatching(NAME, 24));
    case 'name63':
      return fc.oneof(notString, stringNotMatching(NAME, 63), fc.constant(null));
    case 'text255':
      return fc.oneof(notString, fc.constant(''), hugeString);
    case 'protocol':
      return present.filter((v) => !PROTOCOLS.includes(v as string));
    case 'propagator':
      return anyJunk.filter((v) => !PROPAGATORS.includes(v as string));
    case 'ratio':
      return fc.oneof(notNumber, fc.double({ noNaN: true }).filter((x) => x < 0 || x > 1), fc.constant(null));
    case 'port':
      return fc.oneof(notNumber, fc.integer().filter((n) => n < 1 || n > 65535), fc.double({ min: 1, max: 65535, noNaN: true }).filter((x) => !Number.isInteger(x)), fc.constant(null));
    case 'path':
      return fc.oneof(notString, stringNotMatching(METRICS_PATH));
    case 'attrValue':
      return fc.oneof(notString, hugeString);
    case 'duration':
      return fc.oneof(notString, stringNotMatching(DURATION));
    case 'latency':
      return fc.oneof(notString, stringNotMatching(LATENCY));
    case 'interval':
      return fc.oneof(notString, stringNotMatching(INTERVAL));
    case 'flag':
      return present.filter((v) => typeof v !== 'boolean');
    case 'wait':
      // malformed, or longer than the 5 minutes a collector may hold traces
      return fc.oneof(notString, stringNotMatching(INTERVAL), fc.integer({ min: 301, max: 9999 }).map((n) => `${n}s`), fc.integer({ min: 6, max: 9999 }).map((n) => `${n}m`));
    case 'spansPerSecond':
      return fc.oneof(notNumber, fc.integer().filter((n) => n < 1 || n > 320_000), fc.double({ min: 1, max: 320_000, noNaN: true }).filter((x) => !Number.isInteger(x)));
    case 'services':
    case 'propagators':
      return fc.oneof(notList, fc.constant([]));
    case 'service':
      return anyJunk.filter((v) => !isMap(v));
    default:
      return notMap;
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations: each one breaks the spec, and says which path must be blamed

interface Mutation {
  readonly describe: string;
  /** Applies itself to `spec` (mutably) and returns the path an issue must name, or null if it did not apply. */
  apply(spec: Obj): Path | null;
}

const pick = <T>(items: readonly T[], r: number): T => items[Math.floor(r * items.length) % items.length];
const badKeyStart = fc.constantFrom('0', '_', '-', ' ', '.', 'é', '💥', '$', '"', '\n');

const JUNK_KINDS: readonly Kind[] = [
  'name24', 'name63', 'text255', 'protocol', 'propagator', 'ratio', 'port', 'path', 'attrValue', 'duration', 'latency', 'interval',
  'services', 'propagators', 'service', 'sampling', 'endpoint', 'tracing', 'metrics', 'environment', 'override', 'attributes', 'environments', 'overrides',
  'tailSampling', 'flag', 'wait', 'spansPerSecond',
];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // a value of the wrong type, out of range, malformed or huge (weighted: it has the most variants)
  {
    weight: 10,
    arbitrary: fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(...JUNK_KINDS)).chain(([r, kind]) =>
      junkFor(kind).map((junk) => ({
        describe: `junk ${kind}`,
        apply(spec: Obj) {
          const candidates = slots(spec).filter((s) => s.kind === kind);
          if (candidates.length === 0) return null;
          const slot = pick(candidates, r);
          // null and undefined mean "absent": only a break where the key is required or a list item
          if ((junk === null || junk === undefined) && !LIST_ELEMENTS.includes(slot.kind) && !['name63', 'ratio', 'port'].includes(slot.kind)) return null;
          set(spec, slot.path, junk);
          return slot.path;
        },
      })),
    ),
  },
  // an unknown key in a map with fixed keys
  fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.string({ unit: 'binary', maxLength: 30 }), anyJunk).map(([r, key, value]) => ({
    describe: `unknown key ${JSON.stringify(key)}`,
    apply(spec: Obj) {
      const candidates = slots(spec).filter((s) => KNOWN_KEYS[s.kind] && !KNOWN_KEYS[s.kind]!.includes(key));
      if (candidates.length === 0) return null;
      const slot = pick(candidates, r);
      put(get(spec, slot.path) as object, key, value);
      return [...slot.path, key];
    },
  })),
  // a key that cannot be a name or an attribute key, in a map with free keys
  fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), badKeyStart, fc.string({ unit: 'binary', maxLength: 20 })).map(([r, first, rest]) => ({
    describe: `malformed key ${JSON.stringify(first + rest)}`,
    apply(spec: Obj) {
      const candidates = slots(spec).filter((s) => DICTS.includes(s.kind));
      if (candidates.length === 0) return null;
      const slot = pick(candidates, r);
      put(get(spec, slot.path) as object, first + rest, slot.kind === 'attributes' ? 'x' : {});
      return [...slot.path, first + rest];
    },
  })),
  // a required key deleted
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((r) => ({
    describe: 'required key deleted',
    apply(spec: Obj) {
      const candidates = slots(spec).flatMap((s) => (REQUIRED_KEYS[s.kind] ?? []).filter((k) => k in (get(spec, s.path) as Obj)).map((k) => [...s.path, k]));
      if (candidates.length === 0) return null;
      const path = pick(candidates, r);
      delete (get(spec, path.slice(0, -1)) as Obj)[path[path.length - 1] as string];
      return path;
    },
  })),
  // a reserved resource attribute
  fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom(...RESERVED)).map(([r, key]) => ({
    describe: `reserved attribute ${key}`,
    apply(spec: Obj) {
      const candidates = slots(spec).filter((s) => s.kind === 'service' || s.kind === 'override');
      if (candidates.length === 0) return null;
      const slot = pick(candidates, r);
      const owner = get(spec, slot.path) as Obj;
      if (!isMap(owner.attributes)) owner.attributes = {};
      (owner.attributes as Obj)[key] = 'x';
      return [...slot.path, 'attributes', key];
    },
  })),
  // a duplicate service name
  fc.constant<Mutation>({
    describe: 'duplicate service',
    apply(spec: Obj) {
      const services = spec.services;
      if (!Array.isArray(services) || !isMap(services[0]) || typeof services[0].name !== 'string') return null;
      services.push({ name: services[0].name });
      return ['services', services.length - 1, 'name'];
    },
  }),
  // an environment override of a service that does not exist
  fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), nameArb(63)).map(([r, name]) => ({
    describe: `override of unknown service ${name}`,
    apply(spec: Obj) {
      const known = Array.isArray(spec.services) ? spec.services.map((s) => (isMap(s) ? s.name : undefined)) : [];
      const candidates = slots(spec).filter((s) => s.kind === 'environment');
      if (candidates.length === 0 || known.includes(name)) return null;
      const slot = pick(candidates, r);
      const env = get(spec, slot.path) as Obj;
      if (env.services === undefined || env.services === null) env.services = {};
      if (!isMap(env.services)) return null;
      (env.services as Obj)[name] = {};
      return [...slot.path, 'services', name];
    },
  })),
  // a retention under the minimum (only found when resolving)
  fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom('1h')).map(([r, retention]) => ({
    describe: `retention ${retention}`,
    apply(spec: Obj) {
      const candidates = slots(spec).filter((s) => s.kind === 'tracing' || s.kind === 'metrics');
      if (candidates.length === 0) return null;
      const slot = pick(candidates, r);
      (get(spec, slot.path) as Obj).retention = retention;
      return [...slot.path, 'retention'];
    },
  })),
);

/**
 * Runs validation and, when the shape is right, resolution for every environment of the spec and
 * one it does not list. Returns every O11yValidationError; anything else thrown fails the test.
 */
function rejections(value: unknown): O11yValidationError[] {
  const out: O11yValidationError[] = [];
  const attempt = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof O11yValidationError)) throw new Error(`threw something other than an O11yValidationError: ${String(e)}`);
      out.push(e);
    }
  };
  attempt(() => validateSpec(value));
  if (out.length > 0) return out;
  const spec = value as ObservabilitySpec;
  for (const env of [...Object.keys(spec.environments ?? {}), 'not-listed']) attempt(() => resolveSpec(spec, env));
  return out;
}

function expectWellFormed(issue: Issue): void {
  const line = formatIssue(issue);
  expect(line.startsWith(`${issue.path === '' ? '(spec)' : issue.path}: `)).toBe(true);
  expect(line).not.toContain('\n');
  // a path: segments `a`, `.b`, `[3]` or `["any key"]`, or (spec) for the whole file
  expect(issue.path === '' || /^(?:[A-Za-z_][A-Za-z0-9_./-]*|\[\d+\]|\[".*?"\])(?:\.[A-Za-z_][A-Za-z0-9_./-]*|\[\d+\]|\[".*"\])*$/.test(issue.path)).toBe(true);
}

const example: Obj = {
  name: 'shop',
  services: [
    { name: 'checkout', version: '1.4.2', namespace: 'payments', protocol: 'grpc', sampling: { ratio: 0.25 }, metrics: { port: 9464, path: '/metrics' }, attributes: { team: 'payments' } },
    { name: 'cart', version: '2.0.0', namespace: 'storefront', metrics: { port: 9465 }, attributes: { team: 'storefront' } },
  ],
  sampling: { ratio: 0.5 },
  propagators: ['tracecontext', 'baggage'],
  tracing: { retention: '14d', slowerThan: '1s' },
  metrics: { retention: '15d', scrapeInterval: '15s' },
  environments: { local: { sampling: { ratio: 1 }, tracing: { retention: '2d' } }, prod: { sampling: { ratio: 0.1 }, services: { cart: { sampling: { ratio: 0.5 } } } } },
};

describe('invalid specs', () => {
  it('always end in an O11yValidationError that blames a mutated path, never in another error', () => {
    const baseArb = fc.oneof(fc.constant(example), validSpecArb as fc.Arbitrary<unknown> as fc.Arbitrary<Obj>);
    fc.assert(
      fc.property(baseArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (base, mutations) => {
        const spec = structuredClone(base);
        const blamed = mutations.map((m) => m.apply(spec)).filter((p): p is Path => p !== null);
        fc.pre(blamed.length > 0);
        const errors = rejections(spec);
        expect(errors.length).toBeGreaterThan(0);
        const issues = errors.flatMap((e) => e.issues);
        expect(issues.length).toBeGreaterThan(0);
        issues.forEach(expectWellFormed);
        for (const e of errors) expect(e.lines).toEqual(e.issues.map(formatIssue));
        const paths = issues.map((i) => i.path);
        const wanted = blamed.map(pathString);
        expect(wanted.some((w) => paths.some((p) => p === w || p.startsWith(`${w}.`) || p.startsWith(`${w}[`)))).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('include any value at all in place of the whole spec, as long as it is not a map with services', () => {
    fc.assert(
      fc.property(anyJunk.filter((v) => !(isMap(v) && 'services' in v)), (value) => {
        const issues = specIssues(value);
        expect(issues.length).toBeGreaterThan(0);
        issues.forEach(expectWellFormed);
        expect(() => validateSpec(value)).toThrow(O11yValidationError);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('any value anywhere', () => {
  it('is either accepted or rejected with an O11yValidationError, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(example), validSpecArb as fc.Arbitrary<unknown> as fc.Arbitrary<Obj>), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), anyJunk, (base, r, junk) => {
        const spec = structuredClone(base);
        const candidates = slots(spec).filter((s) => s.path.length > 0);
        set(spec, pick(candidates, r).path, junk);
        for (const e of rejections(spec)) e.issues.forEach(expectWellFormed);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('valid specs from the grammar', () => {
  it('have no problems and resolve for any environment name, with ratios in [0, 1]', () => {
    fc.assert(
      fc.property(validSpecArb, envNameArb, (spec, envName) => {
        expect(specIssues(spec)).toEqual([]);
        for (const env of [envName, ...Object.keys(spec.environments ?? {})]) {
          const r = resolveSpec(spec, env);
          expect(r.environment).toBe(env);
          expect(r.services.map((s) => s.name)).toEqual(spec.services.map((s) => s.name));
          for (const s of r.services) {
            expect(s.samplingRatio).toBeGreaterThanOrEqual(0);
            expect(s.samplingRatio).toBeLessThanOrEqual(1);
          }
          expect(r.tracing.retentionHours).toBeGreaterThanOrEqual(2);
          expect(r.metrics.retentionHours).toBeGreaterThanOrEqual(2);
          // whatever the merged tail sampling, one collector can be sized for it (a plain Error otherwise)
          if (r.tracing.tailSampling) expect(collectorSizing(r.tracing.tailSampling).memoryMiB).toBeGreaterThan(0);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('survive a round trip through YAML and JSON files unchanged', () => {
    fc.assert(
      fc.property(validSpecArb, (spec) => {
        expect(parseSpec(stringify(spec), 'gen.yaml')).toEqual(spec);
        expect(parseSpec(JSON.stringify(spec), 'gen.json')).toEqual(JSON.parse(JSON.stringify(spec)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
