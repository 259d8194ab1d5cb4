import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EXAMPLE_MAIN, makeTempDir, removeTempDirs, runExampleSynth } from '../support/synth';

const REGISTER = join(__dirname, '..', '..', 'bin', 'register.js');
afterAll(removeTempDirs);

describe('the synth output folder', () => {
  it('is refused in one line, with no stack trace, when its parent folder does not exist', () => {
    const cwd = makeTempDir('o11y-outdir-');
    const r = spawnSync(process.execPath, ['-r', REGISTER, EXAMPLE_MAIN], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: join(cwd, 'missing', 'out') }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`o11y: cannot write the synth output to ${join(cwd, 'missing', 'out')}: its parent folder does not exist\n`);
  });

  it('loses the folders of stacks the app no longer declares, and keeps anything that is not a synthesized stack', () => {
    const cwd = makeTempDir('o11y-outdir-');
    const stacks = join(cwd, 'cdktf.out', 'stacks');
    mkdirSync(join(stacks, 'qa'), { recursive: true });
    writeFileSync(join(stacks, 'qa', 'cdk.tf.json'), '{}');
    mkdirSync(join(stacks, 'notes'), { recursive: true });
    runExampleSynth(cwd);
    expect(readdirSync(stacks).sort()).toEqual(['local', 'local-jaeger', 'notes', 'prod', 'prod-peak', 'staging']);
    expect(existsSync(join(stacks, 'qa'))).toBe(false);
  });

  it('is refused when it holds a symbolic link, and nothing is written or deleted where the link points', () => {
    const cwd = makeTempDir('o11y-outdir-');
    const elsewhere = makeTempDir('o11y-elsewhere-');
    writeFileSync(join(elsewhere, 'cdk.tf.json'), 'keep me');
    mkdirSync(join(cwd, 'cdktf.out', 'stacks'), { recursive: true });
    const link = join(cwd, 'cdktf.out', 'stacks', 'staging');
    symlinkSync(elsewhere, link);
    const r = spawnSync(process.execPath, ['-r', REGISTER, EXAMPLE_MAIN], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([1, `o11y: refusing to synthesize into ${join(cwd, 'cdktf.out')}: ${link} is a symbolic link, and synth writes and deletes files inside the output folder; remove the link\n`]);
    expect(readdirSync(elsewhere)).toEqual(['cdk.tf.json']);
    expect(readFileSync(join(elsewhere, 'cdk.tf.json'), 'utf8')).toBe('keep me');
    expect(readdirSync(join(cwd, 'cdktf.out', 'stacks'))).toEqual(['staging']);
  });

  it('is not left behind, not even empty, by a first synth that fails validation', () => {
    const cwd = makeTempDir('o11y-outdir-');
    const main = join(cwd, 'main.ts');
    const src = join(__dirname, '..', '..', 'src');
    writeFileSync(main, `import { synthApp } from '${src}/app';\nimport { issue, O11yValidationError } from '${src}/spec/issues';\nsynthApp(() => { throw new O11yValidationError('spec', [issue('services', 'is required')]); });\n`);
    const r = spawnSync(process.execPath, ['-r', REGISTER, main], { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([1, 'o11y: spec: 1 problem\n  - services: is required\n']);
    expect(readdirSync(cwd)).toEqual(['main.ts']);
  });

  it("leaves Terraform's working folder alone: its provider links (a plugin cache) do not stop a later synth", () => {
    const cwd = makeTempDir('o11y-outdir-');
    const providers = join(cwd, 'cdktf.out', 'stacks', 'local', '.terraform', 'providers');
    mkdirSync(providers, { recursive: true });
    symlinkSync(makeTempDir('o11y-plugin-cache-'), join(providers, 'terraform-provider-docker'));
    runExampleSynth(cwd);
    expect(existsSync(join(cwd, 'cdktf.out', 'stacks', 'local', 'cdk.tf.json'))).toBe(true);
  });
});
