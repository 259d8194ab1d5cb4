import { component, StackPlan } from '../components/plan';
import { RETENTION_FLAG } from '../render/prometheus';
import { goHours, humanDuration } from '../spec/duration';
import { issue, Issue } from '../spec/issues';
import { at, renderedYaml } from './config-tree';

export const TEMPO_RETENTION_KEYS = ['backend_scheduler.provider.compaction.compaction.block_retention', 'backend_worker.compaction.block_retention'] as const;

/**
 * Retention as deployed must be the spec's: Tempo 3.0 reads it in two places (scheduler and
 * worker) and a mismatch means blocks vanish earlier than the team was promised; Prometheus
 * reads it from a flag; Loki from limits_config, applied only by a compactor with retention on.
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
  const loki = renderedYaml(plan, 'loki.yaml');
  if (loki !== undefined) {
    const want = goHours(plan.spec.logs.retentionHours);
    const got = at(loki, 'limits_config.retention_period');
    if (got !== want) issues.push(issue('loki.yaml: limits_config.retention_period', `must equal logs.retention (${want})`, got));
    // without the compactor's retention, retention_period is never applied: logs live forever
    if (at(loki, 'compactor.retention_enabled') !== true) issues.push(issue('loki.yaml: compactor.retention_enabled', 'must be true: only the compactor deletes logs older than logs.retention', at(loki, 'compactor.retention_enabled')));
    if (!at(loki, 'compactor.delete_request_store')) issues.push(issue('loki.yaml: compactor.delete_request_store', 'must name the object store: Loki refuses to start with retention on and no delete-request store', at(loki, 'compactor.delete_request_store')));
  }
  const prom = component(plan, 'prometheus');
  if (prom) {
    const want = `${RETENTION_FLAG}=${humanDuration(plan.spec.metrics.retentionHours)}`;
    const flags = prom.args.filter((a) => a.startsWith(`${RETENTION_FLAG}=`));
    if (flags.length !== 1 || flags[0] !== want) issues.push(issue(`prometheus flags: ${RETENTION_FLAG}`, `must be set once to metrics.retention (${want})`, flags));
  }
  return issues;
}
