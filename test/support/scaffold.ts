/**
 * The placeholders `o11y init` writes into stacks/stacks.ts, what synth says about each, and
 * values that pass: test/init (in process) and test/package (the packed bin) replace them the
 * same way. Plain data, no imports: the package test loads it too.
 */

/** Each placeholder as written (a quoted literal), with a valid example value. */
export const PLACEHOLDER_VALUES: ReadonlyArray<readonly [placeholder: string, value: string]> = [
  ["'REPLACE-ME'", "'eu-central-1'"],
  ["'REPLACE-ME-terraform-state'", "'acme-terraform-state'"],
  ["'vpc-REPLACE-ME'", "'vpc-0123456789abcdef0'"],
  ["'subnet-REPLACE-ME-a'", "'subnet-0123456789abcdef0'"],
  ["'subnet-REPLACE-ME-b'", "'subnet-0123456789abcdef1'"],
  ["'sg-REPLACE-ME'", "'sg-0123456789abcdef0'"],
  ["'REPLACE-ME/16'", "'10.0.0.0/16'"],
  ["'arn:aws:acm:REPLACE-ME'", "'arn:aws:acm:eu-central-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'"],
];

/** What synth prints for the scaffold's AWS environment `env` before any placeholder is replaced. */
export function placeholderProblems(env: string): string {
  return (
    `stack '${env}': 8 problems\n` +
    '  - region: must be an AWS region such as eu-west-1 (got "REPLACE-ME")\n' +
    '  - state.bucket: may contain only lowercase letters, digits, dots and hyphens (got "REPLACE-ME-terraform-state")\n' +
    '  - vpcId: must be a VPC id such as vpc-0123456789abcdef0 (got "vpc-REPLACE-ME")\n' +
    '  - privateSubnetIds[0]: must be a subnet id such as subnet-0123456789abcdef0 (got "subnet-REPLACE-ME-a")\n' +
    '  - privateSubnetIds[1]: must be a subnet id such as subnet-0123456789abcdef0 (got "subnet-REPLACE-ME-b")\n' +
    '  - otlpAllowedSecurityGroupIds[0]: must be a security group id such as sg-0123456789abcdef0 (got "sg-REPLACE-ME")\n' +
    '  - grafanaAllowedCidrs[0]: must be an IPv4 CIDR block such as 10.0.0.0/16 (got "REPLACE-ME/16")\n' +
    '  - grafanaCertificateArn: must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>) (got "arn:aws:acm:REPLACE-ME")'
  );
}

/** The scaffold's stacks.ts with every placeholder replaced by its example value. */
export function replacePlaceholders(stacksTs: string): string {
  let out = stacksTs;
  for (const [placeholder, value] of PLACEHOLDER_VALUES) {
    if (!out.includes(placeholder)) throw new Error(`the scaffold's stacks.ts has no ${placeholder}`);
    out = out.split(placeholder).join(value);
  }
  return out;
}
