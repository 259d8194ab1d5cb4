import type { StackPlan } from '../components/plan';
import { Issue, throwIfAny } from '../spec/issues';
import { checkDashboardMetrics } from './dashboard-metrics';
import { checkServiceEndpoints } from './endpoints';
import { checkAlertRules } from './alert-rules';
import { checkExemplarChain } from './exemplar-chain';
import { checkLogCorrelation } from './log-correlation';
import type { Exposure } from './exposure';
import { checkRetention } from './retention';
import { checkScrapeJobs } from './scrape-jobs';
import { checkShutdown } from './shutdown';
import { checkSignals } from './signals';
import { checkTempoKafka } from './tempo-kafka';
import { checkTailSampling, SAMPLING_SKEWS_SPAN_METRICS, samplingWarnings } from './sampling';
import { heartbeatWarnings, NO_HEARTBEAT } from './heartbeat';

export type { Exposure } from './exposure';
export { SAMPLING_SKEWS_SPAN_METRICS } from './sampling';
export { NO_HEARTBEAT } from './heartbeat';

/** Every cross-component rule of a placed stack. Empty when the pieces agree. */
export function stackIssues(plan: StackPlan, exposures: readonly Exposure[], extra: readonly Issue[] = []): Issue[] {
  return [...checkTailSampling(plan), ...checkExemplarChain(plan), ...checkLogCorrelation(plan), ...checkRetention(plan), ...checkServiceEndpoints(plan, exposures), ...checkDashboardMetrics(plan), ...checkScrapeJobs(plan), ...checkSignals(plan), ...checkAlertRules(plan), ...checkTempoKafka(plan), ...checkShutdown(plan), ...extra];
}

/** Throws one error naming the stack and listing every disagreement. */
export function assertStackConsistent(stack: string, plan: StackPlan, exposures: readonly Exposure[], extra: readonly Issue[] = []): void {
  throwIfAny(`stack '${stack}'`, stackIssues(plan, exposures, extra));
}

/** A warning the team may accept: the stack synthesizes, and the warning says what it costs. */
export interface StackWarning {
  /** Stable id, e.g. `o11y:sampling-skews-span-metrics`. */
  readonly id: string;
  readonly issue: Issue;
}

export function stackWarnings(plan: StackPlan): StackWarning[] {
  return [...samplingWarnings(plan).map((issue) => ({ id: SAMPLING_SKEWS_SPAN_METRICS, issue })), ...heartbeatWarnings(plan).map((issue) => ({ id: NO_HEARTBEAT, issue }))];
}
