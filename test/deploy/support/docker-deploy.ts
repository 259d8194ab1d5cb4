/**
 * A Docker stack deployed the way docs/local.md says, word for word: `npm run synth`, then
 * `npx cdktf deploy <stack>`, in a project folder of the test's own (a copy of the repository's
 * sources, so the state file lands beside it and not in the repository). cdktf runs the app,
 * then `terraform init` and `apply` in `cdktf.out/stacks/<stack>`; Terraform finds the providers
 * in the local mirror (TF_CLI_CONFIG_FILE) and the daemon in DOCKER_HOST.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../support/synth';
import type { DockerDaemon } from './docker-daemon';
import { terraformEnv } from './terraform';

/** What a project needs to synthesize: the sources, not node_modules (linked) or any output. */
const PROJECT_FILES = ['bin', 'src', 'stacks', 'dashboards', 'schema', 'package.json', 'cdktf.json', 'tsconfig.json'];

export interface DeployProject {
  readonly dir: string;
  /** `cdktf.out/stacks/<stack>` of the project. */
  stackDir(stack: string): string;
  /** Runs a command in the project with the deploy environment; resolves with its output, rejects with its tail. */
  sh(cmd: string, args: readonly string[], timeoutMs?: number): Promise<string>;
}

export function deployProject(dir: string, daemon: DockerDaemon): DeployProject {
  mkdirSync(dir, { recursive: true });
  for (const f of PROJECT_FILES) cpSync(join(REPO_ROOT, f), join(dir, f), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const env = terraformEnv({ DOCKER_HOST: daemon.host, DOCKER_CONFIG: daemon.env.DOCKER_CONFIG, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' });
  return {
    dir,
    stackDir: (stack) => join(dir, 'cdktf.out', 'stacks', stack),
    async sh(cmd, args, timeoutMs = 15 * 60_000) {
      try {
        const { stdout, stderr } = await promisify(execFile)(cmd, [...args], { cwd: dir, env, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
        return stdout + stderr;
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message.split('\n')[0]}\n${`${err.stdout ?? ''}${err.stderr ?? ''}`.slice(-6000)}`);
      }
    },
  };
}
