/**
 * One spec with a shape problem in nearly every field: the loader must report each at once
 * (test/spec/validate.test.ts), and the JSON Schema must refuse it at the same paths
 * (test/spec/json-schema.test.ts).
 */
export const EVERY_SHAPE_PROBLEM = {
  name: 'Shop',
  servcies: [],
  services: [
    { name: 'checkout', protocol: 'http/json', sampling: { ratio: 1.5 }, metrics: { port: 70000, path: 'metrics' } },
    { name: 'cart', attributes: { 'service.name': 'x', '1team': 'y' }, version: '' },
    'catalog',
  ],
  sampling: { ratio: '0.5' },
  propagators: ['tracecontext', 'w3c'],
  tracing: { retention: '14 days', slowerThan: '1.5s' },
  metrics: { scrapeInterval: '15', retension: '15d' },
  environments: { Prod: {}, staging: { sampling: { ratio: -1 } } },
} as const;

/**
 * A valid spec at the boundary of every range (longest names, ratios 0 and 1, ports 1 and 65535,
 * the shortest retention): the loader accepts it (test/spec/validate.test.ts), and so must the
 * JSON Schema (test/spec/json-schema.test.ts).
 */
export const BOUNDARY_VALUES = {
  name: 'a'.repeat(24),
  sampling: { ratio: 0 },
  services: [
    { name: 'a'.repeat(63), sampling: { ratio: 1 }, metrics: { port: 1 } },
    { name: 'b', metrics: { port: 65535, path: '/' } },
  ],
  tracing: { retention: '2h', slowerThan: '1ms' },
  metrics: { retention: '999999h', scrapeInterval: '9999m' },
  environments: { ['e'.repeat(32)]: {} },
};
