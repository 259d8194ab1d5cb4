/**
 * Every validation rule of the spec with its exact message, as a user reads it:
 * `formatIssue` gives `<path>: <message> (got <value>)`. The expected lines are written out by
 * hand from the rules (src/spec/schema-kit.ts, src/spec/spec-schema.ts, src/spec/resolve.ts),
 * never copied from what the code printed.
 */
import { BOUNDARY_VALUES, EVERY_SHAPE_PROBLEM } from '../support/invalid-spec';
import { formatIssue, O11yValidationError } from '../../src/spec/issues';
import { resolveSpec } from '../../src/spec/resolve';
import { specIssues, validateSpec } from '../../src/spec/validate';
import { parse } from 'yaml';

const NAME_RULE = "[a-z][a-z0-9-]* (a lowercase letter, then lowercase letters, digits or '-')";
const TOP_KEYS = 'name, services, sampling, propagators, tracing, metrics, logs, slo, alerting, environments';
const PROPAGATOR_LIST = 'tracecontext, baggage, b3, b3multi, jaeger, xray, ottrace';
const ATTRIBUTE_KEY_RULE = "an attribute key like team or app.tier (letters, digits, '_', '.', '-')";
const RESERVED_MESSAGE = 'is set by o11y-stack itself (from the service name, version, namespace and environment); remove it';

type Json = Record<string, unknown>;

/** A valid spec with three services; `top` replaces top-level keys. */
function spec(top: Json = {}): Json {
  return { name: 'shop', services: [{ name: 'checkout' }, { name: 'cart' }, { name: 'catalog' }], ...top };
}

/** The same spec with `patch` merged into services[index]. */
function withService(patch: Json, index = 0): Json {
  const services = [{ name: 'checkout' }, { name: 'cart' }, { name: 'catalog' }].map((s, i) => (i === index ? { ...s, ...patch } : s));
  return spec({ services });
}

function problems(value: unknown): string[] {
  return specIssues(value).map(formatIssue);
}

describe('a valid spec', () => {
  it('has no problems, with one service or with several', () => {
    expect(problems({ name: 'shop', services: [{ name: 'checkout' }] })).toEqual([]);
    expect(problems(spec())).toEqual([]);
  });

  it('accepts the boundary values of every range', () => {
    expect(problems(BOUNDARY_VALUES)).toEqual([]);
  });

  it('treats a key written without a value (YAML null) as absent', () => {
    expect(problems(spec({ sampling: null, tracing: null, environments: null }))).toEqual([]);
  });
});

describe('the shape of the spec', () => {
  it.each([
    ['a string', 'hello', '(spec): must be a map, not string (got "hello")'],
    ['null (an empty file)', null, '(spec): must be a map, not null (got null)'],
    ['a list', [], '(spec): must be a map, not a list (got [])'],
    ['a number', 3, '(spec): must be a map, not number (got 3)'],
  ])('must be a map, not %s', (_what, value, line) => {
    expect(problems(value)).toEqual([line]);
  });

  it('requires name and services', () => {
    expect(problems({})).toEqual(['name: is required', 'services: is required']);
  });

  it('treats null in a required key as missing', () => {
    expect(problems({ name: null, services: null })).toEqual(['name: is required', 'services: is required']);
    expect(problems(withService({ sampling: { ratio: null } }))).toEqual(['services[0].sampling.ratio: is required']);
    expect(problems(withService({ name: null }, 1))).toEqual(['services[1].name: is required']);
  });

  it('requires a port for service metrics and a ratio for sampling', () => {
    expect(problems(withService({ metrics: { path: '/metrics' } }))).toEqual(['services[0].metrics.port: is required']);
    expect(problems(spec({ sampling: {} }))).toEqual(['sampling.ratio: is required']);
    expect(problems(spec({ environments: { prod: { sampling: {} } } }))).toEqual(['environments.prod.sampling.ratio: is required']);
  });
});

describe('unknown keys', () => {
  it('suggest the nearest known key for a typo (a swap of two letters counts as one edit)', () => {
    expect(problems({ name: 'shop', servcies: [{ name: 'checkout' }] })).toEqual([
      `servcies: unknown key, did you mean 'services'? (got [{"name":"checkout"}])`,
      'services: is required',
    ]);
  });

  it('suggest a known key regardless of case', () => {
    expect(problems(spec({ Sampling: { ratio: 1 } }))).toEqual([`Sampling: unknown key, did you mean 'sampling'? (got {"ratio":1})`]);
  });

  it('suggest in nested maps too', () => {
    expect(problems(withService({ smapling: { ratio: 0.5 } }))).toEqual([`services[0].smapling: unknown key, did you mean 'sampling'? (got {"ratio":0.5})`]);
    expect(problems(spec({ sampling: { rate: 0.5 } }))).toEqual([`sampling.rate: unknown key, did you mean 'ratio'? (got 0.5)`, 'sampling.ratio: is required']);
    expect(problems(spec({ tracing: { retension: '14d' } }))).toEqual([`tracing.retension: unknown key, did you mean 'retention'? (got "14d")`]);
    expect(problems(spec({ metrics: { scrape_interval: '15s' } }))).toEqual([`metrics.scrape_interval: unknown key, did you mean 'scrapeInterval'? (got "15s")`]);
  });

  it('list the known keys when nothing is near', () => {
    expect(problems(spec({ colour: 'blue' }))).toEqual([`colour: unknown key; known keys: ${TOP_KEYS} (got "blue")`]);
    expect(problems(withService({ metrics: { port: 9464, scheme: 'https' } }))).toEqual([`services[0].metrics.scheme: unknown key; known keys: port, path (got "https")`]);
  });

  it('show that an environment cannot change what only a service may set', () => {
    expect(problems(spec({ environments: { prod: { services: { checkout: { protocol: 'grpc' } } } } }))).toEqual([
      'environments.prod.services.checkout.protocol: unknown key; known keys: sampling, attributes (got "grpc")',
    ]);
  });

  it('quote keys that are not identifiers, so the path stays unambiguous', () => {
    expect(problems(spec({ 'my key': 1 }))).toEqual([`["my key"]: unknown key; known keys: ${TOP_KEYS} (got 1)`]);
  });
});

describe('wrong types', () => {
  it.each([
    ['name', spec({ name: 42 }), 'name: must be a string, not number (got 42)'],
    ['services', spec({ services: { checkout: {} } }), 'services: must be a list, not object (got {"checkout":{}})'],
    ['a service', spec({ services: ['checkout'] }), 'services[0]: must be a map, not string (got "checkout")'],
    ['a service (null)', spec({ services: [null] }), 'services[0]: must be a map, not null (got null)'],
    ['sampling', spec({ sampling: 0.5 }), 'sampling: must be a map, not number (got 0.5)'],
    ['a ratio', spec({ sampling: { ratio: '0.5' } }), 'sampling.ratio: must be a number, not string (got "0.5")'],
    ['a ratio (boolean)', spec({ sampling: { ratio: true } }), 'sampling.ratio: must be a number, not boolean (got true)'],
    ['a port', withService({ metrics: { port: '9464' } }), 'services[0].metrics.port: must be an integer, not string (got "9464")'],
    ['a version', withService({ version: 1.4 }), 'services[0].version: must be a string, not number (got 1.4)'],
    ['a namespace', withService({ namespace: ['a'] }), 'services[0].namespace: must be a string, not a list (got ["a"])'],
    ['attributes', withService({ attributes: ['team'] }), 'services[0].attributes: must be a map, not a list (got ["team"])'],
    ['an attribute value', withService({ attributes: { team: 3 } }), 'services[0].attributes.team: must be a string, not number (got 3)'],
    ['propagators', spec({ propagators: 'tracecontext' }), 'propagators: must be a list, not string (got "tracecontext")'],
    ['tracing', spec({ tracing: '14d' }), 'tracing: must be a map, not string (got "14d")'],
    ['a retention', spec({ tracing: { retention: true } }), 'tracing.retention: must be a string, not boolean (got true)'],
    ['a retention (number)', spec({ metrics: { retention: 15 } }), 'metrics.retention: must be a string, not number (got 15)'],
    ['environments', spec({ environments: [] }), 'environments: must be a map, not a list (got [])'],
    ['an environment', spec({ environments: { prod: 'big' } }), 'environments.prod: must be a map, not string (got "big")'],
    ['an environment (null)', spec({ environments: { prod: null } }), 'environments.prod: must be a map, not null (got null)'],
    ['service overrides', spec({ environments: { prod: { services: [] } } }), 'environments.prod.services: must be a map, not a list (got [])'],
  ])('%s', (_what, value, line) => {
    expect(problems(value)).toEqual([line]);
  });
});

describe('names', () => {
  it.each([
    ['an upper-case letter', spec({ name: 'Shop' }), `name: must match ${NAME_RULE} (got "Shop")`],
    ['a leading digit', withService({ name: '1st' }), `services[0].name: must match ${NAME_RULE} (got "1st")`],
    ['an underscore', withService({ name: 'check_out' }, 2), `services[2].name: must match ${NAME_RULE} (got "check_out")`],
    ['a non-ASCII letter', withService({ name: 'café' }), `services[0].name: must match ${NAME_RULE} (got "café")`],
    ['an environment name', spec({ environments: { Prod: {} } }), `environments.Prod: must match ${NAME_RULE} (got "Prod")`],
  ])('must match the name pattern: %s', (_what, value, line) => {
    expect(problems(value)).toEqual([line]);
  });

  it('must not be empty', () => {
    expect(problems(spec({ name: '' }))).toEqual(['name: must not be empty (got "")']);
    expect(problems(withService({ name: '' }))).toEqual(['services[0].name: must not be empty (got "")']);
  });

  it('have a maximum length: 24 for the spec, 63 for a service, 32 for an environment', () => {
    expect(problems(spec({ name: 'a'.repeat(25) }))).toEqual([`name: must be at most 24 characters (got "${'a'.repeat(25)}")`]);
    // values longer than 60 characters are cut to 57 and '...' so that a line stays a line
    expect(problems(withService({ name: 'a'.repeat(64) }))).toEqual([`services[0].name: must be at most 63 characters (got "${'a'.repeat(56)}...)`]);
    expect(problems(spec({ environments: { ['e'.repeat(33)]: {} } }))).toEqual([`environments.${'e'.repeat(33)}: must be at most 32 characters (got "${'e'.repeat(33)}")`]);
  });

  it('of up to 10,000 services are checked one by one; a longer list is refused whole, at once, with the quota behind it', () => {
    const many = (n: number, last = 'svc'): Json[] => Array.from({ length: n }, (_, i) => ({ name: i === n - 1 ? last : `svc-${i}` }));
    expect(problems(spec({ services: many(10_000) }))).toEqual([]);
    expect(problems(spec({ services: many(10_000, 'Bad_Name') }))).toEqual([`services[9999].name: must match ${NAME_RULE} (got "Bad_Name")`]);
    // beyond the maximum the items are not checked (the bad last name is not reported): the answer comes before the work
    expect(problems(spec({ services: many(10_001, 'Bad_Name') }))).toEqual([
      'services: may list at most 10000 services: an AWS stack writes one SSM parameter per service and AWS allows 10,000 standard parameters per account and Region; split the services over several specs (one per organisation unit or account) (got 10001)',
    ]);
  });

  it('of services must be unique, each copy naming the first', () => {
    const value = spec({ services: [{ name: 'checkout' }, { name: 'cart' }, { name: 'checkout' }, { name: 'cart' }, { name: 'checkout' }] });
    expect(problems(value)).toEqual([
      'services[2].name: duplicates services[0].name (got "checkout")',
      'services[3].name: duplicates services[1].name (got "cart")',
      'services[4].name: duplicates services[0].name (got "checkout")',
    ]);
  });

  it.each(['tempo', 'jaeger', 'prometheus', 'grafana', 'otel-collector', 'loki'])('of services may not be %s, a stack component (its scrape job would clash)', (name) => {
    expect(problems(withService({ name }))).toEqual([
      `services[0].name: is the name of a stack component (tempo, jaeger, prometheus, grafana, otel-collector, otel-sampler, loki, alertmanager, tempo-distributor, tempo-live-store, tempo-block-builder, tempo-query-frontend, tempo-querier, tempo-backend-scheduler, tempo-backend-worker, tempo-metrics-generator): its scrape job would clash with the component's; rename the service (got "${name}")`,
    ]);
  });

  it('of versions and namespaces must not be empty or longer than 255 characters', () => {
    expect(problems(withService({ version: '' }))).toEqual(['services[0].version: must not be empty (got "")']);
    expect(problems(withService({ namespace: 'n'.repeat(256) }))).toEqual([`services[0].namespace: must be at most 255 characters (got "${'n'.repeat(56)}...)`]);
  });
});

describe('enumerations', () => {
  it('accept only the OTLP protocols the stack listens for', () => {
    expect(problems(withService({ protocol: 'http/json' }))).toEqual(['services[0].protocol: must be one of grpc, http/protobuf (got "http/json")']);
    expect(problems(withService({ protocol: 4317 }))).toEqual(['services[0].protocol: must be one of grpc, http/protobuf (got 4317)']);
    expect(problems(withService({ protocol: 'GRPC' }))).toEqual(['services[0].protocol: must be one of grpc, http/protobuf (got "GRPC")']);
  });

  it('accept only known propagators, each checked at its index', () => {
    expect(problems(spec({ propagators: ['tracecontext', 'w3c', 'baggage', null] }))).toEqual([
      `propagators[1]: must be one of ${PROPAGATOR_LIST} (got "w3c")`,
      `propagators[3]: must be one of ${PROPAGATOR_LIST} (got null)`,
    ]);
  });

  it('need at least one propagator', () => {
    expect(problems(spec({ propagators: [] }))).toEqual(['propagators: must list at least 1 propagator (got [])']);
  });
});

describe('services', () => {
  it('must list at least one service', () => {
    expect(problems(spec({ services: [] }))).toEqual(['services: must list at least 1 service (got [])']);
  });

  it.each([
    [0, 'services[0].metrics.port: must be between 1 and 65535 (got 0)'],
    [65536, 'services[0].metrics.port: must be between 1 and 65535 (got 65536)'],
    [-80, 'services[0].metrics.port: must be between 1 and 65535 (got -80)'],
    [9464.5, 'services[0].metrics.port: must be an integer (got 9464.5)'],
  ])('need a metrics port that is an integer in 1..65535 (%p)', (port, line) => {
    expect(problems(withService({ metrics: { port } }))).toEqual([line]);
  });

  it.each(['metrics', 'http://host/metrics', '/metrics?format=prometheus', '/met rics', '/métriques', ''])('need an absolute metrics path (%p)', (path) => {
    expect(problems(withService({ metrics: { port: 9464, path } }))).toEqual([`services[0].metrics.path: must match an absolute URL path like /metrics (got ${JSON.stringify(path)})`]);
  });
});

describe('sampling ratios', () => {
  it('must be between 0 and 1, wherever they are set', () => {
    expect(problems(withService({ sampling: { ratio: 1.5 } }, 2))).toEqual(['services[2].sampling.ratio: must be between 0 and 1 (got 1.5)']);
    expect(problems(spec({ sampling: { ratio: -0.1 } }))).toEqual(['sampling.ratio: must be between 0 and 1 (got -0.1)']);
    expect(problems(spec({ environments: { prod: { sampling: { ratio: 2 } } } }))).toEqual(['environments.prod.sampling.ratio: must be between 0 and 1 (got 2)']);
    expect(problems(spec({ environments: { prod: { services: { checkout: { sampling: { ratio: 100 } } } } } }))).toEqual([
      'environments.prod.services.checkout.sampling.ratio: must be between 0 and 1 (got 100)',
    ]);
  });

  // BUG (src/spec/schema-kit.ts num(), src/spec/issues.ts describeValue): YAML `.nan` and `.inf`
  // are numbers, and the message then reads "must be a number, not number (got null)".
  it('name NaN (YAML .nan) as NaN, not as "not number (got null)"', () => {
    const fromYaml: unknown = parse('name: shop\nservices: [{ name: a }]\nsampling: { ratio: .nan }\n');
    expect(problems(fromYaml)).toEqual(['sampling.ratio: must be a number, not NaN (got NaN)']);
  });
  it('show Infinity (YAML .inf) as Infinity, not as null', () => {
    expect(problems(spec({ sampling: { ratio: Infinity } }))).toEqual(['sampling.ratio: must be between 0 and 1 (got Infinity)']);
  });
});

describe('attributes', () => {
  it.each([
    ['1team', 'services[0].attributes["1team"]'],
    ['team name', 'services[0].attributes["team name"]'],
    ['équipe', 'services[0].attributes["équipe"]'],
    ['', 'services[0].attributes[""]'],
    ['team:name', 'services[0].attributes["team:name"]'],
  ])('need keys like team or app.tier (%p)', (key, path) => {
    expect(problems(withService({ attributes: { [key]: 'x' } }))).toEqual([`${path}: must match ${ATTRIBUTE_KEY_RULE} (got ${JSON.stringify(key)})`]);
  });

  it('accept keys with letters, digits, dots, underscores and dashes', () => {
    expect(problems(withService({ attributes: { team: 'a', 'app.tier': 'b', k8s_pod: 'c', 'x-y': 'd', A1: 'e' } }))).toEqual([]);
  });

  it('limit keys and values to 255 characters', () => {
    expect(problems(withService({ attributes: { team: 'v'.repeat(256) } }))).toEqual([`services[0].attributes.team: must be at most 255 characters (got "${'v'.repeat(56)}...)`]);
    const key = 'k'.repeat(256);
    expect(problems(withService({ attributes: { [key]: 'x' } }))).toEqual([`services[0].attributes.${key}: must be at most 255 characters (got "${'k'.repeat(56)}...)`]);
  });

  it.each(['service.name', 'service.version', 'service.namespace', 'deployment.environment.name', 'deployment.environment'])('may not set %s, which the stack sets itself', (key) => {
    expect(problems(withService({ attributes: { team: 'payments', [key]: 'x' } }))).toEqual([`services[0].attributes.${key}: ${RESERVED_MESSAGE} (got "x")`]);
  });

  it('may not set a reserved attribute in an environment override either', () => {
    expect(problems(spec({ environments: { prod: { services: { cart: { attributes: { 'deployment.environment.name': 'production' } } } } } }))).toEqual([
      `environments.prod.services.cart.attributes.deployment.environment.name: ${RESERVED_MESSAGE} (got "production")`,
    ]);
  });
});

describe('durations, latencies and intervals', () => {
  it.each(['14 days', '14', '0d', '014d', '14D', '1y', '1000000h', '1.5d', '2w1d', ''])('a retention is a whole number of h, d or w (%p)', (retention) => {
    const got = JSON.stringify(retention);
    expect(problems(spec({ tracing: { retention } }))).toEqual([`tracing.retention: must match a duration like 12h, 14d or 2w (got ${got})`]);
    expect(problems(spec({ metrics: { retention } }))).toEqual([`metrics.retention: must match a duration like 12h, 14d or 2w (got ${got})`]);
    expect(problems(spec({ environments: { prod: { tracing: { retention } } } }))).toEqual([`environments.prod.tracing.retention: must match a duration like 12h, 14d or 2w (got ${got})`]);
  });

  it.each(['1.5s', '500', '0ms', '2m', '1 s', '10000000ms'])('a slow-trace threshold is whole ms or s (%p)', (slowerThan) => {
    expect(problems(spec({ tracing: { slowerThan } }))).toEqual([`tracing.slowerThan: must match a latency like 500ms or 2s (got ${JSON.stringify(slowerThan)})`]);
  });

  it.each(['15', '1h', '0s', '500ms', '10000s', '15S'])('a scrape interval is whole s or m (%p)', (scrapeInterval) => {
    expect(problems(spec({ environments: { prod: { metrics: { scrapeInterval } } } }))).toEqual([
      `environments.prod.metrics.scrapeInterval: must match an interval like 15s or 1m (got ${JSON.stringify(scrapeInterval)})`,
    ]);
  });
});

describe('environments', () => {
  it('may only override services that exist, and say which do', () => {
    const value = spec({ environments: { prod: { services: { chekout: { sampling: { ratio: 0.5 } } } } } });
    expect(problems(value)).toEqual(['environments.prod.services.chekout: names no service in services (known: checkout, cart, catalog) (got "chekout")']);
  });

  it('check override keys against the service name pattern first', () => {
    expect(problems(spec({ environments: { prod: { services: { Checkout: {} } } } }))).toEqual([`environments.prod.services.Checkout: must match ${NAME_RULE} (got "Checkout")`]);
  });
});

describe('retention minimums (checked once defaults and overrides are merged)', () => {
  const TEMPO = 'must be at least 2h: Tempo compacts in 1h windows and keeps compacted blocks 1h';
  const PROMETHEUS = 'must be at least 2h: Prometheus persists samples in 2h blocks';

  function resolveError(value: Json, env: string): O11yValidationError {
    try {
      resolveSpec(value as never, env);
    } catch (e) {
      if (e instanceof O11yValidationError) return e;
      throw e;
    }
    throw new Error('resolveSpec did not throw');
  }

  it('reject a tracing or metrics retention under 2h, naming the environment', () => {
    const e = resolveError(spec({ tracing: { retention: '1h' }, metrics: { retention: '1h' } }), 'local');
    expect(e.lines).toEqual([`tracing.retention: ${TEMPO} (got "1h")`, `metrics.retention: ${PROMETHEUS} (got "1h")`]);
    expect(e.message).toBe(`spec for environment 'local': 2 problems\n  - tracing.retention: ${TEMPO} (got "1h")\n  - metrics.retention: ${PROMETHEUS} (got "1h")`);
  });

  it('point at the environment override that is too short, only in that environment', () => {
    const value = spec({ environments: { local: { tracing: { retention: '1h' } }, prod: { metrics: { retention: '1h' } } } });
    expect(resolveError(value, 'local').lines).toEqual([`environments.local.tracing.retention: ${TEMPO} (got "1h")`]);
    expect(resolveError(value, 'prod').lines).toEqual([`environments.prod.metrics.retention: ${PROMETHEUS} (got "1h")`]);
    expect(() => resolveSpec(value as never, 'staging')).not.toThrow();
  });

  it('accept exactly 2h', () => {
    expect(() => resolveSpec(spec({ tracing: { retention: '2h' }, metrics: { retention: '2h' } }) as never, 'local')).not.toThrow();
  });

  it('let an environment lift a base retention that is too short', () => {
    expect(() => resolveSpec(spec({ tracing: { retention: '1h' }, environments: { prod: { tracing: { retention: '30d' } } } }) as never, 'prod')).not.toThrow();
  });
});

describe('the error', () => {
  it('is one O11yValidationError naming the subject, with one indented line per problem', () => {
    expect(() => validateSpec(spec({ name: 'Shop' }), 'stacks/o11y.yaml')).toThrow(
      new O11yValidationError('stacks/o11y.yaml', specIssues(spec({ name: 'Shop' }))),
    );
    try {
      validateSpec(spec({ name: 'Shop' }), 'stacks/o11y.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(O11yValidationError);
      expect((e as Error).name).toBe('O11yValidationError');
      expect((e as Error).message).toBe(`stacks/o11y.yaml: 1 problem\n  - name: must match ${NAME_RULE} (got "Shop")`);
    }
  });

  it('defaults its subject to "spec"', () => {
    expect(() => validateSpec({})).toThrow(/^spec: 2 problems\n {2}- name: is required\n {2}- services: is required$/);
  });

  it('reports every shape problem of a spec at once', () => {
    const value = EVERY_SHAPE_PROBLEM;
    // unknown keys of a map come first, then its fields in the order of the schema
    const expected = [
      `servcies: unknown key, did you mean 'services'? (got [])`,
      `name: must match ${NAME_RULE} (got "Shop")`,
      'services[0].protocol: must be one of grpc, http/protobuf (got "http/json")',
      'services[0].sampling.ratio: must be between 0 and 1 (got 1.5)',
      'services[0].metrics.port: must be between 1 and 65535 (got 70000)',
      'services[0].metrics.path: must match an absolute URL path like /metrics (got "metrics")',
      'services[1].version: must not be empty (got "")',
      `services[1].attributes["1team"]: must match ${ATTRIBUTE_KEY_RULE} (got "1team")`,
      'services[2]: must be a map, not string (got "catalog")',
      'sampling.ratio: must be a number, not string (got "0.5")',
      `propagators[1]: must be one of ${PROPAGATOR_LIST} (got "w3c")`,
      'tracing.retention: must match a duration like 12h, 14d or 2w (got "14 days")',
      'tracing.slowerThan: must match a latency like 500ms or 2s (got "1.5s")',
      `metrics.retension: unknown key, did you mean 'retention'? (got "15d")`,
      'metrics.scrapeInterval: must match an interval like 15s or 1m (got "15")',
      `environments.Prod: must match ${NAME_RULE} (got "Prod")`,
      'environments.staging.sampling.ratio: must be between 0 and 1 (got -1)',
    ];
    let error: unknown;
    try {
      validateSpec(value, 'o11y.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(O11yValidationError);
    const e = error as O11yValidationError;
    expect(e.issues).toHaveLength(17);
    expect(e.lines).toEqual(expected);
    expect(e.message).toBe(`o11y.yaml: 17 problems\n${expected.map((l) => `  - ${l}`).join('\n')}`);
  });

  it('reports the cross-field rules (duplicate names, unknown override targets) in the same run as shape problems', () => {
    const value = spec({ name: 'Shop', services: [{ name: 'a' }, { name: 'a' }], environments: { prod: { services: { b: {} } } } });
    expect(problems(value)).toEqual([
      `name: must match ${NAME_RULE} (got "Shop")`,
      'services[1].name: duplicates services[0].name (got "a")',
      'environments.prod.services.b: names no service in services (known: a) (got "b")',
    ]);
  });
});

describe('SLOs', () => {
  const withSlos = (slos: unknown) => ({ name: 'shop', services: [{ name: 'checkout', slos }] });

  it('accept an availability and a latency SLO, and resolve the window (28d by default, overridable per environment)', () => {
    const spec = { ...withSlos([{ name: 'availability', objective: 99.9 }, { name: 'latency', objective: 99, threshold: '300ms' }]), environments: { prod: { slo: { window: '30d' } } } };
    expect(resolveSpec(spec as never, 'staging').services[0].slos).toEqual([{ indicator: 'availability', objective: 99.9 }, { indicator: 'latency', objective: 99, thresholdMs: 300 }]);
    expect(resolveSpec(spec as never, 'staging').slo).toEqual({ windowHours: 672 });
    expect(resolveSpec(spec as never, 'prod').slo).toEqual({ windowHours: 720 });
  });

  it('report every problem of an SLO list with its path', () => {
    expect(problems(withSlos([{ name: 'latency', objective: 99 }, { name: 'availability', objective: 100, threshold: '1s' }, { name: 'latency', objective: 80, threshold: '300ms' }, { name: 'uptime', objective: 99 }]))).toEqual([
      'services[0].slos[0].threshold: is required for a latency SLO: the longest a good request may take, like 300ms',
      'services[0].slos[1].objective: must be between 90 and 99.999 (got 100)',
      'services[0].slos[2].objective: must be between 90 and 99.999 (got 80)',
      "services[0].slos[3].name: must be one of availability, latency (got \"uptime\")",
    ]);
  });

  it('refuse, per environment, an SLO window or an alert window longer than the metrics retention, naming both', () => {
    const spec = { ...withSlos([{ name: 'availability', objective: 99.9 }]), metrics: { retention: '15d' }, environments: { local: { metrics: { retention: '2d' } }, prod: { metrics: { retention: '30d' } } } };
    expect(() => resolveSpec(spec as never, 'staging')).toThrow(
      `spec for environment 'staging': 1 problem\n  - slo.window: must fit in the metrics retention of environment 'staging' (metrics.retention: 15d): the error budget is spent over the whole SLO window, from Prometheus' history; shorten the window or keep metrics longer (got "4w")`,
    );
    expect(() => resolveSpec(spec as never, 'local')).toThrow(
      [
        `spec for environment 'local': 2 problems`,
        `  - slo.window: must fit in the metrics retention of environment 'local' (environments.local.metrics.retention: 2d): the error budget is spent over the whole SLO window, from Prometheus' history; shorten the window or keep metrics longer (got "4w")`,
        `  - environments.local.metrics.retention: must be at least the longest burn-rate alert window (3d, the slowest ticket's) in environment 'local' (got "2d")`,
      ].join('\n'),
    );
    expect(resolveSpec(spec as never, 'prod').metrics.retentionHours).toBe(720);
    // a window of its own that fits
    expect(resolveSpec({ ...spec, environments: { staging: { slo: { window: '14d' } } } } as never, 'staging').slo.windowHours).toBe(336);
  });

  it('keep the whole SLO window by default, and ask nothing of a spec without SLOs', () => {
    expect(resolveSpec(withSlos([{ name: 'availability', objective: 99.9 }]) as never, 'staging').metrics.retentionHours).toBe(672);
    expect(resolveSpec({ ...withSlos([{ name: 'availability', objective: 99.9 }]), slo: { window: '7d' } } as never, 'staging').metrics.retentionHours).toBe(360);
    expect(resolveSpec({ name: 'shop', services: [{ name: 'checkout' }], metrics: { retention: '2d' } } as never, 'staging').metrics.retentionHours).toBe(48);
  });

  it('refuse a window the burn-rate alerts cannot use', () => {
    expect(() => resolveSpec({ ...withSlos([{ name: 'availability', objective: 99 }]), slo: { window: '2d' } } as never, 'staging')).toThrow(
      'slo.window: must be between 1w and 90d: the burn-rate alerts look back up to 3d, and their factors are made for windows of weeks (got "2d")',
    );
  });
});
