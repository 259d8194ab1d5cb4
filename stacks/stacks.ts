/**
 * The example organisation's stacks: one spec, four environments. `stacks/main.ts`
 * synthesizes them; the `o11y` CLI builds them in memory to answer `o11y env` and
 * `o11y compose` from exactly the same definitions.
 */
import type { App } from 'cdktf';
import type { ObservabilitySpec } from '../src/spec/types';
import { AwsObservabilityStack } from '../src/targets/aws/aws-stack';
import { DockerObservabilityStack } from '../src/targets/docker/docker-stack';

export function defineStacks(app: App, spec: ObservabilitySpec): void {
  // prod parity on a laptop: Tempo with its metrics-generator, Prometheus, Grafana
  new DockerObservabilityStack(app, 'local', { spec, traceBackend: 'tempo' });
  // the light dev stack: Jaeger v2 all-in-one instead of Tempo
  new DockerObservabilityStack(app, 'local-jaeger', { spec, traceBackend: 'jaeger' });

  // AWS environments: replace the account-specific names with yours
  new AwsObservabilityStack(app, 'staging', {
    spec,
    region: 'eu-west-1',
    state: { bucket: 'shop-terraform-state' },
    tracesBucket: 'shop-staging-tempo-traces',
  });
  new AwsObservabilityStack(app, 'prod', {
    spec,
    region: 'eu-west-1',
    state: { bucket: 'shop-terraform-state' },
    tracesBucket: 'shop-prod-tempo-traces',
  });
}
