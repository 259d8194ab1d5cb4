import type { ResolvedSpec } from '../spec/resolved';
import { HEARTBEAT_RECEIVER, UNROUTED_RECEIVER } from '../spec/defaults';
import { ALERT_SEVERITIES, AlertingSpec, WebhookReceiverSpec } from '../spec/types';
import { WATCHDOG_ALERT } from './stack-alerts';

/** Where alertmanager.yml is rendered under the stack's `config/`. */
export const ALERTMANAGER_CONFIG_FILE = 'alertmanager/alertmanager.yml';

/**
 * Labels alerts are grouped by: one notification per alert and service or SLO or component,
 * so checkout's page does not wait for cart's, and a collector alert is not folded into an SLO's.
 */
export const ALERT_GROUP_BY = ['alertname', 'service', 'slo', 'component'] as const;

/**
 * How often a still-firing alert is sent again: a page every hour until someone acts, a ticket
 * once a day. Group waits follow Alertmanager's documented defaults (30s, 5m).
 */
export const REPEAT_INTERVALS = { page: '1h', ticket: '24h', default: '4h' } as const;

/**
 * The Watchdog's route: sent at once, then again on every group flush. Alertmanager re-sends a
 * firing group when a flush (every group_interval) finds the last send older than
 * repeat_interval; a repeat_interval just under group_interval makes that every flush, so the
 * heartbeat service gets a ping a minute (with 1m/1m, the send at the next flush is a few
 * milliseconds short of the interval and waits for the one after: every 2 minutes).
 */
export const HEARTBEAT_TIMING = { group_wait: '0s', group_interval: '1m', repeat_interval: '50s' } as const;

export interface AlertmanagerRenderOptions {
  /** The file a secret's value is read from in the container (`*_file` fields): never the value. */
  readonly secretFile: (secret: string) => string;
}

/** Every secret the receivers name, sorted, each once (two receivers may share one). */
export function alertingSecrets(alerting: AlertingSpec): string[] {
  const names = [...(alerting.receivers ?? []).flatMap((r) => [r.slack?.webhookUrlSecret, r.pagerduty?.routingKeySecret, r.webhook?.urlSecret]), alerting.heartbeat?.urlSecret];
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}

/**
 * alertmanager.yml: the Watchdog to the heartbeat, a route per severity to the spec's receivers, each secret read from a file
 * (`api_url_file`, `routing_key_file`, `url_file`), so the config holds no credential and can be
 * written to Terraform state, S3 and the review. A page inhibits the ticket of the same SLO.
 */
export function renderAlertmanagerConfig(spec: ResolvedSpec, opts: AlertmanagerRenderOptions): Record<string, unknown> {
  const { receivers, route, heartbeat } = spec.alerting;
  const webhookConfig = (w: WebhookReceiverSpec, sendResolved: boolean) => ({ ...(w.urlSecret !== undefined ? { url_file: opts.secretFile(w.urlSecret) } : { url: w.url }), send_resolved: sendResolved });
  const routes = [
    // first, and final: the Watchdog reaches the heartbeat and never a person. Without a
    // heartbeat it still fires (Alertmanager and Grafana show the pipeline works) and stops here.
    { receiver: heartbeat ? HEARTBEAT_RECEIVER : UNROUTED_RECEIVER, matchers: [`alertname="${WATCHDOG_ALERT}"`], ...HEARTBEAT_TIMING },
    ...ALERT_SEVERITIES.filter((s) => route[s] !== undefined).map((s) => ({
      receiver: route[s],
      matchers: [`severity="${s}"`],
      repeat_interval: REPEAT_INTERVALS[s],
    })),
  ];
  return {
    route: {
      receiver: route.default ?? UNROUTED_RECEIVER,
      group_by: [...ALERT_GROUP_BY],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: REPEAT_INTERVALS.default,
      routes,
    },
    // the fast burn already paged: the slow burn of the same SLO would only repeat it
    inhibit_rules: [{ source_matchers: ['severity="page"', 'slo=~".+"'], target_matchers: ['severity="ticket"'], equal: ['service', 'slo'] }],
    receivers: [
      { name: UNROUTED_RECEIVER },
      // a heartbeat service wants pings, not a resolution (the Watchdog never resolves but on a stop)
      ...(heartbeat ? [{ name: HEARTBEAT_RECEIVER, webhook_configs: [webhookConfig(heartbeat, false)] }] : []),
      ...receivers.map((r) => ({
        name: r.name,
        ...(r.slack
          ? {
              slack_configs: [
                {
                  api_url_file: opts.secretFile(r.slack.webhookUrlSecret),
                  channel: r.slack.channel,
                  send_resolved: true,
                  title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} {{ . }}{{ end }}{{ with .CommonLabels.slo }} ({{ . }}){{ end }}',
                  text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}{{ with .Annotations.runbook_url }}\nRunbook: {{ . }}{{ end }}\n{{ end }}',
                },
              ],
            }
          : {}),
        ...(r.pagerduty
          ? {
              pagerduty_configs: [
                {
                  routing_key_file: opts.secretFile(r.pagerduty.routingKeySecret),
                  send_resolved: true,
                  severity: '{{ if eq .CommonLabels.severity "page" }}critical{{ else }}warning{{ end }}',
                },
              ],
            }
          : {}),
        ...(r.webhook
          ? { webhook_configs: [webhookConfig(r.webhook, true)] }
          : {}),
      })),
    ],
  };
}
