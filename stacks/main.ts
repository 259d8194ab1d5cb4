/**
 * The example organisation: one spec, four stacks. `npm run synth` (or `cdktf synth`) runs
 * this file; `cdktf deploy <stack>` deploys one of them.
 */
import { join } from 'node:path';
import { synthApp } from '../src/app';
import { loadSpec } from '../src/spec/load';
import { AwsObservabilityStack } from '../src/targets/aws/aws-stack';
import { DockerObservabilityStack } from '../src/targets/docker/docker-stack';

synthApp((app) => {
  const spec = loadSpec(join(__dirname, 'o11y.yaml'));

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
});
