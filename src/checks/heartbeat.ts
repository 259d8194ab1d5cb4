import { component, StackPlan } from '../components/plan';
import { issue, Issue } from '../spec/issues';
import { WATCHDOG_ALERT } from '../render/stack-alerts';

export const NO_HEARTBEAT = 'o11y:no-heartbeat';

/**
 * Warnings (stable id {@link NO_HEARTBEAT}): an environment that routes alerts to someone but
 * has no `alerting.heartbeat` cannot tell anyone when Prometheus or Alertmanager stops, as no
 * alert fires then. The Watchdog still fires and ends at the `unrouted` receiver. An environment
 * that routes nothing (local) notifies nobody of anything, so it is not warned.
 */
export function heartbeatWarnings(plan: StackPlan): Issue[] {
  const { receivers, heartbeat } = plan.spec.alerting;
  if (!component(plan, 'alertmanager') || heartbeat || receivers.length === 0) return [];
  return [
    issue(
      'alerting.heartbeat',
      `is not set while alerts go to ${receivers.map((r) => r.name).join(', ')}: if Prometheus or Alertmanager stops, no alert says so. Give a heartbeat service's URL (a secret, as urlSecret) for the ${WATCHDOG_ALERT} alert to ping`,
    ),
  ];
}
