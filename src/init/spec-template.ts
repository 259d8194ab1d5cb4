import { DEFAULT_LOGS_RETENTION, DEFAULT_METRICS_RETENTION, DEFAULT_TRACING_RETENTION } from '../spec/defaults';
import { LOCAL_STACK, ScaffoldOptions } from './scaffold-options';

/**
 * `stacks/o11y.yaml` of a new repository: one service, the retention defaults written out (the
 * knobs a team turns first), shorter retention on a laptop and tail sampling in the AWS
 * environment, as the example organisation does. The commented lines show the next steps.
 */
export function specTemplate(o: ScaffoldOptions): string {
  return `# The observability stack of ${o.name}: the services that send telemetry and how long traces,
# metrics and logs are kept. Service teams change it in pull requests; \`npm run synth\` turns it
# into one Terraform stack per environment (stacks/stacks.ts declares them).
# Reference: o11y-stack's docs/spec.md and docs/spec-reference.md; the TypeScript type is ObservabilitySpec.
name: ${o.name}

services:
  - name: ${o.service}
    # protocol: grpc                # how its OpenTelemetry SDK sends OTLP (default: http/protobuf)
    # metrics: { port: 9464 }       # a Prometheus endpoint the stack scrapes
    # slos:                         # burn-rate alerts from the span metrics
    #   - { name: availability, objective: 99.9 }

tracing:
  retention: ${DEFAULT_TRACING_RETENTION}
metrics:
  retention: ${DEFAULT_METRICS_RETENTION}
logs:
  retention: ${DEFAULT_LOGS_RETENTION}

# Alertmanager routes the SLO alerts and the stack's own by severity. Without receivers, alerts
# show in Alertmanager and Grafana and nobody is notified. Receivers name secrets, never hold
# them: each AWS environment gives the secret's Secrets Manager ARN (alertingSecretArns in
# stacks/stacks.ts), the local stack a TF_VAR_<name>.
# alerting:
#   receivers:
#     - name: sre-channel
#       slack: { channel: "#sre-alerts", webhookUrlSecret: slack-webhook-url }
#   route: { page: sre-channel, ticket: sre-channel }
#   heartbeat: { urlSecret: heartbeat-url }   # the always-firing Watchdog pings it: a dead man's switch

# Overrides per environment, by stack name (stacks/stacks.ts). A name here that no stack has is
# refused, so a typo cannot drop an environment's overrides.
environments:
  ${LOCAL_STACK}:
    tracing: { retention: 2d }
    metrics: { retention: 2d }
    logs: { retention: 2d }
  ${o.environment}:
    # an OpenTelemetry Collector keeps every error trace and every slow one, and a tenth of the rest
    tracing:
      tailSampling: { ratio: 0.1 }
`;
}
