/**
 * The example organisation's stacks: one spec, five environments. `stacks/main.ts`
 * synthesizes them; the `o11y` CLI builds them in memory to answer `o11y env` and
 * `o11y compose` from exactly the same definitions.
 */
import type { App } from 'cdktf';
import type { ObservabilitySpec } from '../src/spec/types';
import { awsEnvironments, type AwsEnvironmentInputs } from '../src/targets/aws/aws-environments';
import { DockerObservabilityStack } from '../src/targets/docker/docker-stack';

/** `awsInputs`: the AWS environments' inputs (the benchmark raises a quota in them). */
export function defineStacks(app: App, spec: ObservabilitySpec, awsInputs: Record<string, AwsEnvironmentInputs> = EXAMPLE_AWS_INPUTS): void {
  // prod parity on a laptop: Tempo with its metrics-generator, Prometheus, Grafana
  new DockerObservabilityStack(app, 'local', { spec, traceBackend: 'tempo' });
  // the light dev stack: Jaeger v2 all-in-one instead of Tempo
  new DockerObservabilityStack(app, 'local-jaeger', { spec, traceBackend: 'jaeger' });

  // AWS environments: one stack per entry below, named by its key (docs/spec.md, "Add an environment")
  awsEnvironments(app, spec, awsInputs);
}

/** prod's account, network, access and secrets: prod and prod-peak run side by side in them. */
const PROD_ACCOUNT = {
  region: 'eu-west-1',
  state: { bucket: 'shop-terraform-state' }, // replace with yours
  vpcId: 'vpc-0fedcba9876543210', // replace with yours
  privateSubnetIds: ['subnet-0fedcba9876543210', 'subnet-0fedcba9876543211', 'subnet-0fedcba9876543212'], // replace with yours
  otlpAllowedSecurityGroupIds: ['sg-0fedcba9876543210'], // the services' security group: replace with yours
  grafanaAllowedCidrs: ['10.100.0.0/16'], // VPN range: replace with yours
  grafanaCertificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d', // replace with yours
  kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-86ef-1234567890ab', // replace with yours
  alertingSecretArns: {
    'pagerduty-routing-key': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/prod/pagerduty-routing-key-d4E5f6', // replace with yours
    'slack-webhook-url': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/prod/slack-webhook-url-g7H8i9', // replace with yours
    'heartbeat-url': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/prod/heartbeat-url-j1K2l3', // replace with yours
  },
} satisfies Partial<AwsEnvironmentInputs>;

/**
 * What each AWS environment needs beyond the spec: an existing VPC with private subnets (one per
 * Availability Zone, with a NAT or VPC endpoints), the Terraform state bucket, who may send OTLP
 * and who may open Grafana. The key is the stack's id and its environment name (`environments.<key>`
 * in o11y.yaml); a new entry is a new stack. Every value here is an example: replace with yours.
 */
export const EXAMPLE_AWS_INPUTS: Record<string, AwsEnvironmentInputs> = {
  staging: {
    region: 'eu-west-1',
    state: { bucket: 'shop-terraform-state' }, // replace with yours
    vpcId: 'vpc-0123456789abcdef0', // replace with yours
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], // replace with yours
    otlpAllowedSecurityGroupIds: ['sg-0123456789abcdef0'], // the services' security group: replace with yours
    grafanaAllowedCidrs: ['10.100.0.0/16'], // VPN range: replace with yours
    grafanaCertificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', // replace with yours
    tracesBucket: 'shop-staging-tempo-traces',
    configBucket: 'shop-staging-o11y-config',
    grafanaAdminPasswordRotatedOn: '2026-12-01', // the day its Grafana admin password was last rotated: a newer date rotates it
    // the alert receivers' secrets (alerting in o11y.yaml), created in Secrets Manager beforehand
    alertingSecretArns: {
      'slack-webhook-url': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/staging/slack-webhook-url-a1B2c3', // replace with yours
      'heartbeat-url': 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:o11y/staging/heartbeat-url-d4E5f6', // replace with yours
    },
  },
  prod: {
    ...PROD_ACCOUNT,
    grafanaDomainName: 'grafana.shop-prod.example.internal', // replace with yours
    tracesBucket: 'shop-prod-tempo-traces',
    configBucket: 'shop-prod-o11y-config',
    grafanaAdminPasswordRotatedOn: '2026-12-01', // the day its Grafana admin password was last rotated: a newer date rotates it
    sizing: { prometheus: { cpu: 1024, memoryMiB: 4096 } },
  },
  // prod at peak volume, beside prod in its account and VPC: the scaled-out shape (load-balancing
  // tier, 8 samplers, Tempo distributed on MSK, docs/tempo-distributed.md)
  'prod-peak': {
    ...PROD_ACCOUNT,
    tracesBucket: 'shop-prod-peak-tempo-traces',
    configBucket: 'shop-prod-peak-o11y-config',
    grafanaAdminPasswordRotatedOn: '2026-12-01', // the day its Grafana admin password was last rotated: a newer date rotates it
    sizing: { prometheus: { cpu: 2048, memoryMiB: 8192 } },
  },
};
