/**
 * What a user's account holds before the first deploy of an AWS stack (the VPC and its private
 * subnets, the services' security group, the ACM certificate, the state bucket, the alerting
 * secrets, the KMS key if the stack names one), created in moto as the stack's inputs name them.
 * moto chooses its own ids, so the stack is then synthesized with inputs that carry those ids
 * (`seededInputs`): the Terraform applied is exactly what a user's synth would produce.
 *
 * The seeding runs through boto3 in moto's venv (moto-seed.py): boto3 is already installed there
 * as moto's own dependency, it signs and parses every protocol involved (EC2's query API, ACM's and
 * Secrets Manager's JSON, S3's REST); a seed Terraform configuration would need a state of its
 * own and the 870 MB AWS provider for what a few boto3 calls do in about 2 s.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AwsEnvironmentInputs } from '../../../src/targets/aws/aws-environments';
import { MOTO_PYTHON, MotoServer } from './moto';

/** The keys the seeding and the emulator override use: moto accepts any. */
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

const SEED_SCRIPT = join(__dirname, 'moto-seed.py');

/** What to create, read off an environment's inputs. */
export interface AccountSeed {
  readonly region: string;
  /** The VPC's range: the stack reads it (`data.aws_vpc`) as its default scrape-target range. */
  readonly vpcCidr: string;
  readonly subnetCount: number;
  readonly servicesSecurityGroupName: string;
  readonly certificateDomain: string;
  readonly stateBucket: string;
  /** Secret key in `alertingSecretArns` → the secret's name (its ARN without the 6-character suffix). */
  readonly secrets: Readonly<Record<string, string>>;
  readonly kmsKey: boolean;
}

/** The ids moto gave what it created. */
export interface SeededAccount {
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
  readonly servicesSecurityGroupId: string;
  readonly certificateArn: string;
  readonly stateBucket: string;
  readonly secretArns: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string | null;
}

/** A Secrets Manager ARN ends in `secret:<name>-<6 random characters>`. */
const SECRET_NAME = /:secret:(.+)-[A-Za-z0-9]{6}$/;

/** What the account must hold for `inputs`, with the same names (the ids moto chooses itself). */
export function seedFor(inputs: AwsEnvironmentInputs, environment: string): AccountSeed {
  const secrets: Record<string, string> = {};
  for (const [key, arn] of Object.entries(inputs.alertingSecretArns ?? {})) {
    const m = SECRET_NAME.exec(arn);
    if (!m) throw new Error(`alertingSecretArns.${key}: ${arn} is not a Secrets Manager secret ARN`);
    secrets[key] = m[1];
  }
  if ((inputs.otlpAllowedSecurityGroupIds ?? []).length > 1) throw new Error('the seed creates one services security group; the inputs name more');
  return {
    region: inputs.region,
    vpcCidr: '10.0.0.0/16',
    subnetCount: inputs.privateSubnetIds.length,
    servicesSecurityGroupName: `${environment}-services`,
    certificateDomain: inputs.grafanaDomainName ?? `grafana.${environment}.example.internal`,
    stateBucket: inputs.state.bucket,
    secrets,
    kmsKey: inputs.kmsKeyArn !== undefined,
  };
}

export async function seedAccount(moto: MotoServer, seed: AccountSeed): Promise<SeededAccount> {
  const { stdout } = await promisify(execFile)(MOTO_PYTHON, [SEED_SCRIPT, JSON.stringify(seed)], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      // never a profile or a metadata service of the machine
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    timeout: 120_000,
  });
  return JSON.parse(stdout) as SeededAccount;
}

/** `inputs` with every id of the user's account replaced by the one moto gave it. */
export function seededInputs(inputs: AwsEnvironmentInputs, account: SeededAccount): AwsEnvironmentInputs {
  return {
    ...inputs,
    vpcId: account.vpcId,
    privateSubnetIds: account.privateSubnetIds,
    ...(inputs.otlpAllowedSecurityGroupIds ? { otlpAllowedSecurityGroupIds: [account.servicesSecurityGroupId] } : {}),
    ...(inputs.grafanaCertificateArn ? { grafanaCertificateArn: account.certificateArn } : {}),
    ...(inputs.alertingSecretArns ? { alertingSecretArns: account.secretArns } : {}),
    ...(account.kmsKeyArn ? { kmsKeyArn: account.kmsKeyArn } : {}),
    state: { ...inputs.state, bucket: account.stateBucket },
  };
}
