/**
 * Grafana datasource provisioning, checked against Grafana's own rules:
 *
 * - Env expansion in provisioning files (grafana.com/docs/grafana/latest/administration/provisioning/,
 *   "Using environment variables": "$ENV_VAR_NAME or ${ENV_VAR_NAME} … If you have a literal $ in
 *   your value and want to avoid interpolation, $$ can be used"). The implementation,
 *   grafana/grafana pkg/services/provisioning/values/values.go `interpolateValue`, splits a value
 *   on "$$", runs Go's os.ExpandEnv on each part and joins the parts with "$"; jsonData goes
 *   through it too (JSONValue → transformInterface). `grafanaInterpolate` below models that.
 *   Grafana's Tempo provisioning example writes the macro as `{$$__tags}` for this reason
 *   (grafana/grafana docs/sources/datasources/tempo/configure-tempo-data-source/provision.md).
 * - Prometheus `jsonData.exemplarTraceIdDestinations[]` is `{ name, url?, urlDisplayLabel?,
 *   datasourceUid? }`, `name` being the exemplar label (Grafana docs, datasources/prometheus/configure).
 * - The Jaeger datasource has no `serviceMap` (docs/sources/datasources/jaeger/configure).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { fileContent } from '../../src/components/plan';
import { escapeProvisioning, GrafanaDatasourcesOptions, renderGrafanaDatasources } from '../../src/render/grafana-datasources';
import { toYaml } from '../../src/render/serialize';
import { SPAN_METRICS } from '../../src/render/span-metrics';
import { DATASOURCE_UIDS } from '../../src/spec/defaults';
import { dockerPlan, exampleSpec } from '../support/plans';

type Obj = Record<string, unknown>;
interface Datasource {
  name: string;
  type: string;
  uid: string;
  url: string;
  isDefault?: boolean;
  jsonData: Obj;
}

const tempoOptions: GrafanaDatasourcesOptions = {
  prometheusUrl: 'http://prometheus:9090',
  prometheusVersion: '3.7.3',
  traceStore: { kind: 'tempo', url: 'http://tempo:3200' },
  exemplarLabels: [
    { label: 'traceID', source: 'span metrics' },
    { label: 'trace_id', source: 'service metrics' },
  ],
  spanMetrics: SPAN_METRICS.tempo,
};
/** The tail-sampling stack: span metrics from the collector's connectors, in their names. */
const collectorOptions: GrafanaDatasourcesOptions = {
  ...tempoOptions,
  exemplarLabels: [{ label: 'trace_id', source: 'span and service metrics' }],
  spanMetrics: SPAN_METRICS['otel-collector'],
};
const jaegerOptions: GrafanaDatasourcesOptions = {
  ...tempoOptions,
  spanMetrics: undefined,
  traceStore: { kind: 'jaeger', url: 'http://jaeger:16686' },
  exemplarLabels: [{ label: 'trace_id', source: 'service metrics' }],
};

function datasources(opts: GrafanaDatasourcesOptions): Datasource[] {
  return (renderGrafanaDatasources(opts) as { datasources: Datasource[] }).datasources;
}
const byType = (ds: Datasource[], type: string) => ds.find((d) => d.type === type)!;

// --- Grafana's expansion of provisioning values (a model of values.go interpolateValue) ----------

const isShellSpecial = (c: string) => '*#$@!?-'.includes(c) || (c >= '0' && c <= '9');
const isAlnum = (c: string) => c === '_' || /[A-Za-z0-9]/.test(c);

/** Go's os.getShellName: the variable name after a `$`, and how many bytes it spans. */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && isShellSpecial(s[1]) && s[2] === '}') return [s[1], 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (isShellSpecial(s[0])) return [s[0], 1];
  let i = 0;
  while (i < s.length && isAlnum(s[i])) i++;
  return [s.slice(0, i), i];
}

/** Go's os.ExpandEnv with `env` as the environment (unset variables become ""). */
function goExpandEnv(s: string, env: Record<string, string>): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      out += s.slice(i, j);
      const [name, w] = shellName(s.slice(j + 1));
      if (name === '' && w > 0) {
        // bad syntax such as "${}": Go drops it
      } else if (name === '') {
        out += '$';
      } else {
        out += env[name] ?? '';
      }
      j += w;
      i = j + 1;
    }
  }
  return out + s.slice(i);
}

function grafanaInterpolate(value: string, env: Record<string, string> = {}): string {
  return value
    .split('$$')
    .map((part) => goExpandEnv(part, env))
    .join('$');
}

function strings(v: unknown, path = ''): [string, string][] {
  if (typeof v === 'string') return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => strings(x, path ? `${path}.${k}` : k));
  return [];
}

describe('the model of Grafana provisioning expansion', () => {
  it('behaves as Grafana documents it', () => {
    expect(grafanaInterpolate('http://localhost:$PORT', { PORT: '9090' })).toBe('http://localhost:9090');
    expect(grafanaInterpolate('${USER}x', { USER: 'u' })).toBe('ux');
    expect(grafanaInterpolate('Pa$$sw0rd')).toBe('Pa$sw0rd');
    // an unescaped macro is eaten: this is what escaping prevents
    expect(grafanaInterpolate('rate(x{$__tags}[5m])')).toBe('rate(x{}[5m])');
    expect(grafanaInterpolate('rate(x{$$__tags}[5m])', { __tags: 'oops' })).toBe('rate(x{$__tags}[5m])');
  });
});

describe('datasource uids', () => {
  it('are fixed, whatever the URLs, so dashboards and links can name them', () => {
    const a = datasources(tempoOptions);
    const b = datasources({ ...tempoOptions, prometheusUrl: 'http://prometheus.shop-prod.o11y.internal:9090', traceStore: { kind: 'tempo', url: 'http://tempo.shop-prod.o11y.internal:3200' } });
    expect(a.map((d) => d.uid)).toEqual(['o11y-prometheus', 'o11y-tempo']);
    expect(b.map((d) => d.uid)).toEqual(['o11y-prometheus', 'o11y-tempo']);
    expect(datasources(jaegerOptions).map((d) => d.uid)).toEqual(['o11y-prometheus', 'o11y-jaeger']);
    expect(DATASOURCE_UIDS).toEqual({ prometheus: 'o11y-prometheus', tempo: 'o11y-tempo', jaeger: 'o11y-jaeger', loki: 'o11y-loki', alertmanager: 'o11y-alertmanager' });
  });

  it('make Prometheus the one default datasource', () => {
    for (const opts of [tempoOptions, jaegerOptions]) {
      const ds = datasources(opts);
      expect(ds.filter((d) => d.isDefault).map((d) => d.type)).toEqual(['prometheus']);
      expect(byType(ds, 'prometheus').url).toBe('http://prometheus:9090');
    }
  });

  it('sit in a provisioning file of apiVersion 1', () => {
    expect(renderGrafanaDatasources(tempoOptions)).toMatchObject({ apiVersion: 1 });
  });
});

describe('exemplar links', () => {
  it.each([
    ['tempo', tempoOptions],
    ['jaeger', jaegerOptions],
  ])('point every exemplar label at the %s datasource uid', (type, opts) => {
    const ds = datasources(opts);
    const destinations = byType(ds, 'prometheus').jsonData.exemplarTraceIdDestinations as Obj[];
    expect(destinations.map((d) => d.name)).toEqual(opts.exemplarLabels.map((e) => e.label));
    for (const d of destinations) {
      expect(d.datasourceUid).toBe(byType(ds, type).uid);
      // Grafana's ExemplarTraceIdDestination: name, url?, urlDisplayLabel?, datasourceUid?
      for (const key of Object.keys(d)) expect(['name', 'url', 'urlDisplayLabel', 'datasourceUid']).toContain(key);
      expect(d).not.toHaveProperty('url');
    }
  });

  it('carry Tempo’s default exemplar label traceID in the Tempo stack of the example', () => {
    const doc = parse(fileContent(dockerPlan(exampleSpec(), 'local', 'tempo'), 'grafana/datasources.yaml')!) as { datasources: Datasource[] };
    const destinations = byType(doc.datasources, 'prometheus').jsonData.exemplarTraceIdDestinations as Obj[];
    expect(destinations.map((d) => [d.name, d.datasourceUid])).toEqual([
      ['traceID', 'o11y-tempo'],
      ['trace_id', 'o11y-tempo'],
    ]);
  });
});

describe('traces-to-metrics queries', () => {
  const tempo = byType(datasources(tempoOptions), 'tempo');
  const t2m = tempo.jsonData.tracesToMetrics as { datasourceUid: string; tags: Obj[]; queries: { name: string; query: string }[] };

  it('escape every $ as $$, so Grafana hands the $__tags macro through', () => {
    expect(t2m.queries.length).toBeGreaterThan(0);
    for (const q of t2m.queries) {
      expect(q.query).toContain('{$$__tags');
      expect(q.query.replace(/\$\$/g, '')).not.toContain('$');
      const seen = grafanaInterpolate(q.query, { __tags: 'EXPANDED', tags: 'EXPANDED' });
      expect(seen).toContain('{$__tags');
      expect(seen).not.toContain('EXPANDED');
      expect(seen).toBe(q.query.replace(/\$\$/g, '$'));
    }
  });

  it('are valid PromQL over Tempo’s span-metrics series once Grafana fills in the tags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o11y-t2m-'));
    try {
      const rules = t2m.queries.map((q, i) => ({
        record: `o11y:t2m_${i}`,
        // Grafana replaces $__tags with the span's tags as label matchers
        expr: grafanaInterpolate(q.query).replace(/\$__tags/g, 'service="checkout", span_name="GET /cart"'),
      }));
      for (const r of rules) expect(r.expr).toMatch(/traces_spanmetrics_(calls_total|latency_bucket)\{service="checkout", span_name="GET \/cart"/);
      const file = join(dir, 'rules.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'traces-to-metrics', rules }] }));
      const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('query the Prometheus datasource, joining span attribute service.name to the label service', () => {
    expect(t2m.datasourceUid).toBe('o11y-prometheus');
    expect(t2m.tags).toEqual([{ key: 'service.name', value: 'service' }]);
  });

  it("behind a tail-sampling collector, query the connector's series and join service.name to service_name", () => {
    const c = byType(datasources(collectorOptions), 'tempo').jsonData.tracesToMetrics as typeof t2m;
    expect(c.tags).toEqual([{ key: 'service.name', value: 'service_name' }]);
    const exprs = c.queries.map((q) => grafanaInterpolate(q.query).replace(/\$__tags/g, 'service_name="checkout"'));
    expect(exprs.join('\n')).toMatch(/traces_spanmetrics_duration_seconds_bucket\{service_name="checkout"\}/);
    expect(exprs.join('\n')).not.toMatch(/latency_bucket|by \(service,/);
  });

  it('are left out where the stack has no span metrics (Jaeger without a collector)', () => {
    const jaeger = byType(datasources(jaegerOptions), 'jaeger');
    expect(jaeger.jsonData.tracesToMetrics).toBeUndefined();
    expect(byType(datasources({ ...jaegerOptions, spanMetrics: SPAN_METRICS['otel-collector'] }), 'jaeger').jsonData.tracesToMetrics).toMatchObject({ tags: [{ key: 'service.name', value: 'service_name' }] });
  });
});

describe('every string of the provisioning file', () => {
  it.each([
    ['tempo', tempoOptions],
    ['jaeger', jaegerOptions],
  ])('reaches Grafana as meant after its env expansion (%s)', (_kind, opts) => {
    const doc = renderGrafanaDatasources(opts);
    for (const [path, value] of strings(doc)) {
      const expected = path.endsWith('.query') ? value.replace(/\$\$/g, '$') : value;
      expect([path, grafanaInterpolate(value, { __tags: 'X', PATH: '/bin' })]).toEqual([path, expected]);
    }
  });

  it('keeps its $$ through YAML serialisation', () => {
    const text = toYaml(renderGrafanaDatasources(tempoOptions));
    expect(text).toContain('{$$__tags}');
    expect(parse(text)).toEqual(renderGrafanaDatasources(tempoOptions));
  });

  it('escapes with a function that doubles each $', () => {
    expect(escapeProvisioning('$__tags and ${x} and $$')).toBe('$$__tags and $${x} and $$$$');
    expect(grafanaInterpolate(escapeProvisioning('$__tags and ${x} and $$'), { x: 'no' })).toBe('$__tags and ${x} and $$');
  });
});

describe('the Tempo datasource', () => {
  const tempo = byType(datasources(tempoOptions), 'tempo');

  it('draws the service map from Prometheus', () => {
    expect(tempo.jsonData.serviceMap).toEqual({ datasourceUid: 'o11y-prometheus' });
    expect(tempo.jsonData.nodeGraph).toEqual({ enabled: true });
    expect(tempo.url).toBe('http://tempo:3200');
  });
});

describe('the Jaeger variant', () => {
  const ds = datasources(jaegerOptions);
  const jaeger = byType(ds, 'jaeger');

  it('has no service map and no traces-to-metrics link (no span metrics in that stack)', () => {
    expect(jaeger.jsonData).not.toHaveProperty('serviceMap');
    expect(jaeger.jsonData).not.toHaveProperty('tracesToMetrics');
    expect(jaeger.jsonData.nodeGraph).toEqual({ enabled: true });
  });

  it('has no Tempo datasource at all', () => {
    expect(ds.map((d) => d.type)).toEqual(['prometheus', 'jaeger']);
    expect(jaeger.url).toBe('http://jaeger:16686');
  });

  it('is what the example local-jaeger stack provisions', () => {
    const doc = parse(fileContent(dockerPlan(exampleSpec(), 'local-jaeger', 'jaeger'), 'grafana/datasources.yaml')!) as { datasources: Datasource[] };
    expect(doc.datasources.map((d) => [d.type, d.uid])).toEqual([
      ['prometheus', 'o11y-prometheus'],
      ['jaeger', 'o11y-jaeger'],
      ['loki', 'o11y-loki'],
      ['alertmanager', 'o11y-alertmanager'],
    ]);
    expect(byType(doc.datasources, 'jaeger').jsonData).not.toHaveProperty('serviceMap');
    // Jaeger links spans to their logs as Tempo does
    expect(byType(doc.datasources, 'jaeger').jsonData).toHaveProperty('tracesToLogsV2.datasourceUid', 'o11y-loki');
  });
});

describe('the Loki datasource and traces → logs', () => {
  const withLoki = { ...tempoOptions, lokiUrl: 'http://loki:3100' };

  it('links the trace_id field Loki keeps for OTLP records to the trace datasource, by uid', () => {
    const loki = byType(datasources(withLoki), 'loki');
    expect(loki).toMatchObject({ uid: 'o11y-loki', url: 'http://loki:3100', access: 'proxy', editable: false });
    expect((loki.jsonData as { derivedFields: unknown[] }).derivedFields).toEqual([
      { name: 'TraceID', matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: 'o11y-tempo', url: '$${__value.raw}', urlDisplayLabel: 'Trace in Tempo' },
    ]);
    expect((byType(datasources({ ...jaegerOptions, lokiUrl: 'http://loki:3100' }), 'loki').jsonData as { derivedFields: { datasourceUid: string }[] }).derivedFields[0].datasourceUid).toBe('o11y-jaeger');
  });

  it("opens a span's logs by service_name and trace_id, with $ escaped for Grafana's provisioning", () => {
    expect(byType(datasources(withLoki), 'tempo').jsonData).toHaveProperty('tracesToLogsV2', {
      datasourceUid: 'o11y-loki',
      spanStartTimeShift: '-5m',
      spanEndTimeShift: '5m',
      tags: [{ key: 'service.name', value: 'service_name' }],
      filterByTraceID: false,
      filterBySpanID: false,
      customQuery: true,
      query: '{$${__tags}} | trace_id="$${__trace.traceId}"',
    });
  });

  it('is absent, with no traces → logs link, when the stack has no Loki', () => {
    expect(datasources(tempoOptions).map((d) => d.type)).not.toContain('loki');
    expect(byType(datasources(tempoOptions), 'tempo').jsonData).not.toHaveProperty('tracesToLogsV2');
  });
});
