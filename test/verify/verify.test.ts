/**
 * `o11y verify`'s endpoints (from each example stack's synthesized manifest) and its messages.
 * The hops themselves are proven against deployed stacks in test/deploy (a real Jaeger,
 * collector, Prometheus and Alertmanager, and a deliberately broken collector).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli';
import { verifyEndpoints } from '../../src/verify/endpoints';
import { formatHop, verifyStack } from '../../src/verify/hops';
import { exampleApp, makeTempDir, removeTempDirs, synthToDisk } from '../support/synth';

let outdir: string;

beforeAll(() => {
  const example = exampleApp();
  synthToDisk(example);
  outdir = example.outdir;
});
afterAll(removeTempDirs);

describe('o11y verify endpoints', () => {
  it("reach a Docker stack's stores on the ports it publishes on 127.0.0.1", () => {
    const e = verifyEndpoints(outdir, 'local-jaeger');
    expect(e).toMatchObject({
      target: 'docker',
      environment: 'local-jaeger',
      otlpHttp: { component: 'otel-collector', url: 'http://127.0.0.1:4318' },
      traceStore: { kind: 'jaeger', url: 'http://127.0.0.1:16686' },
      prometheus: 'http://127.0.0.1:9090',
      loki: 'http://127.0.0.1:3100',
      alertmanager: 'http://127.0.0.1:9093',
      spanMetrics: { source: 'otel-collector', serviceLabel: 'service_name', exemplarLabel: 'trace_id' },
    });
    expect(e.ruleGroups.length).toBeGreaterThan(0);
    expect(verifyEndpoints(outdir, 'local')).toMatchObject({ traceStore: { kind: 'tempo', url: 'http://127.0.0.1:3200' }, spanMetrics: { source: 'tempo', exemplarLabel: 'traceID' } });
  });

  it("reach an AWS stack's stores by their Cloud Map names, the query-frontend where Tempo is distributed", () => {
    expect(verifyEndpoints(outdir, 'staging')).toMatchObject({
      target: 'aws',
      otlpHttp: { url: 'http://otel-collector.shop-staging.o11y.internal:4318' },
      traceStore: { kind: 'tempo', url: 'http://tempo.shop-staging.o11y.internal:3200' },
      prometheus: 'http://prometheus.shop-staging.o11y.internal:9090',
    });
    expect(verifyEndpoints(outdir, 'prod-peak').traceStore).toMatchObject({ component: 'tempo-query-frontend' });
  });

  it('name the stacks there are when the stack was not synthesized, and exit 2', async () => {
    let err = '';
    const code = await run(['verify', 'nosuch', '--synth-dir', outdir], { out: () => undefined, err: (s) => (err += s) });
    expect(code).toBe(2);
    expect(err).toBe(`o11y verify: no synthesized stack 'nosuch' in ${outdir} (stacks: local, local-jaeger, prod, prod-peak, staging)\n`);
  });

  it('refuse a stack name that is a path, before reading anything', () => {
    expect(() => verifyEndpoints(outdir, '../../etc')).toThrow('"../../etc" is not a stack name (letters, digits, \'-\' and \'_\')');
  });

  it('refuse a timeout that is not whole seconds, naming the value', async () => {
    let err = '';
    const code = await run(['verify', 'local', '--synth-dir', outdir, '--timeout', '1.5'], { out: () => undefined, err: (s) => (err += s) });
    expect([code, err]).toEqual([1, 'o11y: --timeout takes whole seconds from 1 to 3600 (got "1.5")\n']);
  });

  it('refuse a manifest that is not one, naming the file', () => {
    const dir = makeTempDir('verify-bad');
    mkdirSync(join(dir, 'stacks', 'x', 'config'), { recursive: true });
    writeFileSync(join(dir, 'stacks', 'x', 'config', 'o11y-stack.json'), '{"components": 3}');
    expect(() => verifyEndpoints(dir, 'x')).toThrow(`${join(dir, 'stacks', 'x', 'config', 'o11y-stack.json')} is not a stack manifest of this version of o11y-stack (components or spanMetrics missing): synthesize the stack again`);
  });
});

describe('o11y verify hops', () => {
  it('when the entry point refuses, report the send hop broken and every other hop not checked', async () => {
    const e = verifyEndpoints(outdir, 'local-jaeger');
    const refusing = (async () => new Response('no', { status: 503 })) as unknown as typeof fetch;
    const outcomes = await verifyStack(e, { fetch: refusing, timeoutSeconds: 1, intervalMs: 10 });
    expect(outcomes.map((o) => [o.hop, o.ok])).toEqual([['send', false], ['trace', false], ['span metrics', false], ['metric', false], ['log', false], ['rules', false], ['alertmanager', false]]);
    expect(formatHop(outcomes[0])).toMatch(/^BROKEN send +OTLP\/HTTP otel-collector at http:\/\/127\.0\.0\.1:4318: traces: HTTP 503 no; metrics: HTTP 503 no; logs: HTTP 503 no \(after 1 s\)\n$/);
    expect(outcomes[1].detail).toBe('Jaeger (jaeger) at http://127.0.0.1:16686: not checked, nothing was sent');
  });
});
