/**
 * The `*_override.tf.json` that points a copied AWS stack at moto, written beside its
 * cdk.tf.json so the synthesized file itself is applied unchanged: Terraform merges an override
 * file into the configuration attribute by attribute, and a backend block in it replaces the
 * original one entirely.
 *
 * What it sets, and why (docs: DESIGN.md, "Running it for real"):
 * - every AWS API the stack calls → the emulator (`endpoints`), so nothing reaches AWS;
 * - test keys, `skip_credentials_validation` (no STS call to check them), `skip_metadata_api_check`
 *   (no instance metadata lookup), `skip_region_validation`;
 * - `s3_use_path_style`: a loopback endpoint has no `<bucket>.127.0.0.1` host names;
 * - `skip_requesting_account_id`: from provider 6.23 bucket tags are read through S3 Control at an
 *   account-prefixed host (`<account>.s3-control…`), which a loopback endpoint cannot serve;
 * - the S3 backend: the same bucket, key and locking, at the emulator with the same settings.
 * Anything else changed for the emulator (a gap worked around, on a resource or the provider) is
 * the test's to give, each with its reason, so a reader of the test sees every one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_CREDENTIALS } from './moto-account';

/** The provider's `endpoints` key of the API each resource or data type calls, by type prefix. */
const ENDPOINT_OF_TYPE: readonly (readonly [prefix: string, endpoint: string])[] = [
  ['aws_appautoscaling_', 'applicationautoscaling'],
  ['aws_caller_identity', 'sts'],
  ['aws_cloudwatch_log_', 'logs'],
  ['aws_cloudwatch_metric_alarm', 'cloudwatch'],
  ['aws_ecs_', 'ecs'],
  ['aws_efs_', 'efs'],
  ['aws_iam_', 'iam'],
  ['aws_kms_', 'kms'],
  ['aws_lb', 'elbv2'],
  ['aws_msk_', 'kafka'],
  ['aws_s3_', 's3'],
  ['aws_secretsmanager_', 'secretsmanager'],
  ['aws_security_group', 'ec2'],
  ['aws_service_discovery_', 'servicediscovery'],
  ['aws_ssm_', 'ssm'],
  ['aws_vpc', 'ec2'],
];
/** Types that call no API (the partition is known from the region; the ELB account per region is in the provider). */
const NO_API = new Set(['aws_partition', 'aws_elb_service_account']);
/** Always pointed at the emulator: the provider may call STS and the S3 backend reads through S3. */
const ALWAYS = ['s3', 'sts'];

/** A synthesized stack, as far as the override needs it. */
export interface StackJson {
  readonly terraform: { readonly backend?: { readonly s3?: Record<string, unknown> } };
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, unknown>>;
}

export function readStack(dir: string): StackJson {
  return JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as StackJson;
}

/**
 * The endpoint keys of every AWS API the stack's resources and data sources call; throws naming
 * a type this table does not know, so a type added to a stack cannot slip past the emulator.
 */
export function endpointKeys(stack: StackJson): string[] {
  const keys = new Set(ALWAYS);
  const unknown: string[] = [];
  for (const type of [...Object.keys(stack.resource ?? {}), ...Object.keys(stack.data ?? {})]) {
    if (!type.startsWith('aws_') || NO_API.has(type)) continue;
    const hit = ENDPOINT_OF_TYPE.find(([prefix]) => type.startsWith(prefix));
    if (hit) keys.add(hit[1]);
    else unknown.push(type);
  }
  if (unknown.length) throw new Error(`no emulator endpoint known for ${unknown.join(', ')}: add the type's API to ENDPOINT_OF_TYPE`);
  return [...keys].sort();
}

/** One resource-level change for the emulator: which resources, what is set, and why. */
export interface EmulatorResourceOverride {
  readonly type: string;
  /** The attributes to set on one resource of that type, from its synthesized block. */
  readonly set: (resource: Record<string, unknown>) => Record<string, unknown>;
  /** Why the emulator needs it (the test prints and keeps this beside the override). */
  readonly why: string;
}

/** One provider argument set for the emulator, and why. */
export interface EmulatorProviderSetting {
  readonly value: unknown;
  readonly why: string;
}

export interface EmulatorWorkarounds {
  readonly resources: readonly EmulatorResourceOverride[];
  readonly provider: Readonly<Record<string, EmulatorProviderSetting>>;
}

/** What the override changed, resource by resource, for the test to assert and report. */
export interface WrittenOverride {
  readonly file: string;
  readonly endpoints: readonly string[];
  readonly resources: readonly { readonly address: string; readonly attributes: readonly string[]; readonly why: string }[];
}

export function writeEmulatorOverride(dir: string, endpoint: string, workarounds: EmulatorWorkarounds): WrittenOverride {
  const stack = readStack(dir);
  const backend = stack.terraform.backend?.s3;
  if (!backend) throw new Error(`${dir}/cdk.tf.json has no S3 backend to point at the emulator`);
  const keys = endpointKeys(stack);
  const skips = { skip_credentials_validation: true, skip_metadata_api_check: true, skip_region_validation: true, skip_requesting_account_id: true };
  const credentials = { access_key: TEST_CREDENTIALS.accessKeyId, secret_key: TEST_CREDENTIALS.secretAccessKey };
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  const resources: { address: string; attributes: string[]; why: string }[] = [];
  for (const o of workarounds.resources) {
    for (const [name, block] of Object.entries(stack.resource?.[o.type] ?? {})) {
      const set = o.set(block);
      (resource[o.type] ??= {})[name] = set;
      resources.push({ address: `${o.type}.${name}`, attributes: Object.keys(set), why: o.why });
    }
  }
  const override = {
    terraform: {
      backend: {
        s3: { ...backend, ...credentials, ...skips, use_path_style: true, endpoints: { s3: endpoint, sts: endpoint } },
      },
    },
    provider: {
      aws: {
        ...credentials,
        ...skips,
        s3_use_path_style: true,
        endpoints: [Object.fromEntries(keys.map((k) => [k, endpoint]))],
        ...Object.fromEntries(Object.entries(workarounds.provider).map(([k, v]) => [k, v.value])),
      },
    },
    ...(Object.keys(resource).length ? { resource } : {}),
  };
  const file = join(dir, 'emulator_override.tf.json');
  writeFileSync(file, `${JSON.stringify(override, null, 2)}\n`);
  return { file, endpoints: keys, resources };
}

/**
 * The environment of every Terraform run against the emulator: the machine's AWS profile,
 * credentials and instance metadata are never read, and any API the override does not name
 * still reaches the emulator (the SDK's `AWS_ENDPOINT_URL`), never AWS.
 */
export function emulatorEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: '',
  };
}
