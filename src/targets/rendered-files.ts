import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ISynthesisSession, TerraformStack } from 'cdktf';
import type { RenderedFile } from '../components/plan';

/** The folder beside `cdk.tf.json` that holds the rendered configs, for humans and for review. */
export const CONFIG_DIR = 'config';

/**
 * Writes the stack's rendered files to `cdktf.out/stacks/<stack>/config/` when the stack
 * synthesizes. The same strings are placed into the Terraform resources, so what a reviewer
 * reads is what gets deployed. The folder is replaced, never merged, so a removed service
 * leaves no stale file behind.
 */
export function writeRenderedFilesOnSynth(stack: TerraformStack, files: readonly RenderedFile[]): void {
  const inner = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession) {
      inner.synthesize(session);
      const dir = join(session.outdir, session.manifest.forStack(stack).workingDirectory, CONFIG_DIR);
      rmSync(dir, { recursive: true, force: true });
      // one mkdir per folder, not per file: at 1000 services a stack writes thousands of files into `otel/`
      const made = new Set<string>();
      for (const f of files) {
        const target = join(dir, f.output);
        const parent = dirname(target);
        if (!made.has(parent)) mkdirSync(parent, { recursive: true });
        made.add(parent);
        writeFileSync(target, f.content);
      }
    },
  };
}
