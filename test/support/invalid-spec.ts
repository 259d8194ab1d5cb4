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
