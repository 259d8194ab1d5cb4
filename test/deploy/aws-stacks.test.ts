/**
 * The AWS stacks on real Terraform (1.11, on PATH) with providers built from source
 * (support/providers.ts): staging, prod and prod-peak initialise offline and validate; staging is
 * applied to moto (support/moto.ts), an emulator of the AWS APIs, in an account seeded with what
 * a user's account holds beforehand, then planned again, then changed the way a pull request
 * would change it and reviewed with `o11y review --plan` on Terraform's own plan.
 *
 * Nothing is skipped: a provider not built yet, moto not installable, an unexpected failure all
 * fail the test. What moto cannot do is listed below, each gap with the reason it is moto's and
 * not the stack's, and the test fails if the failures differ from that list in either direction.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadSpec } from '../../src/spec/load';
import type { ObservabilitySpec } from '../../src/spec/types';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { emulatorEnv, EmulatorWorkarounds, readStack, writeEmulatorOverride } from './support/aws-emulator-override';
import { copyStack, EXAMPLE_SPEC_FILE, synthExample } from './support/aws-synth';
import { applyOutcome, ApplyOutcome, countByType, planChanges, PlannedChange, typeOf } from './support/aws-terraform-output';
import { MOTO_ACCOUNT, motoExceptions, startMoto, MotoServer } from './support/moto';
import { seedAccount, seededInputs, seedFor, SeededAccount } from './support/moto-account';
import { installMirror } from './support/providers';
import { terraform, terraformOk } from './support/terraform';

const REPO = join(__dirname, '..', '..');
const MINUTE = 60_000;

/**
 * What is changed for the emulator beyond pointing the provider and the backend at it
 * (support/aws-emulator-override.ts), each as small as the gap it works around. Everything else
 * is applied exactly as synthesized.
 */
const EMULATOR_WORKAROUNDS: EmulatorWorkarounds = {
  provider: {
    max_retries: {
      value: 1,
      why: 'moto answers an action it lacks with HTTP 500, which the SDK retries as transient: with the default 25 retries and their growing back-off one gap holds the apply for over an hour',
    },
  },
  resources: [
    {
      type: 'aws_ecs_service',
      set: () => ({ wait_for_steady_state: false }),
      why: 'moto runs no tasks, so a service never reaches its desired count and the provider would wait until its timeout',
    },
    {
      type: 'aws_s3_bucket_policy',
      set: (r) => ({ policy: withoutObjectScope(String(r.policy)) }),
      why: "moto evaluates a bucket policy on object requests only and evaluates no `Bool` condition (moto/iam/policy_conditions.py knows StringEquals alone, and an unknown operator counts as met), so the TLS-only Deny denies every PutObject and every refresh of an object (403); on the emulator the Deny keeps the bucket's ARN and drops `<bucket>/*`. And moto's PutBucketLogging reads every statement of the target bucket's policy as `stmt.get('Principal', {}).get('Service')` (moto/s3/models.py, _log_permissions_enabled_policy), which raises AttributeError (HTTP 500) on the Deny's `Principal: \"*\"`; on the emulator it is written `{\"AWS\": \"*\"}`, which AWS reads the same",
    },
  ],
};

/** The DenyInsecureTransport statement without its object-level resource, its principal as an object (see EMULATOR_WORKAROUNDS). */
function withoutObjectScope(policy: string): string {
  const doc = JSON.parse(policy) as { Statement: { Sid?: string; Principal?: unknown; Resource: string | string[] }[] };
  for (const s of doc.Statement) {
    if (s.Sid !== 'DenyInsecureTransport') continue;
    s.Resource = ([] as string[]).concat(s.Resource).filter((r) => !r.endsWith('/*'));
    if (s.Principal === '*') s.Principal = { AWS: '*' };
  }
  return JSON.stringify(doc);
}

/**
 * What moto 5.2.6 cannot create, by resource type: the error Terraform reports, what moto itself
 * logs for it, and why it is moto's gap.
 */
const EMULATOR_GAPS: Readonly<Record<string, { readonly error: RegExp; readonly motoSays: string; readonly why: string }>> = {
  aws_efs_backup_policy: {
    error: /operation error EFS: PutBackupPolicy, .*StatusCode: 500/,
    motoSays: 'NotImplementedError: The put_backup_policy action has not been implemented',
    why: 'moto implements DescribeBackupPolicy but not PutBackupPolicy (moto/efs/responses.py has no put_backup_policy)',
  },
};

/**
 * What a second plan right after the apply wants to change although nothing changed: moto (or
 * the provider talking to it without an account id) reports these attributes differently from
 * what was sent. Each entry: the type and attribute, the exact before → after it shows, and why.
 * Any other change fails the test, and so does an entry that no longer occurs.
 */
const EMULATOR_DRIFT: readonly { readonly type: string; readonly attribute: string; readonly shows: (before: unknown, after: unknown) => boolean; readonly why: string }[] = [
  {
    type: 'aws_ecs_service',
    attribute: 'enable_ecs_managed_tags',
    shows: (before, after) => before === false && after === true,
    why: 'moto ignores enableECSManagedTags in CreateService and never returns it (moto/ecs has no trace of it)',
  },
  {
    type: 'aws_ecs_service',
    attribute: 'health_check_grace_period_seconds',
    shows: (before, after) => before === 0 && typeof after === 'number' && after > 0,
    why: 'moto ignores healthCheckGracePeriodSeconds in CreateService (Grafana\'s service, behind the load balancer, is the one that sets it)',
  },
  {
    type: 'aws_s3_bucket',
    attribute: 'tags_all',
    shows: (before, after) => JSON.stringify(before) === '{}' && typeof after === 'object' && after !== null && Object.keys(after).length > 0,
    why: "the provider tags a bucket in CreateBucket (CreateBucketConfiguration.Tags); moto reads only LocationConstraint from that body, so GetBucketTagging finds no tags",
  },
  {
    type: 'aws_s3_bucket_logging',
    attribute: 'target_object_key_format',
    shows: (before, after) => JSON.stringify(before) === '[]' && JSON.stringify(after).includes('"partition_date_source":"EventTime"'),
    why: 'moto stores PutBucketLogging\'s TargetObjectKeyFormat but GetBucketLogging returns only TargetBucket, TargetPrefix and TargetGrants (moto/s3/responses.py get_bucket_logging), so the partitioned key format reads back empty',
  },
  ...(['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'] as const).flatMap((type) => [
    {
      type,
      attribute: 'description',
      shows: (before: unknown, after: unknown) => before === null && typeof after === 'string',
      why: "moto keeps a rule's description only for CIDR rules (SecurityGroupRule.description reads the IP range), so a rule that references a group comes back without it",
    },
    {
      type,
      attribute: 'referenced_security_group_id',
      shows: (before: unknown, after: unknown) => before === `${MOTO_ACCOUNT}/${String(after)}`,
      why: "moto returns the referenced group with its owner's account id, and the provider, which has no account id of its own here (skip_requesting_account_id), writes a group of another account as <account>/<group>",
    },
  ]),
];

/** Wall-clock time of each part, for the report. */
const timings: [string, number][] = [];
async function timed<T>(what: string, f: () => Promise<T> | T): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    timings.push([what, Math.round((Date.now() - t0) / 100) / 10]);
  }
}

/** `o11y review` run as a user runs it (the real CLI, JSON: the Markdown cuts long lists); its risk flags. */
async function reviewRisks(base: string, head: string, plan?: string, extra: readonly string[] = []): Promise<{ kind: string; line: string }[]> {
  const args = [join(REPO, 'bin', 'o11y.js'), 'review', base, head, '--format', 'json', ...(plan ? ['--plan', `staging=${plan}`] : []), ...extra];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO, maxBuffer: 64 * 2 ** 20 });
  return (JSON.parse(stdout) as { risks: { kind: string; line: string }[] }).risks;
}

function table(rows: readonly (readonly (string | number)[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}

const work = mkdtempSync(join(tmpdir(), 'o11y-aws-deploy-'));

// O11Y_KEEP_DEPLOY_WORK=1 keeps the folder (the copies, their plans, apply.jsonl, moto.log) to look into
afterAll(() => {
  console.log(`timings (s):\n${table([['part', 'seconds'], ...timings])}`);
  if (!process.env.O11Y_KEEP_DEPLOY_WORK) rmSync(work, { recursive: true, force: true });
});

describe('the AWS stacks with the providers built from source', () => {
  let outdir: string;

  beforeAll(async () => {
    installMirror(['aws', 'random']);
    outdir = await timed('synth (example inputs)', () => synthExample(join(work, 'example')));
  }, 10 * MINUTE);

  test.each(['staging', 'prod', 'prod-peak'])('%s initialises offline from the provider mirror and validates', async (stack) => {
    const dir = copyStack(outdir, stack, join(work, `validate-${stack}`));
    await timed(`init + validate ${stack}`, async () => {
      await terraformOk(dir, ['init', '-backend=false', '-input=false', '-no-color']);
      const result = JSON.parse((await terraform(dir, ['validate', '-json', '-no-color'])).stdout) as { valid: boolean; diagnostics: { severity: string; summary: string; detail?: string }[] };
      const said = (severity: string) => result.diagnostics.filter((d) => d.severity === severity).map((d) => `${d.summary}: ${d.detail ?? ''}`);
      if (said('warning').length) console.log(`${stack}: validate warnings:\n${said('warning').join('\n')}`);
      expect(said('error')).toEqual([]);
      expect(result.valid).toBe(true);
    });
  }, 15 * MINUTE);
});

describe('staging applied to moto', () => {
  let moto: MotoServer;
  let account: SeededAccount;
  let spec: ObservabilitySpec;
  let base: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let planned: string[];
  let outcome: ApplyOutcome;

  /** A copy of staging from `synthOut` pointed at moto, initialised on the state the apply wrote. */
  async function emulatorCopy(synthOut: string, name: string): Promise<string> {
    const copy = copyStack(synthOut, 'staging', join(work, name));
    writeEmulatorOverride(copy, moto.endpoint, EMULATOR_WORKAROUNDS);
    await terraformOk(copy, ['init', '-input=false', '-no-color'], env);
    return copy;
  }

  beforeAll(async () => {
    installMirror(['aws', 'random']);
    mkdirSync(join(work, 'moto'));
    moto = await timed('moto install (cached) + start', () => startMoto(join(work, 'moto')));
    const inputs = EXAMPLE_AWS_INPUTS.staging;
    account = await timed('seed the account', () => seedAccount(moto, seedFor(inputs, 'staging')));
    spec = loadSpec(EXAMPLE_SPEC_FILE);
    base = await timed('synth (seeded ids)', () => synthExample(join(work, 'base'), { spec, awsInputs: { staging: seededInputs(inputs, account) } }));
    env = emulatorEnv(moto.endpoint);
    dir = copyStack(base, 'staging', join(work, 'apply'));
    const written = writeEmulatorOverride(dir, moto.endpoint, EMULATOR_WORKAROUNDS);
    const workarounds = [
      ...Object.entries(EMULATOR_WORKAROUNDS.provider).map(([k, v]) => `provider ${k} = ${JSON.stringify(v.value)}: ${v.why}`),
      ...EMULATOR_WORKAROUNDS.resources.map((o) => `${o.type} ×${written.resources.filter((r) => typeOf(r.address) === o.type).length}: ${o.why}`),
    ];
    console.log(`emulator override ${written.file}\n  endpoints → ${moto.endpoint}: ${written.endpoints.join(', ')}\n${workarounds.map((w) => `  ${w}`).join('\n')}`);
    await timed('init (S3 backend on moto)', () => terraformOk(dir, ['init', '-input=false', '-no-color'], env));
  }, 15 * MINUTE);

  afterAll(async () => {
    await moto?.stop();
  });

  test('the plan creates every resource the synthesized stack declares', async () => {
    const declared = Object.entries(readStack(dir).resource ?? {}).flatMap(([type, rs]) => Object.keys(rs).map((n) => `${type}.${n}`));
    await timed('plan (first)', () => terraformOk(dir, ['plan', '-input=false', '-no-color', '-out=first.tfplan'], env));
    const { changes } = planChanges(await terraformOk(dir, ['show', '-json', 'first.tfplan'], env));
    planned = changes.map((c) => c.address).sort();
    expect(changes.filter((c) => c.actions.join() !== 'create')).toEqual([]);
    expect(planned).toEqual(declared.sort());
  }, 20 * MINUTE);

  test('apply creates every resource but the documented emulator gaps, which fail with moto’s own error', async () => {
    const r = await timed('apply', () => terraform(dir, ['apply', '-json', '-input=false', '-no-color', 'first.tfplan'], env, 40 * MINUTE));
    writeFileSync(join(work, 'apply.jsonl'), r.stdout);
    outcome = applyOutcome(r.stdout);
    const byType = { planned: countByType(planned), applied: countByType(outcome.applied), failed: countByType(Object.keys(outcome.failed)) };
    console.log(
      `staging on moto, per resource type:\n${table([
        ['type', 'planned', 'applied', 'failed'],
        ...Object.keys(byType.planned).map((t) => [t, byType.planned[t], byType.applied[t] ?? 0, byType.failed[t] ?? 0]),
        ['total', planned.length, outcome.applied.length, Object.keys(outcome.failed).length],
      ])}\nfailures, as Terraform reports them:\n${Object.entries(outcome.failed)
        .map(([a, e]) => `  ${a}: ${e}`)
        .join('\n')}\nmoto's log: ${motoExceptions(moto).join(' | ') || 'no exception'}`,
    );
    expect(outcome.otherErrors).toEqual([]);
    // exactly the documented gaps fail, each with the error that shows it is the gap …
    expect(Object.keys(byType.failed)).toEqual(Object.keys(EMULATOR_GAPS).sort());
    for (const [address, error] of Object.entries(outcome.failed)) expect(error).toMatch(EMULATOR_GAPS[typeOf(address)].error);
    expect([...new Set(motoExceptions(moto))].sort()).toEqual([...new Set(Object.values(EMULATOR_GAPS).map((g) => g.motoSays))].sort());
    // … and everything else applied
    expect(outcome.applied).toEqual(planned.filter((a) => !(typeOf(a) in EMULATOR_GAPS)));
  }, 45 * MINUTE);

  test('a second plan over what applied changes nothing but moto’s documented drift', async () => {
    const r = await timed('plan (second)', () => terraform(dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=second.tfplan'], env));
    if (r.code === 1) throw new Error(`second plan failed:\n${r.stderr.slice(-6000)}`);
    const { changes } = planChanges(await terraformOk(dir, ['show', '-json', 'second.tfplan'], env));
    const show = (c: PlannedChange) => `${c.actions.join('+')} ${c.type}: ${c.attributes.join(', ')}`;
    const kinds = new Map<string, number>();
    for (const c of changes) kinds.set(show(c), (kinds.get(show(c)) ?? 0) + 1);
    console.log(`second plan: exit ${r.code}; changes by type:\n${[...kinds].map(([k, n]) => `  ${n} × ${k}`).join('\n') || '  none'}`);
    // the failed gaps are planned again, as they are
    const retried = changes.filter((c) => c.address in outcome.failed);
    expect(retried.map((c) => c.actions.join())).toEqual(retried.map(() => 'create'));
    expect(retried.map((c) => c.address).sort()).toEqual(Object.keys(outcome.failed).sort());
    // every other change is an update of attributes moto drifts on, exactly as documented …
    const other = changes.filter((c) => !(c.address in outcome.failed));
    expect(other.filter((c) => c.actions.join() !== 'update').map(show)).toEqual([]);
    const seen = new Set<(typeof EMULATOR_DRIFT)[number]>();
    const unexplained: string[] = [];
    for (const c of other) {
      for (const [attribute, { before, after }] of Object.entries(c.values)) {
        const drift = EMULATOR_DRIFT.find((d) => d.type === c.type && d.attribute === attribute && d.shows(before, after));
        if (drift) seen.add(drift);
        else unexplained.push(`${c.address}: ${attribute}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      }
    }
    expect(unexplained).toEqual([]);
    // … and every documented drift still occurs (a moto that fixed one makes the list shorter)
    expect(EMULATOR_DRIFT.filter((d) => !seen.has(d)).map((d) => `${d.type}.${d.attribute}`)).toEqual([]);
  }, 20 * MINUTE);

  test('a second tail-sampling collector plans against the applied state, and o11y review --plan flags the samplers and every replacement Terraform plans', async () => {
    const staging = spec.environments?.staging;
    expect(staging?.tracing?.tailSampling?.samplers).toBeUndefined();
    const changed: ObservabilitySpec = {
      ...spec,
      environments: { ...spec.environments, staging: { ...staging, tracing: { ...staging?.tracing, tailSampling: { ...staging?.tracing?.tailSampling, samplers: 2 } } } },
    };
    const head = await timed('synth (samplers 2)', () => synthExample(join(work, 'head-samplers'), { spec: changed, awsInputs: { staging: seededInputs(EXAMPLE_AWS_INPUTS.staging, account) } }));
    const copy = await timed('init (samplers 2)', () => emulatorCopy(head, 'plan-samplers'));
    await timed('plan (samplers 2)', () => terraformOk(copy, ['plan', '-input=false', '-no-color', '-out=samplers.tfplan'], env));
    const planJson = join(work, 'samplers-plan.json');
    const shown = await terraformOk(copy, ['show', '-json', 'samplers.tfplan'], env);
    writeFileSync(planJson, shown);
    const { changes } = planChanges(shown);
    const kinds = new Map<string, number>();
    for (const c of changes) kinds.set(`${c.actions.join('+')} ${c.type}`, (kinds.get(`${c.actions.join('+')} ${c.type}`) ?? 0) + 1);
    console.log(`plan with 2 samplers:\n${[...kinds].sort().map(([k, n]) => `  ${n} × ${k}`).join('\n')}`);
    const replaced = changes.filter((c) => c.actions.includes('delete'));
    const risks = (await timed('o11y review --plan (samplers 2)', () => reviewRisks(base, head, planJson))).map((r) => r.line);
    console.log(`o11y review --plan, samplers 1 → 2:\n${risks.map((l) => `  ${l}`).join('\n')}`);
    expect(risks).toContainEqual(expect.stringMatching(/^staging: tail-sampling collectors 1 → 2: /));
    // Terraform's own deletes and replaces, each flagged (a replace lists its actions in brackets)
    for (const c of replaced) expect(risks).toContainEqual(expect.stringContaining(c.actions.includes('create') ? `staging: plan replaces ${c.address} (` : `staging: plan deletes ${c.address}`));
    expect(risks.filter((l) => !l.startsWith('staging: '))).toEqual([]);
  }, 30 * MINUTE);

  test('renaming the traces bucket is refused by the plan (the data is protected) and o11y review flags it as data loss', async () => {
    const renamed = { ...seededInputs(EXAMPLE_AWS_INPUTS.staging, account), tracesBucket: 'shop-staging-tempo-traces-v2' };
    const head = await timed('synth (traces bucket renamed)', () => synthExample(join(work, 'head-renamed'), { spec, awsInputs: { staging: renamed } }));
    const copy = await timed('init (traces bucket renamed)', () => emulatorCopy(head, 'plan-renamed'));
    const r = await timed('plan (traces bucket renamed)', () => terraform(copy, ['plan', '-input=false', '-no-color', '-out=renamed.tfplan'], env));
    console.log(`plan with the traces bucket renamed: exit ${r.code}\n${r.stderr.trim().split('\n').slice(0, 12).join('\n')}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Instance cannot be destroyed/);
    expect(r.stderr).toContain('aws_s3_bucket.traces_bucket_80A6BACF');
    const risks = (await timed('o11y review (traces bucket renamed)', () => reviewRisks(base, head))).map((r) => r.line);
    console.log(`o11y review, traces bucket renamed:\n${risks.map((l) => `  ${l}`).join('\n')}`);
    expect(risks).toContainEqual(expect.stringMatching(/^staging: stateful resource replaced: aws_s3_bucket\.traces_bucket_80A6BACF: /));
    expect(risks).toContainEqual(expect.stringContaining('staging: resource replaced: aws_s3_bucket.traces_bucket_80A6BACF: bucket shop-staging-tempo-traces → shop-staging-tempo-traces-v2'));
  }, 30 * MINUTE);

  test('a new grafanaAdminPasswordRotatedOn plans a new password and secret version, a Grafana task definition that reads that version, and a Grafana deploy', async () => {
    const rotated = { ...seededInputs(EXAMPLE_AWS_INPUTS.staging, account), grafanaAdminPasswordRotatedOn: '2027-03-01' };
    const head = await timed('synth (password rotated)', () => synthExample(join(work, 'head-rotated'), { spec, awsInputs: { staging: rotated } }));
    const copy = await timed('init (password rotated)', () => emulatorCopy(head, 'plan-rotated'));
    await timed('plan (password rotated)', () => terraformOk(copy, ['plan', '-input=false', '-no-color', '-out=rotated.tfplan'], env));
    const { changes } = planChanges(await terraformOk(copy, ['show', '-json', 'rotated.tfplan'], env));
    const show = (c: PlannedChange): string => `${c.actions.join('+')} ${c.address}: ${c.attributes.join(', ')}`;
    // what the rotation changes, apart from the documented gaps (created again) and moto's drift
    const rotation = changes.filter((c) => !(c.address in outcome.failed) && (c.actions.includes('delete') || /grafana|secret/.test(c.address)) && c.attributes.some((a) => !EMULATOR_DRIFT.some((d) => d.type === c.type && d.attribute === a)));
    console.log(`plan with the password rotated:\n${rotation.map((c) => `  ${show(c)}`).join('\n')}`);
    expect(rotation.map((c) => `${c.actions.join('+')} ${typeOf(c.address)}`).sort()).toEqual([
      'delete+create aws_ecs_task_definition', // a new revision reading the new version; the service moves to it
      'delete+create aws_secretsmanager_secret_version', // a new version holds the new password
      'delete+create random_password',
      'update aws_ecs_service',
    ].sort());
    const byType = (type: string): PlannedChange => rotation.find((c) => typeOf(c.address) === type)!;
    expect(byType('random_password').values.keepers).toEqual({ before: { rotated_on: '2026-12-01' }, after: { rotated_on: '2027-03-01' } });
    expect(byType('aws_ecs_task_definition').address).toMatch(/^aws_ecs_task_definition\.grafana_/);
    expect(byType('aws_ecs_service').address).toMatch(/^aws_ecs_service\.grafana_/);
    expect(byType('aws_ecs_service').attributes).toContain('task_definition');
    expect(byType('aws_secretsmanager_secret_version').attributes).toEqual(expect.arrayContaining(['secret_string', 'version_id']));
    // and the review says so, with no other flag
    const risks = (await timed('o11y review (password rotated)', () => reviewRisks(base, head, undefined, ['--today', '2027-03-01']))).map((r) => r.line);
    expect(risks).toEqual([expect.stringMatching(/^staging: secret rotated: o11y\/shop\/staging\/grafana-admin-password: rotated on 2026-12-01 → 2027-03-01: /)]);
  }, 30 * MINUTE);
});
