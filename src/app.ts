import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { App } from 'cdktf';
import { O11yValidationError } from './spec/issues';
import { collectStackIssues, combinedError, stackIdOf } from './targets/collect-issues';
import { checkEnvironmentBlocks } from './targets/declared-environments';
import { warningsOf } from './targets/warnings';

/**
 * Runs a cdktf app definition and synthesizes it. Every stack is constructed (and checked)
 * before anything is written, so a bad spec leaves no half-written `cdktf.out`. Problems are
 * printed as a list, never as a stack trace; the process exits 1.
 */
export function synthApp(define: (app: App) => void, outdir?: string): void {
  const out = resolve(outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  if (!existsSync(dirname(out))) {
    process.stderr.write(`o11y: cannot write the synth output to ${out}: its parent folder does not exist\n`);
    process.exit(1);
  }
  const link = linkInside(out);
  if (link) {
    process.stderr.write(`o11y: refusing to synthesize into ${out}: ${link} is a symbolic link, and synth writes and deletes files inside the output folder; remove the link\n`);
    process.exit(1);
  }
  // cdktf's App makes the folder (and stacks/) as soon as it exists: a failed first synth must not leave it
  const existed = existsSync(out);
  try {
    const app = new App({ outdir: out });
    const failed = collectStackIssues(app);
    define(app);
    throwIfAppProblems(app, failed);
    app.synth();
    removeUndeclaredStacks(out, app.node.children.map((c) => c.node.id));
    // `cdktf synth` prints these from manifest.json; a plain `node` run would stay silent
    for (const [path, message] of warningsOf(app)) process.stderr.write(`o11y: warning: ${path}: ${message}\n`);
  } catch (e) {
    if (e instanceof O11yValidationError) {
      if (!existed) rmSync(out, { recursive: true, force: true });
      process.stderr.write(`o11y: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * The first symbolic link in the output folder (itself included), if any: synth would write
 * through it, and the removal of undeclared stacks would delete files wherever it points.
 */
export function linkInside(dir: string): string | undefined {
  if (!existsSync(dir) && !isLink(dir)) return undefined;
  if (isLink(dir)) return dir;
  if (!lstatSync(dir).isDirectory()) return undefined;
  for (const e of readdirSync(dir).sort()) {
    // Terraform's working folder (`cdktf deploy` runs init there): synth neither writes nor
    // deletes in it, and its providers are links into the plugin cache by design
    if (e === '.terraform') continue;
    const found = linkInside(join(dir, e));
    if (found) return found;
  }
  return undefined;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A stack removed from the app must not linger in the output (a review or a deploy script
 * would still see it): remove `stacks/<id>` folders of stacks the app no longer declares.
 * Only folders that hold a synthesized stack (`cdk.tf.json`) are touched; links are left alone.
 */
function removeUndeclaredStacks(outdir: string, ids: readonly string[]): void {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) return;
  for (const entry of readdirSync(stacksDir)) {
    const path = join(stacksDir, entry);
    if (ids.includes(entry) || !lstatSync(path).isDirectory() || !existsSync(join(path, 'cdk.tf.json'))) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Every problem of every stack, and the app-wide rules (environments that name no stack), in
 * one error; nothing is synthesized when there is any. The spec's problems come first: a
 * misspelt environment block is the cause, and the problems of the stack it was meant for
 * (resolved without it) are left out until it is fixed.
 */
export function throwIfAppProblems(app: App, failed: readonly O11yValidationError[]): void {
  const env = checkEnvironmentBlocks(app, failed.map((e) => stackIdOf(e) ?? ''));
  const stackErrors = failed.filter((e) => !env.withheld.includes(stackIdOf(e) ?? ''));
  const errors = [...(env.issues.length ? [new O11yValidationError('spec', env.issues)] : []), ...stackErrors];
  if (errors.length) throw combinedError(errors);
}
