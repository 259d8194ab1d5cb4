/**
 * No dashboard grows with the number of services: per-service views come from template
 * variables (label_values of the series) and repeated rows, read when Grafana loads the
 * dashboard, not from one panel per service written at synth time. Every example stack's
 * dashboards, synthesized from the example's 4 services and from the same spec grown to 200,
 * are the same files byte for byte. The one list a dashboard may provision from the spec, the
 * traces dashboard's services on a stack without span metrics to read them from, is the only
 * difference allowed, and only there.
 */
import { growSpec } from '../../bench/generate-spec';
import { dashboardsFor, DASHBOARD_UIDS } from '../../dashboards';
import { component } from '../../src/components/plan';
import { stackFacts } from '../../src/components/grafana';
import { dockerTopology } from '../../src/components/topology';
import { resolveSpec } from '../../src/spec/resolve';
import { EXAMPLE_STACKS, examplePlan, exampleSpec } from '../support/plans';
import { arr, obj, panelsOf, planOf, provisionedDashboards } from './support';

const GROWN = 200;

/** The dashboard files of a plan, by output path. */
function dashboardFiles(stack: (typeof EXAMPLE_STACKS)[number], services?: number): Map<string, string> {
  const plan = services === undefined ? planOf(stack) : examplePlan(stack, growSpec(exampleSpec(), services));
  return new Map(
    component(plan, 'grafana')!
      .files.filter((f) => f.output.startsWith('grafana/dashboards/') && f.output.endsWith('.json'))
      .map((f) => [f.output, f.content]),
  );
}

describe('dashboard size does not grow with the number of services', () => {
  it.each(EXAMPLE_STACKS)(`the %s stack writes the same dashboard files, byte for byte, for 4 services and for ${GROWN}`, (stack) => {
    const small = dashboardFiles(stack);
    const grown = dashboardFiles(stack, GROWN);
    expect([...grown.keys()].sort()).toEqual([...small.keys()].sort());
    // sizes first: a failure names the dashboard that grew and by how much
    const sizes = (m: Map<string, string>) => Object.fromEntries([...m].map(([k, v]) => [k, Buffer.byteLength(v)]));
    expect(sizes(grown)).toEqual(sizes(small));
    for (const [output, content] of small) expect({ output, same: grown.get(output) === content }).toEqual({ output, same: true });
  });

  it('a stack without span metrics provisions the services of the spec in the traces dashboard, and only there', () => {
    const built = (services: number) => {
      const spec = resolveSpec(growSpec(exampleSpec(), services), 'local-jaeger');
      const facts = { ...stackFacts(spec, dockerTopology('jaeger')), spanMetrics: undefined, serviceGraph: false };
      return new Map(dashboardsFor(spec, facts).map((d) => [d.uid!, JSON.stringify(d)]));
    };
    const small = built(4);
    const grown = built(GROWN);
    expect([...small.keys()].sort()).toEqual([DASHBOARD_UIDS.serviceGraph, DASHBOARD_UIDS.traces, DASHBOARD_UIDS.stackHealth, DASHBOARD_UIDS.slos].sort());
    for (const uid of small.keys()) {
      if (uid === DASHBOARD_UIDS.traces) continue;
      expect({ uid, same: grown.get(uid) === small.get(uid) }).toEqual({ uid, same: true });
    }
    // the traces dashboard differs in its custom variable's list of service names, nothing else
    const withoutList = (json: string) => {
      const d = JSON.parse(json) as Record<string, unknown>;
      const list = arr(obj(d.templating).list).map(obj);
      const service = list.find((v) => v.name === 'service')!;
      expect(service.type).toBe('custom');
      return { ...d, templating: { list: list.map((v) => (v === service ? { ...v, query: '…', options: '…' } : v)) } };
    };
    expect(grown.get(DASHBOARD_UIDS.traces)).not.toBe(small.get(DASHBOARD_UIDS.traces));
    expect(withoutList(grown.get(DASHBOARD_UIDS.traces)!)).toEqual(withoutList(small.get(DASHBOARD_UIDS.traces)!));
  });

  it.each(EXAMPLE_STACKS)('the %s SLOs dashboard selects through $service and $slo, read from the SLO series, and repeats its service row per selected service', (stack) => {
    const slos = provisionedDashboards(stack).find((d) => d.json.uid === DASHBOARD_UIDS.slos)!.json;
    const vars = arr(obj(slos.templating).list).map(obj);
    expect(vars.map((v) => ({ name: v.name, type: v.type, query: v.query, multi: v.multi, includeAll: v.includeAll }))).toEqual([
      { name: 'service', type: 'query', query: 'label_values(slo:objective:ratio, service)', multi: true, includeAll: true },
      { name: 'slo', type: 'query', query: 'label_values(slo:objective:ratio{service=~"$service"}, slo)', multi: true, includeAll: true },
    ]);
    expect(arr(slos.panels).map(obj).filter((p) => p.type === 'row').map((p) => [p.title, p.repeat])).toEqual([
      ['Every selected SLO', undefined],
      ['$service', 'service'],
    ]);
    // no query names a service of the spec: each selects by the variables
    const exprs = panelsOf(slos).flatMap((p) => arr(p.targets).map((t) => String(obj(t).expr)));
    expect(exprs.length).toBeGreaterThan(0);
    for (const e of exprs) expect(e).toMatch(/service=~"\$service", slo=~"\$slo"/);
    const names = exampleSpec().services.map((s) => s.name);
    expect(exprs.filter((e) => names.some((n) => e.includes(`"${n}"`)))).toEqual([]);
  });
});
