/**
 * The OTEL_* environment of a service, checked against the OpenTelemetry specification:
 *
 * - open-telemetry/opentelemetry-specification specification/configuration/sdk-environment-variables.md
 *   (known values of OTEL_TRACES_SAMPLER, OTEL_PROPAGATORS; OTEL_TRACES_SAMPLER_ARG "a number in
 *   the [0..1] range" for the traceidratio samplers), as listed in /work/shared/DESIGN.md;
 * - specification/resource/sdk.md: OTEL_RESOURCE_ATTRIBUTES is `key1=value1,key2=value2` in the
 *   W3C Baggage format, "characters outside the `baggage-octet` range MUST be percent-encoded";
 * - w3c/baggage baggage/HTTP_HEADER_FORMAT.md: `baggage-octet = %x21 / %x23-2B / %x2D-3A /
 *   %x3C-5B / %x5D-7E`, "A value contains a URL encoded UTF-8 string", OWS around keys and
 *   values is trimmed, and the example `serverNode=DF%2028`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import fc from 'fast-check';
import { encodeAttributeValue, formatEnv, OtlpEndpoints, renderOtelEnv, resourceAttributes } from '../../src/render/otel-env';
import { loadSpec } from '../../src/spec/load';
import { resolveSpec } from '../../src/spec/resolve';
import type { ResolvedService, ResolvedSpec } from '../../src/spec/resolved';

const EXAMPLE_FILE = join(__dirname, '..', '..', 'stacks', 'o11y.yaml');
const ENVIRONMENTS = ['local', 'local-jaeger', 'staging', 'prod'];
// OTLP/gRPC listens on 4317, OTLP/HTTP on 4318 (OTLP specification, default ports)
const ENDPOINTS: OtlpEndpoints = { grpc: 'http://localhost:4317', 'http/protobuf': 'http://localhost:4318', signals: ['traces'] };

// sdk-environment-variables.md, "Known values for OTEL_TRACES_SAMPLER" / "OTEL_PROPAGATORS"
const OTEL_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio', 'parentbased_jaeger_remote', 'jaeger_remote', 'xray'];
const OTEL_PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none'];
const OTEL_PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'];
const OTEL_EXEMPLAR_FILTERS = ['always_on', 'always_off', 'trace_based'];

const example = loadSpec(EXAMPLE_FILE);

/**
 * The example as it was before staging and prod moved to tail sampling: head sampling in the
 * SDKs, with an environment ratio and one per-service override (what these tests exercise).
 */
const headSampled: typeof example = {
  ...example,
  environments: {
    ...example.environments,
    staging: {},
    prod: { sampling: { ratio: 0.1 }, services: { 'payments-gateway': { sampling: { ratio: 0.5 } } }, tracing: { retention: '30d' } },
  },
};

function envOf(environment: string, service: string, from = headSampled): Record<string, string> {
  const spec = resolveSpec(from, environment);
  return renderOtelEnv(spec.services.find((s) => s.name === service)!, spec, ENDPOINTS);
}

/** A byte of a W3C Baggage value that may stand as is. */
function isBaggageOctet(c: number): boolean {
  return c === 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

/** Parses OTEL_RESOURCE_ATTRIBUTES as the resource SDK spec says: W3C Baggage list members without properties. */
function parseResourceAttributes(text: string): [string, string][] {
  return text.split(',').map((member) => {
    const eq = member.indexOf('=');
    if (eq < 0) throw new Error(`not a list member: ${member}`);
    return [member.slice(0, eq).trim(), decodeURIComponent(member.slice(eq + 1).trim())];
  });
}

describe('renderOtelEnv for the example services', () => {
  it('gives checkout (gRPC) exactly these variables, in this order', () => {
    const env = envOf('local', 'checkout');
    expect(Object.entries(env)).toEqual([
      ['OTEL_SERVICE_NAME', 'checkout'],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://localhost:4317'],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc'],
      ['OTEL_TRACES_EXPORTER', 'otlp'],
      ['OTEL_METRICS_EXPORTER', 'prometheus'],
      ['OTEL_EXPORTER_PROMETHEUS_HOST', '0.0.0.0'],
      ['OTEL_EXPORTER_PROMETHEUS_PORT', '9464'],
      ['OTEL_LOGS_EXPORTER', 'none'],
      ['OTEL_TRACES_SAMPLER', 'parentbased_traceidratio'],
      ['OTEL_TRACES_SAMPLER_ARG', '1'],
      ['OTEL_PROPAGATORS', 'tracecontext,baggage'],
      ['OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment.name=local,service.namespace=payments,service.version=1.4.2,team=payments'],
      ['OTEL_METRICS_EXEMPLAR_FILTER', 'trace_based'],
    ]);
  });

  it('sends cart (default protocol) to the OTLP/HTTP port with its prod ratio', () => {
    expect(envOf('prod', 'cart')).toEqual({
      OTEL_SERVICE_NAME: 'cart',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0',
      OTEL_EXPORTER_PROMETHEUS_PORT: '9465',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      OTEL_PROPAGATORS: 'tracecontext,baggage',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.namespace=storefront,service.version=2.0.0,team=storefront',
      OTEL_METRICS_EXEMPLAR_FILTER: 'trace_based',
    });
  });

  it('leaves service.version out for catalog, which has none, and sorts its own attributes', () => {
    expect(envOf('staging', 'catalog').OTEL_RESOURCE_ATTRIBUTES).toBe('deployment.environment.name=staging,service.namespace=storefront,team=storefront,tier=read-heavy');
    expect(envOf('staging', 'catalog').OTEL_TRACES_SAMPLER_ARG).toBe('0.5');
  });

  it('turns off metrics and logs export for catalog, which has no metrics port, since the entry point takes traces only', () => {
    const env = envOf('staging', 'catalog');
    expect(env.OTEL_METRICS_EXPORTER).toBe('none');
    expect(env.OTEL_LOGS_EXPORTER).toBe('none');
    expect(env).not.toHaveProperty('OTEL_EXPORTER_PROMETHEUS_PORT');
  });

  it('exports metrics and logs over OTLP where the entry point takes them, unless the service is scraped', () => {
    const spec = resolveSpec(example, 'staging');
    const env = renderOtelEnv(spec.services.find((s) => s.name === 'catalog')!, spec, { ...ENDPOINTS, signals: ['traces', 'metrics', 'logs'] });
    expect([env.OTEL_METRICS_EXPORTER, env.OTEL_LOGS_EXPORTER]).toEqual(['otlp', 'otlp']);
    expect(env).not.toHaveProperty('OTEL_EXPORTER_PROMETHEUS_PORT');
    // checkout declares metrics.port: Prometheus scrapes it there, so its SDK serves it (not OTLP too: no double counting)
    const scraped = renderOtelEnv(spec.services.find((s) => s.name === 'checkout')!, spec, { ...ENDPOINTS, signals: ['traces', 'metrics', 'logs'] });
    expect([scraped.OTEL_METRICS_EXPORTER, scraped.OTEL_EXPORTER_PROMETHEUS_PORT, scraped.OTEL_LOGS_EXPORTER]).toEqual(['prometheus', '9464', 'otlp']);
  });

  it('leaves a metrics endpoint on another path than /metrics to the service itself (no SDK exporter serves it)', () => {
    const spec = resolveSpec({ ...example, services: [{ name: 'legacy', metrics: { port: 9100, path: '/stats' } }] }, 'staging');
    expect(renderOtelEnv(spec.services[0], spec, ENDPOINTS).OTEL_METRICS_EXPORTER).toBe('none');
  });

  it('gives payments-gateway its per-service prod override', () => {
    expect(envOf('prod', 'payments-gateway').OTEL_TRACES_SAMPLER_ARG).toBe('0.5');
    expect(envOf('staging', 'payments-gateway').OTEL_TRACES_SAMPLER_ARG).toBe('1');
  });

  it('keeps every trace in the SDKs of the example staging and prod, where the collector samples at the tail', () => {
    for (const env of ['staging', 'prod']) {
      for (const s of example.services) expect(envOf(env, s.name, example).OTEL_TRACES_SAMPLER_ARG).toBe('1');
    }
  });

  it('writes the checkout .env file byte for byte', () => {
    expect(formatEnv(envOf('prod', 'checkout'), 'dotenv')).toBe(
      [
        'OTEL_SERVICE_NAME=checkout',
        'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317',
        'OTEL_EXPORTER_OTLP_PROTOCOL=grpc',
        'OTEL_TRACES_EXPORTER=otlp',
        'OTEL_METRICS_EXPORTER=prometheus',
        'OTEL_EXPORTER_PROMETHEUS_HOST=0.0.0.0',
        'OTEL_EXPORTER_PROMETHEUS_PORT=9464',
        'OTEL_LOGS_EXPORTER=none',
        'OTEL_TRACES_SAMPLER=parentbased_traceidratio',
        'OTEL_TRACES_SAMPLER_ARG=0.1',
        'OTEL_PROPAGATORS=tracecontext,baggage',
        'OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=prod,service.namespace=payments,service.version=1.4.2,team=payments',
        'OTEL_METRICS_EXEMPLAR_FILTER=trace_based',
        '',
      ].join('\n'),
    );
  });

  it.each(ENVIRONMENTS)('uses only values the OTel specification defines, in %s', (environment) => {
    const spec = resolveSpec(example, environment);
    for (const service of spec.services) {
      const env = renderOtelEnv(service, spec, ENDPOINTS);
      expect(OTEL_SAMPLERS).toContain(env.OTEL_TRACES_SAMPLER);
      // a traceidratio sampler takes a probability in [0..1]
      expect(env.OTEL_TRACES_SAMPLER).toMatch(/traceidratio$/);
      const arg = Number(env.OTEL_TRACES_SAMPLER_ARG);
      expect(Number.isFinite(arg) && arg >= 0 && arg <= 1).toBe(true);
      expect(arg).toBe(service.samplingRatio);
      expect(OTEL_PROTOCOLS).toContain(env.OTEL_EXPORTER_OTLP_PROTOCOL);
      expect(OTEL_EXEMPLAR_FILTERS).toContain(env.OTEL_METRICS_EXEMPLAR_FILTER);
      for (const p of env.OTEL_PROPAGATORS.split(',')) expect(OTEL_PROPAGATORS).toContain(p);
      // the endpoint port is the one of the protocol the SDK speaks
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(env.OTEL_EXPORTER_OTLP_PROTOCOL === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318');
      expect(env.OTEL_SERVICE_NAME).toBe(service.name);
      // service.name comes from OTEL_SERVICE_NAME alone (it wins over OTEL_RESOURCE_ATTRIBUTES anyway)
      expect(parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES).map(([k]) => k)).not.toContain('service.name');
    }
  });

  it('renders the spec propagators in the spec order', () => {
    const spec = resolveSpec({ ...example, propagators: ['b3multi', 'tracecontext', 'xray'] }, 'prod');
    expect(renderOtelEnv(spec.services[0], spec, ENDPOINTS).OTEL_PROPAGATORS).toBe('b3multi,tracecontext,xray');
  });
});

describe('OTEL_RESOURCE_ATTRIBUTES encoding', () => {
  it.each([
    ['a,b', 'a%2Cb'],
    ['k=v', 'k%3Dv'],
    ['100%', '100%25'],
    ['DF 28', 'DF%2028'], // the W3C Baggage example
    [' padded ', '%20padded%20'],
    ['semi;colon', 'semi%3Bcolon'],
    ['back\\slash', 'back%5Cslash'],
    ['"quoted"', '%22quoted%22'],
    ['tab\there', 'tab%09here'],
    ['ü', '%C3%BC'],
    ['日本', '%E6%97%A5%E6%9C%AC'],
    ['💥', '%F0%9F%92%A5'],
    ['read-heavy', 'read-heavy'],
    ['1.4.2', '1.4.2'],
    ['', ''],
    ['$(touch${IFS}/tmp/x)', '%24%28touch%24%7BIFS%7D/tmp/x%29'],
    ['`id`', '%60id%60'],
    ["it's", 'it%27s'],
    ['~/x', '%7E/x'],
    ['a*b?', 'a%2Ab%3F'],
  ])('encodes %j as %j', (value, encoded) => {
    expect(encodeAttributeValue(value)).toBe(encoded);
  });

  it('leaves only baggage-octets and %XX escapes, and decodes back to the value (any Unicode text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (value) => {
        const encoded = encodeAttributeValue(value);
        const rest = encoded.replace(/%[0-9A-F]{2}/g, '');
        for (const ch of rest) expect(isBaggageOctet(ch.charCodeAt(0))).toBe(true);
        expect(rest).not.toContain('%');
        expect(decodeURIComponent(encoded)).toBe(value);
      }),
      { seed: 20261121, numRuns: 200 },
    );
  });

  it('parses back into the same attributes, in order, when values hold separators and non-ASCII text', () => {
    const service: ResolvedService = {
      name: 'checkout',
      version: '1.0, beta=2',
      namespace: 'team a;b',
      protocol: 'grpc',
      samplingRatio: 0.5,
      attributes: { 'app.tier': '50% web', owner: 'José Müller', region: 'eu,west=1', note: ' spaced ' },
      slos: [],
    };
    const spec = resolveSpec({ name: 'shop', services: [{ name: 'checkout' }] }, 'prod') as ResolvedSpec;
    const env = renderOtelEnv(service, { ...spec, environment: 'pré prod' }, ENDPOINTS);
    expect(parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES)).toEqual([
      ['deployment.environment.name', 'pré prod'],
      ['service.namespace', 'team a;b'],
      ['service.version', '1.0, beta=2'],
      ['app.tier', '50% web'],
      ['owner', 'José Müller'],
      ['region', 'eu,west=1'],
      ['note', ' spaced '],
    ]);
    expect(resourceAttributes(service, { ...spec, environment: 'pré prod' })).toEqual(parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES));
  });

  // BUG (src/render/otel-env.ts encodeAttributeValue): '+' is a baggage-octet, so it is left as is,
  // but the Java SDK decodes values with java.net.URLDecoder (opentelemetry-java
  // sdk-extensions/autoconfigure ResourceConfiguration.createEnvironmentResource), which reads '+'
  // as a space: a SemVer build version `1.4.2+build.7` arrives as `1.4.2 build.7`. Encoding '+' as
  // %2B is still valid W3C Baggage and decodes the same everywhere.
  it('decodes the same with a form decoder, where "+" means a space (the Java SDK)', () => {
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    expect(formDecode(encodeAttributeValue('1.4.2+build.7'))).toBe('1.4.2+build.7');
  });
});

describe('the .env file with hostile attribute values', () => {
  const hostile = { team: '$(touch${IFS}/tmp/o11y-pwned)', owner: "O'Brien `id`", note: '~ * ? ; | & > <' };
  const spec = resolveSpec({ name: 'shop', services: [{ name: 'checkout', version: '$(id)', attributes: hostile }] }, 'prod');
  const env = renderOtelEnv(spec.services[0], spec, ENDPOINTS);
  const text = formatEnv(env, 'dotenv');

  it('is sourced by sh without error or side effect, and sh reads the same values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o11y-dotenv-'));
    const file = join(dir, 'service.env');
    writeFileSync(file, text);
    const r = spawnSync('sh', ['-c', `set -a; . "${file}"; env`], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync('/tmp/o11y-pwned')).toBe(false);
    const seen = Object.fromEntries(r.stdout.split('\n').filter((l) => l.startsWith('OTEL_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(seen).toEqual(env);
  });

  it('reads the same through a dotenv parser (Node\'s) and as Docker env-file lines (KEY=value, taken verbatim)', () => {
    expect(parseEnv(text)).toEqual(env);
    for (const v of Object.values(env)) expect(v).toMatch(/^[A-Za-z0-9._\-/@:%,=]*$/);
  });

  it('still decodes to the hostile values in the SDKs', () => {
    expect(Object.fromEntries(parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES))).toMatchObject({ ...hostile, 'service.version': '$(id)' });
  });
});

describe('formatEnv', () => {
  const env = envOf('local', 'checkout');

  it('writes JSON that parses back to the same variables in the same order', () => {
    const text = formatEnv(env, 'json');
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.entries(JSON.parse(text))).toEqual(Object.entries(env));
  });

  it('writes dotenv lines KEY=value, one per variable', () => {
    const lines = formatEnv(env, 'dotenv').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(Object.entries(env).map(([k, v]) => `${k}=${v}`));
  });

  it('writes shell lines that export every variable', () => {
    const text = formatEnv(env, 'shell');
    expect(text.split('\n').slice(0, -1).every((l) => /^export [A-Z_]+='[^']*'$/.test(l))).toBe(true);
    const r = spawnSync('sh', ['-c', 'eval "$(cat)"; exec env'], { input: text, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.status).toBe(0);
    for (const [k, v] of Object.entries(env)) expect(r.stdout.split('\n')).toContain(`${k}=${v}`);
  });

  const tricky = ["it's", "'", "''", "a'b'c", '$HOME', '`id`', '$(id)', '"double"', 'back\\slash', 'line\nbreak', 'ü日本💥', '', '!*?;&|<>', ' lead and trail '];

  it.each(tricky)('quotes %j so that sh reads it back unchanged', (value) => {
    const r = spawnSync('sh', ['-c', 'eval "$(cat)"; printf %s "$VAR"'], { input: formatEnv({ VAR: value }, 'shell'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(value);
  });

  it('quotes any text (no NUL) so that sh reads it back unchanged', () => {
    const values = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')), { seed: 20261121, numRuns: 150 });
    const vars = Object.fromEntries(values.map((v, i) => [`VAR${i}`, v]));
    const script = `eval "$(cat)"; printf '%s\\0' ${values.map((_, i) => `"$VAR${i}"`).join(' ')}`;
    const r = spawnSync('sh', ['-c', script], { input: formatEnv(vars, 'shell'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(values);
  });
});
