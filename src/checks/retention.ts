import { component, StackPlan } from '../components/plan';
import { RETENTION_FLAG } from '../render/prometheus';
import { goHours, humanDuration } from '../spec/duration';
import { issue, Issue } from '../spec/issues';
import { at, renderedYaml } from './config-tree';

export const TEMPO_RETENTION_KEYS = ['backend_scheduler.provider.compaction.compaction.block_retention', 'backend_worker.compaction.block_retention'] as const;

/**
 * Retention as deployed must be the spec's: Tempo 3.0 reads it in two places (scheduler and
 * worker) and a mismatch means blocks vanish earlier than the team was promised; Prometheus
 * reads it from a flag.
 */
export function checkRetention(plan: StackPlan): Issue[] {
  const issues: Issue[] = [];
  const cfg = renderedYaml(plan, 'tempo.yaml');
  if (cfg !== undefined) {
    const want = goHours(plan.spec.tracing.retentionHours);
    for (const key of TEMPO_RETENTION_KEYS) {
      const got = at(cfg, key);
      if (got !== want) issues.push(issue(`tempo.yaml: ${key}`, `must equal tracing.retention (${want})`, got));
    }
  }
  const prom = component(plan, 'prometheus');
  if (prom) {
    const want = `${RETENTION_FLAG}=${humanDuration(plan.spec.metrics.retentionHours)}`;
    const flags = prom.args.filter((a) => a.startsWith(`${RETENTION_FLAG}=`));
    if (flags.length !== 1 || flags[0] !== want) issues.push(issue(`prometheus flags: ${RETENTION_FLAG}`, `must be set once to metrics.retention (${want})`, flags));
  }
  return issues;
}
