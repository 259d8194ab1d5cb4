/**
 * What the live tests build and run, derived from the example stacks' plans: the collector
 * build covers exactly the component types their rendered collector configs name.
 */
import { buildCollector, collectorBuildFor, CollectorBuild, componentTypes, unionTypes } from './collector-build';
import { EXAMPLE_STACKS, examplePlan, scaledLocalSpec } from '../../support/plans';
import { fileContent } from '../../../src/components/plan';

/**
 * Every rendered collector config of every example stack, and of the scaled-out laptop stack the
 * live scale-out test runs (its load-balancing collector and its samplers), by stack.
 */
export function collectorConfigs(): { stack: string; yaml: string; file: string }[] {
  const plans = [...EXAMPLE_STACKS.map((stack) => ({ stack: stack as string, plan: examplePlan(stack) })), { stack: 'local-samplers-3', plan: examplePlan('local', scaledLocalSpec()) }];
  return plans.flatMap(({ stack, plan }) =>
    (['otel-collector.yaml', 'otel-sampler.yaml'] as const).flatMap((file) => {
      const yaml = fileContent(plan, file);
      return yaml ? [{ stack, yaml, file }] : [];
    }),
  );
}

/**
 * Test-only components, beside the rendered configs' own: the stand-in for Loki (AGPL, not
 * built here) is a second instance of this build that takes OTLP logs on Loki's path and writes
 * them, as OTLP JSON, to a file the test reads (test/live/support/loki-stand-in.ts).
 */
export const TEST_ONLY_COLLECTOR_TYPES = { receivers: [], processors: [], exporters: ['file'], connectors: [], extensions: [] };

export function liveCollectorTypes() {
  return unionTypes([...collectorConfigs().map((c) => componentTypes(c.yaml)), TEST_ONLY_COLLECTOR_TYPES]);
}

export function liveCollector(): CollectorBuild {
  return collectorBuildFor(liveCollectorTypes());
}

export function buildLiveCollector(): Promise<CollectorBuild> {
  return buildCollector(liveCollectorTypes());
}
