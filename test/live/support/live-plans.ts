/**
 * What the live tests build and run, derived from the example stacks' plans: the collector
 * build covers exactly the component types their rendered collector configs name.
 */
import { buildCollector, collectorBuildFor, CollectorBuild, componentTypes, unionTypes } from './collector-build';
import { EXAMPLE_STACKS, examplePlan } from '../../support/plans';
import { fileContent } from '../../../src/components/plan';

/** Every rendered collector config of every example stack, by stack. */
export function collectorConfigs(): { stack: string; yaml: string }[] {
  return EXAMPLE_STACKS.flatMap((stack) => {
    const yaml = fileContent(examplePlan(stack), 'otel-collector.yaml');
    return yaml ? [{ stack, yaml }] : [];
  });
}

export function liveCollectorTypes() {
  return unionTypes(collectorConfigs().map((c) => componentTypes(c.yaml)));
}

export function liveCollector(): CollectorBuild {
  return collectorBuildFor(liveCollectorTypes());
}

export function buildLiveCollector(): Promise<CollectorBuild> {
  return buildCollector(liveCollectorTypes());
}
