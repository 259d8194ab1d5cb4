/**
 * The dashboards of every example stack, as provisioned: read from the Grafana component's
 * files (the same strings the targets deploy and write to cdktf.out/…/config/grafana/).
 */
import { component, StackPlan } from '../../src/components/plan';
import { EXAMPLE_STACKS, ExampleStack, examplePlan } from '../support/plans';

export interface ProvisionedDashboard {
  readonly stack: ExampleStack;
  /** Path under config/, e.g. grafana/dashboards/o11y-traces.json. */
  readonly output: string;
  readonly mountPath: string;
  readonly json: Record<string, unknown>;
}

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const plans = new Map<ExampleStack, StackPlan>();
export function planOf(stack: ExampleStack): StackPlan {
  if (!plans.has(stack)) plans.set(stack, examplePlan(stack));
  return plans.get(stack)!;
}

export function provisionedDashboards(stack: ExampleStack): ProvisionedDashboard[] {
  const grafana = component(planOf(stack), 'grafana')!;
  return grafana.files
    .filter((f) => f.output.startsWith('grafana/dashboards/') && f.output.endsWith('.json'))
    .map((f) => ({ stack, output: f.output, mountPath: f.mountPath, json: JSON.parse(f.content) as Json }));
}

export const ALL_DASHBOARDS: ProvisionedDashboard[] = EXAMPLE_STACKS.flatMap(provisionedDashboards);

/** Panels with their row's children flattened in, rows excluded. */
export function panelsOf(d: Json): Json[] {
  return arr(d.panels)
    .map(obj)
    .flatMap((p) => (p.type === 'row' ? arr(p.panels).map(obj) : [p]));
}
