/**
 * `npm run test:checkov`: checkov (pinned, from PyPI, in a venv under ~/.cache/o11y-stack) over
 * the synthesized Terraform JSON of every AWS stack in cdktf.out (run `npm run synth` first).
 * Every failed check must be on the allow-list below, each entry a by-design decision with its
 * reason; any other failure fails the run, and so does an entry no stack needs any more (the list
 * only shrinks on purpose). Prints passed/failed per stack.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CHECKOV_VERSION = '3.3.30';

const REPO = join(__dirname, '..');
const CACHE_DIR = process.env.O11Y_CACHE ?? join(homedir(), '.cache', 'o11y-stack');
const STACKS_DIR = join(REPO, 'cdktf.out', 'stacks');

interface Allowed {
  readonly id: string;
  /**
   * Only failures on resources whose checkov address matches (`aws_s3_bucket.<key>`; for some
   * checks checkov 3.3 writes `resource.<key>` on Terraform JSON).
   * @default - any resource
   */
  readonly resource?: RegExp;
  /** Only in a stack without `kmsKeyArn` (no customer key: AWS managed keys by the environment's choice). */
  readonly withoutKey?: true;
  readonly why: string;
}

/** The checks that fail by design, each with its reason (docs/aws.md, "checkov" summarises them). */
export const ALLOWED: readonly Allowed[] = [
  // without a customer key the environment chose AWS managed keys (SSE-S3 and aws/* keys); with
  // `kmsKeyArn` these pass (test/targets/aws/customer-key.test.ts)
  { id: 'CKV_AWS_145', withoutKey: true, why: 'S3 default encryption is SSE-S3 when the environment gives no kmsKeyArn' },
  { id: 'CKV_AWS_149', withoutKey: true, why: 'the Grafana admin secret uses aws/secretsmanager when the environment gives no kmsKeyArn' },
  { id: 'CKV_AWS_158', withoutKey: true, why: 'log groups use CloudWatch Logs’ own encryption when the environment gives no kmsKeyArn' },
  { id: 'CKV_AWS_184', withoutKey: true, why: 'Prometheus’s file system uses aws/elasticfilesystem when the environment gives no kmsKeyArn' },
  // the access-log bucket
  { id: 'CKV_AWS_145', resource: /^aws_s3_bucket\.access-logs_bucket_/, why: 'S3 server access logging and ELB access logs deliver only to SSE-S3 buckets' },
  { id: 'CKV_AWS_21', resource: /^aws_s3_bucket\.access-logs_bucket_/, why: 'access logs are written once and never overwritten; they expire after 90 days' },
  // the stores' buckets
  { id: 'CKV_AWS_21', resource: /^aws_s3_bucket\.(traces|logs)_bucket_/, why: 'Tempo and Loki never overwrite an object and delete by retention; versioning would keep every deleted block (tracesBucketVersioning turns it on)' },
  { id: 'CKV_AWS_144', resource: /^aws_s3_bucket\./, why: 'no cross-region replication: telemetry with a retention of days, a second region doubles storage and the stack runs in one region' },
  { id: 'CKV2_AWS_62', resource: /^aws_s3_bucket\./, why: 'no event notifications: nothing consumes the buckets’ events' },
  // SSM
  { id: 'CKV2_AWS_34', resource: /^aws_ssm_parameter\.otel-env-/, why: 'the services’ OTEL_* environment (endpoints, resource attributes) is not secret: a String parameter any service reads without a key' },
  // the Grafana admin secret
  {
    id: 'CKV2_AWS_57',
    resource: /^aws_secretsmanager_secret\.grafana-admin-password_/,
    why: 'no rotation Lambda: Grafana reads GF_SECURITY_ADMIN_PASSWORD when its database is created, which happens at each task start (task storage), so rotating is a new password version plus a new Grafana task: one change of grafanaAdminPasswordRotatedOn does both, and o11y review flags a password older than 90 days (docs/aws.md, "Rotating the Grafana admin password")',
  },
  // ECS
  { id: 'CKV_AWS_332', why: 'the Fargate platform is pinned (1.4.0, which LATEST is today): a platform change is a reviewed diff, not a surprise at the next deploy' },
  { id: 'CKV_AWS_65', why: 'Container Insights is opt-in (containerInsights): billed as custom metrics, and Prometheus already scrapes every component' },
  { id: 'CKV_AWS_338', why: 'log groups keep 30 days by default (logRetentionDays): the components’ own logs, not an audit trail; raise it where a policy asks for a year' },
  // MSK (distributed Tempo)
  { id: 'CKV_AWS_81', resource: /^(aws_msk_cluster|resource)\.tempo-kafka_cluster_/, why: 'Tempo 3.0.3 speaks neither TLS nor SASL to Kafka: plaintext inside the VPC, reachable only from Tempo’s roles (docs/tempo-distributed.md)' },
];

interface Failure {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
}

interface Report {
  readonly check_type: string;
  readonly summary: { readonly passed: number; readonly failed: number; readonly parsing_errors: number };
  readonly results: { readonly failed_checks: readonly Failure[] };
}

/** The venv with checkov, created once per version. */
function checkovBinary(): string {
  const dir = join(CACHE_DIR, `checkov-${CHECKOV_VERSION}`);
  const venv = join(dir, 'venv');
  const bin = join(venv, 'bin', 'checkov');
  if (!existsSync(join(dir, 'done'))) {
    console.log(`installing checkov ${CHECKOV_VERSION} into ${venv} (PyPI)`);
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(join(venv, 'bin', 'pip'), ['install', '--no-input', '--disable-pip-version-check', '-q', `checkov==${CHECKOV_VERSION}`], { stdio: 'inherit' });
    writeFileSync(join(dir, 'done'), '');
  }
  return bin;
}

/** Every synthesized stack with the AWS provider. */
function awsStacks(): { name: string; file: string; json: Record<string, unknown> }[] {
  if (!existsSync(STACKS_DIR)) throw new Error(`${STACKS_DIR} does not exist: run \`npm run synth\` first`);
  return readdirSync(STACKS_DIR)
    .sort()
    .map((name) => ({ name, file: join(STACKS_DIR, name, 'cdk.tf.json') }))
    .filter((s) => existsSync(s.file))
    .map((s) => ({ ...s, json: JSON.parse(readFileSync(s.file, 'utf8')) as Record<string, unknown> }))
    .filter((s) => (s.json.provider as Record<string, unknown> | undefined)?.aws !== undefined);
}

/** A stack that gives `kmsKeyArn` checks its key (customer-key.ts: `data.aws_kms_key`). */
function hasKey(json: Record<string, unknown>): boolean {
  return (json.data as Record<string, unknown> | undefined)?.aws_kms_key !== undefined;
}

function runCheckov(bin: string, file: string): Report[] {
  // --skip-download and BC_SKIP_MAPPING: no call to Prisma Cloud (the machine may have no route there)
  const r = spawnSync(bin, ['-f', file, '--framework', 'terraform_json', '-o', 'json', '--compact', '--quiet', '--skip-download'], {
    encoding: 'utf8',
    env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' },
    maxBuffer: 256 * 2 ** 20,
  });
  // checkov exits 1 when a check fails: the JSON says which; anything else is an error
  if (r.status !== 0 && r.status !== 1) throw new Error(`checkov exited ${r.status} on ${file}:\n${r.stderr.slice(-4000)}`);
  const parsed = JSON.parse(r.stdout) as Report | Report[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

function main(): void {
  const bin = checkovBinary();
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== CHECKOV_VERSION) throw new Error(`checkov ${version} in the venv, ${CHECKOV_VERSION} pinned`);
  const stacks = awsStacks();
  if (stacks.length === 0) throw new Error(`no AWS stack in ${STACKS_DIR}`);
  const used = new Set<Allowed>();
  const unexpected: string[] = [];
  for (const stack of stacks) {
    const key = hasKey(stack.json);
    let passed = 0;
    let failed = 0;
    let allowed = 0;
    for (const report of runCheckov(bin, stack.file)) {
      if (report.summary.parsing_errors > 0) unexpected.push(`${stack.name}: checkov could not parse ${stack.file}`);
      passed += report.summary.passed;
      failed += report.summary.failed;
      for (const f of report.results.failed_checks) {
        const entry = ALLOWED.find((a) => a.id === f.check_id && (!a.resource || a.resource.test(f.resource)) && (!a.withoutKey || !key));
        if (entry) {
          used.add(entry);
          allowed++;
        } else unexpected.push(`${stack.name}: ${f.check_id} ${f.resource}: ${f.check_name}`);
      }
    }
    console.log(`${stack.name}${key ? ' (customer key)' : ''}: ${passed} passed, ${failed} failed (${allowed} on the allow-list)`);
  }
  const stale = ALLOWED.filter((a) => !used.has(a)).map((a) => `${a.id}${a.resource ? ` ${a.resource}` : ''}${a.withoutKey ? ' (without a key)' : ''}`);
  if (unexpected.length > 0) console.error(`checkov failures not on the allow-list (scripts/checkov.ts):\n${unexpected.map((u) => `  ${u}`).join('\n')}`);
  if (stale.length > 0) console.error(`allow-list entries no stack needs any more (remove them from scripts/checkov.ts):\n${stale.map((s) => `  ${s}`).join('\n')}`);
  if (unexpected.length > 0 || stale.length > 0) process.exit(1);
  console.log(`checkov ${CHECKOV_VERSION}: every failure of ${stacks.length} AWS stacks is on the allow-list (${ALLOWED.length} entries)`);
}

if (require.main === module) main();
