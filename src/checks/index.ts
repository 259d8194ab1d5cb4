import type { StackPlan } from '../components/plan';
import { Issue, throwIfAny } from '../spec/issues';
import { checkDashboardMetrics } from './dashboard-metrics';
import { checkServiceEndpoints } from './endpoints';
import { checkExemplarChain } from './exemplar-chain';
import type { Exposure } from './exposure';
import { checkRetention } from './retention';

export type { Exposure } from './exposure';

/** Every cross-component rule of a placed stack. Empty when the pieces agree. */
export function stackIssues(plan: StackPlan, exposures: readonly Exposure[], extra: readonly Issue[] = []): Issue[] {
  return [...checkExemplarChain(plan), ...checkRetention(plan), ...checkServiceEndpoints(plan, exposures), ...checkDashboardMetrics(plan), ...extra];
}

/** Throws one error naming the stack and listing every disagreement. */
export function assertStackConsistent(stack: string, plan: StackPlan, exposures: readonly Exposure[], extra: readonly Issue[] = []): void {
  throwIfAny(`stack '${stack}'`, stackIssues(plan, exposures, extra));
}
