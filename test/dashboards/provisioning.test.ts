/**
 * Dashboards are provisioned in every stack: a dashboards provider file Grafana can read,
 * one JSON per dashboard named by its stable uid, mounted in the folder the provider points at.
 * (That each container uploads exactly its component's files is test/targets/docker-stack.test.ts.)
 */
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { dashboardsFor, DASHBOARD_UIDS } from '../../dashboards';
import { component } from '../../src/components/plan';
import { GRAFANA_DASHBOARD_PROVIDER_PATH, stackFacts } from '../../src/components/grafana';
import { dockerTopology } from '../../src/components/topology';
import { renderGrafanaDashboardProvider } from '../../src/render/grafana-dashboards';
import { resolveSpec } from '../../src/spec/resolve';
import { EXAMPLE_STACKS, exampleSpec } from '../support/plans';
import { arr, obj, panelsOf, planOf, provisionedDashboards } from './support';

/**
 * The provider keys Grafana reads (apiVersion 1): grafana/grafana
 * pkg/services/provisioning/dashboards/types.go, struct `configs` yaml tags.
 */
const GRAFANA_PROVIDER_KEYS = ['name', 'type', 'orgId', 'folder', 'folderUid', 'editable', 'options', 'disableDeletion', 'updateIntervalSeconds', 'allowUiUpdates'];

const TEMPO_UIDS = [DASHBOARD_UIDS.serviceOverview, DASHBOARD_UIDS.serviceGraph, DASHBOARD_UIDS.traces, DASHBOARD_UIDS.stackHealth, DASHBOARD_UIDS.slos];
const JAEGER_UIDS = [DASHBOARD_UIDS.serviceOverview, DASHBOARD_UIDS.serviceGraph, DASHBOARD_UIDS.traces, DASHBOARD_UIDS.stackHealth, DASHBOARD_UIDS.slos];

describe('dashboard provisioning', () => {
  it('renders a provider with only the keys Grafana reads, as a file provider that the UI cannot change', () => {
    const cfg = renderGrafanaDashboardProvider();
    expect(cfg.apiVersion).toBe(1);
    const providers = arr(cfg.providers).map(obj);
    expect(providers).toHaveLength(1);
    expect(Object.keys(providers[0]).filter((k) => !GRAFANA_PROVIDER_KEYS.includes(k))).toEqual([]);
    expect(providers[0]).toMatchObject({ type: 'file', allowUiUpdates: false, disableDeletion: true, folderUid: 'o11y-stack' });
  });

  it.each(EXAMPLE_STACKS)('the %s stack provisions its dashboards from the folder its provider file points at', (stack) => {
    const grafana = component(planOf(stack), 'grafana')!;
    const provider = grafana.files.find((f) => f.output === 'grafana/dashboards.yaml')!;
    expect(provider.mountPath).toBe(GRAFANA_DASHBOARD_PROVIDER_PATH);
    expect(provider.mountPath.startsWith('/etc/grafana/provisioning/dashboards/')).toBe(true);
    const path = obj(obj(arr(obj(parse(provider.content)).providers)[0]).options).path;
    const dashboards = provisionedDashboards(stack);
    for (const d of dashboards) {
      expect(dirname(d.mountPath)).toBe(path);
      expect(d.output).toBe(`grafana/dashboards/${String(d.json.uid)}.json`);
      expect(d.mountPath).toBe(`${String(path)}/${String(d.json.uid)}.json`);
    }
  });

  it.each([
    ['local', TEMPO_UIDS],
    ['staging', TEMPO_UIDS],
    ['prod', TEMPO_UIDS],
    ['local-jaeger', JAEGER_UIDS],
  ] as const)('the %s stack gets the dashboards %j, with stable uids', (stack, uids) => {
    expect(provisionedDashboards(stack).map((d) => d.json.uid).sort()).toEqual([...uids].sort());
  });

  it('every dashboard carries the stack tag and its environment, and is read-only', () => {
    for (const stack of EXAMPLE_STACKS) {
      for (const d of provisionedDashboards(stack)) {
        expect(d.json).toMatchObject({ editable: false, tags: expect.arrayContaining(['o11y-stack', stack]) });
      }
    }
  });

  it("searches slow traces with the spec's tracing.slowerThan", () => {
    const traces = provisionedDashboards('local').find((d) => d.json.uid === DASHBOARD_UIDS.traces)!;
    expect(panelsOf(traces.json).flatMap((p) => arr(p.targets).map((t) => obj(t).query))).toContain('{ duration > 1000ms }');

    const spec = { ...resolveSpec(exampleSpec(), 'local'), tracing: { retentionHours: 48, slowerThanMs: 250, tempo: { mode: 'monolithic' as const, modeFrom: 'volume' as const } } };
    const built = dashboardsFor(spec, stackFacts(spec, dockerTopology('tempo'))).find((d) => d.uid === DASHBOARD_UIDS.traces)!;
    expect(JSON.stringify(built)).toContain('{ duration > 250ms }');
    const jaeger = dashboardsFor(spec, stackFacts(spec, dockerTopology('jaeger'))).find((d) => d.uid === DASHBOARD_UIDS.traces)!;
    expect(JSON.stringify(jaeger)).toContain('"minDuration":"250ms"');
  });

  it('builds byte-identical dashboards from the same spec (deterministic output)', () => {
    const plan = planOf('prod');
    const once = component(plan, 'grafana')!.files.map((f) => f.content);
    const spec = resolveSpec(exampleSpec(), 'prod');
    const again = dashboardsFor(spec, stackFacts(spec, plan.topology)).map((d) => `${JSON.stringify(d, null, 2)}\n`);
    for (const d of again) expect(once).toContain(d);
  });
});
