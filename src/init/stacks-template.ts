import { PLACEHOLDER } from '../targets/placeholders';
import { LOCAL_STACK, ScaffoldOptions } from './scaffold-options';

/** An environment name as an object key: bare where TypeScript allows it (`prod`), quoted otherwise (`'qa-eu'`). */
function objectKey(name: string): string {
  return /^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`;
}

/**
 * `stacks/stacks.ts` of a new repository: the local Docker stack and one AWS environment whose
 * inputs only the user knows. Those are placeholders containing {@link PLACEHOLDER}: each fails
 * its input's check at synth (or the placeholder check, for an input without a format), so
 * nothing deploys until every one is replaced.
 */
export function stacksTemplate(o: ScaffoldOptions): string {
  const p = PLACEHOLDER;
  return `/**
 * The stacks of this repository, all from one spec (o11y.yaml): main.ts synthesizes them
 * (\`npm run synth\`), and the \`o11y\` CLI builds them in memory to answer \`o11y validate\`,
 * \`o11y env\` and \`o11y compose\` from the same definitions.
 */
import type { App } from 'cdktf';
import { awsEnvironments, DockerObservabilityStack, type AwsEnvironmentInputs, type ObservabilitySpec } from 'o11y-stack';

export function defineStacks(app: App, spec: ObservabilitySpec): void {
  // the whole stack on a laptop, on Docker (\`npx --no o11y compose --stack ${LOCAL_STACK}\` for Docker Compose)
  new DockerObservabilityStack(app, '${LOCAL_STACK}', { spec, traceBackend: 'tempo' });
  // one AWS stack per entry of AWS_ENVIRONMENTS, named by its key
  awsEnvironments(app, spec, AWS_ENVIRONMENTS);
}

/**
 * What each AWS environment needs beyond the spec: an existing VPC with private subnets (one
 * per Availability Zone, with a NAT or VPC endpoints), an S3 bucket for Terraform state, who
 * may send OTLP and who may open Grafana. Synth refuses every ${p} below, naming it:
 * replace each with yours. Every input, optional ones included: AwsObservabilityStackProps,
 * o11y-stack's docs/aws.md ("Deploying to AWS").
 *
 * Another environment is another entry (its key names the stack, and \`environments.<key>\` in
 * o11y.yaml overrides the spec for it): o11y-stack's docs/spec.md, "Add an environment".
 */
export const AWS_ENVIRONMENTS: Record<string, AwsEnvironmentInputs> = {
  ${objectKey(o.environment)}: {
    region: '${p}', // e.g. eu-west-1
    state: { bucket: '${p}-terraform-state' }, // an existing bucket for Terraform's state
    vpcId: 'vpc-${p}', // the existing VPC the stack runs in
    privateSubnetIds: ['subnet-${p}-a', 'subnet-${p}-b'], // one per Availability Zone
    otlpAllowedSecurityGroupIds: ['sg-${p}'], // your services' security group: who may send OTLP
    grafanaAllowedCidrs: ['${p}/16'], // your VPN or office range: who may open Grafana
    grafanaCertificateArn: 'arn:aws:acm:${p}', // an ACM certificate in the region, for Grafana's HTTPS
    // grafanaDomainName: 'grafana.${p}', // the certificate's name
    // grafanaAdminPasswordRotatedOn: 'YYYY-MM-DD', // after the first deploy: the day; a newer one rotates the password (\`o11y review\` flags it after 90 days)
    // S3 bucket names are global: the defaults ("${o.name}-${o.environment}-tempo-traces" …) may be taken
    // tracesBucket: '${p}-tempo-traces',
  },
};
`;
}
