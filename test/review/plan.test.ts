import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli';
import { planRisks } from '../../src/review/terraform-plan';
import { makeTempDir, removeTempDirs, terraformBinary } from '../support/synth';
import { synthExample } from './support';

afterAll(removeTempDirs);

const tfEnv = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: '/dev/null' };
function tf(dir: string, ...args: string[]): string {
  const r = spawnSync('terraform', args, { cwd: dir, env: tfEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('o11y review --plan', () => {
  it('reads the deletes and replaces of a plan as Terraform states them (a hand-written plan)', () => {
    const file = join(makeTempDir('plan-json'), 'plan.json');
    writeFileSync(file, JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        { address: 'aws_s3_bucket.traces_bucket_80A6BACF', type: 'aws_s3_bucket', change: { actions: ['delete', 'create'] } },
        { address: 'aws_ecs_service.tempo_service_1', type: 'aws_ecs_service', change: { actions: ['update'] } },
        { address: 'aws_efs_file_system.fs', type: 'aws_efs_file_system', change: { actions: ['delete'] } },
      ],
    }));
    expect(planRisks(file, 'prod').map((r) => r.line)).toEqual([
      'prod: plan replaces aws_s3_bucket.traces_bucket_80A6BACF (delete, create)',
      'prod: plan replaces stateful aws_s3_bucket.traces_bucket_80A6BACF: the new one starts empty',
      'prod: plan deletes aws_efs_file_system.fs',
    ]);
  });

  (terraformBinary() ? it : it.skip)('flags every delete and replace of a real plan made by the terraform binary (terraform_data, no provider download)', () => {
    const dir = makeTempDir('plan-real');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.tf'), 'resource "terraform_data" "keep" {\n  triggers_replace = "a"\n}\nresource "terraform_data" "gone" {}\nresource "terraform_data" "same" {}\n');
    tf(dir, 'init', '-no-color');
    tf(dir, 'apply', '-auto-approve', '-no-color');
    writeFileSync(join(dir, 'main.tf'), 'resource "terraform_data" "keep" {\n  triggers_replace = "b"\n}\nresource "terraform_data" "same" {}\n');
    tf(dir, 'plan', '-out', 'p.tfplan', '-no-color');
    writeFileSync(join(dir, 'plan.json'), tf(dir, 'show', '-json', 'p.tfplan'));

    const synth = synthExample();
    let out = '';
    const code = run(['review', synth, synth, '--plan', `prod=${join(dir, 'plan.json')}`], { out: (s) => (out += s), err: () => undefined });
    expect(code).toBe(0);
    expect(out).toContain('- prod: plan replaces terraform\\_data.keep (delete, create)');
    expect(out).toContain('- prod: plan deletes terraform\\_data.gone');
    expect(out).not.toContain('terraform\\_data.same');
  });

  it.each([
    ['a state file', { format_version: '1.0', values: { root_module: {} } }, 'is a state, not a plan (terraform show -json of a state file); give terraform show -json <planfile>'],
    ['resource_changes as an object', { format_version: '1.2', planned_values: {}, resource_changes: { a: 1 } }, 'resource_changes is object, not a list; expected the output of terraform show -json <planfile>'],
    ['a null resource change', { format_version: '1.2', resource_changes: [null] }, 'resource_changes[0] is not a resource change (an object with address and change.actions, a list of strings); expected the output of terraform show -json <planfile>'],
    ['actions as a string', { format_version: '1.2', resource_changes: [{ address: 'a.b', change: { actions: 'delete' } }] }, 'resource_changes[0] is not a resource change (an object with address and change.actions, a list of strings); expected the output of terraform show -json <planfile>'],
    ['neither planned_values nor resource_changes', { format_version: '1.2' }, 'has neither planned_values nor resource_changes; expected the output of terraform show -json <planfile>'],
    ['a list', [], 'is not a JSON object; expected the output of terraform show -json <planfile>'],
  ])('refuses %s with one line instead of reporting no risks', (_what, content, message) => {
    const file = join(makeTempDir('plan-shape'), 'plan.json');
    writeFileSync(file, JSON.stringify(content));
    expect(() => planRisks(file, 'prod')).toThrow(`${file}: ${message}`);
  });

  it('reads a plan that changes nothing (Terraform then omits resource_changes) as no risk', () => {
    const file = join(makeTempDir('plan-empty'), 'plan.json');
    writeFileSync(file, JSON.stringify({ format_version: '1.2', planned_values: { root_module: {} } }));
    expect(planRisks(file, 'prod')).toEqual([]);
  });

  it('refuses a --plan for a stack neither synth output has, naming the stacks', () => {
    const synth = synthExample();
    const file = join(makeTempDir('plan-nostack'), 'plan.json');
    writeFileSync(file, JSON.stringify({ format_version: '1.2', planned_values: {} }));
    let err = '';
    expect(run(['review', synth, synth, '--plan', `nosuchstack=${file}`], { out: () => undefined, err: (s) => (err += s) })).toBe(1);
    expect(err).toBe("o11y: --plan names stack 'nosuchstack', which neither synth output has (stacks: local, local-jaeger, prod, prod-peak, staging)\n");
  });

  it('refuses a file that is not a plan, and a --plan without its stack', () => {
    const file = join(makeTempDir('plan-bad'), 'x.json');
    writeFileSync(file, '{}');
    expect(() => planRisks(file, 'prod')).toThrow(`${file}: has no format_version; expected the output of terraform show -json <planfile>`);
    let err = '';
    expect(run(['review', '/tmp', '/tmp', '--plan', file], { out: () => undefined, err: (s) => (err += s) })).toBe(1);
    expect(err).toContain('--plan takes <stack>=<file>');
  });
});
