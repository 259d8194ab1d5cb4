import { App } from 'cdktf';
import { O11yValidationError, throwIfAny } from './spec/issues';
import { undeclaredEnvironments } from './targets/declared-environments';
import { warningsOf } from './targets/warnings';

/**
 * Runs a cdktf app definition and synthesizes it. Every stack is constructed (and checked)
 * before anything is written, so a bad spec leaves no half-written `cdktf.out`. Problems are
 * printed as a list, never as a stack trace; the process exits 1.
 */
export function synthApp(define: (app: App) => void, outdir?: string): void {
  try {
    const app = new App(outdir ? { outdir } : {});
    define(app);
    throwIfAny('spec', undeclaredEnvironments(app));
    app.synth();
    // `cdktf synth` prints these from manifest.json; a plain `node` run would stay silent
    for (const [path, message] of warningsOf(app)) process.stderr.write(`o11y: warning: ${path}: ${message}\n`);
  } catch (e) {
    if (e instanceof O11yValidationError) {
      process.stderr.write(`o11y: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
