/**
 * Terraform 1.11 (the machine's, on PATH) run on a synthesized stack exactly as `cdktf deploy`
 * runs it: in `cdktf.out/stacks/<stack>`, on its `cdk.tf.json`, with the providers from the local
 * mirror (providers.ts) and nothing else reachable.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TERRAFORM_RC } from './providers';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment every terraform command gets: the mirror's CLI config, no checkpoint calls, no prompts. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: TERRAFORM_RC, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...extra };
}

/** Runs `terraform <args>` in `dir`; resolves with the exit code (never rejects on a non-zero exit). */
export async function terraform(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30 * 60_000): Promise<TerraformResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)('terraform', ['-chdir=' + dir, ...args], { env: terraformEnv(env), maxBuffer: 512 * 1024 * 1024, timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof err.code !== 'number') throw new Error(`terraform ${args.join(' ')} in ${dir} did not run: ${err.message}`);
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Like `terraform`, but throws with the command's output tail when it exits non-zero. */
export async function terraformOk(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs?: number): Promise<string> {
  const r = await terraform(dir, args, env, timeoutMs);
  if (r.code !== 0) throw new Error(`terraform ${args.join(' ')} in ${dir} failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-6000)}`);
  return r.stdout;
}

/** Resources in a state (`terraform show -json`), counted by type. */
export function resourcesByType(showJson: string): Record<string, number> {
  const state = JSON.parse(showJson) as { values?: { root_module?: { resources?: { type: string; mode: string }[] } } };
  const out: Record<string, number> = {};
  for (const r of state.values?.root_module?.resources ?? []) if (r.mode === 'managed') out[r.type] = (out[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
