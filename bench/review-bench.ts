/**
 * `npm run bench:review [-- --rounds N]`: what `o11y review` costs on a large change. The
 * example's spec grown to 1000 services (generate-spec.ts) is synthesized as the base; the head
 * is the same with one service more and staging's sampling ratio changed (so every service's
 * env changes there). Both are real synth outputs in temp dirs, made once, untimed. Timed:
 * the review in this process (read both folders, compare, render Markdown), and the whole
 * `o11y review` command as a fresh process. The goal is under 1 s for the review itself.
 * See bench/README.md ("Review benchmark").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { renderJson } from '../src/review/json';
import { renderMarkdown } from '../src/review/markdown';
import { reviewDirs } from '../src/review/review';
import { loadSpec } from '../src/spec/load';
import type { ObservabilitySpec } from '../src/spec/types';
import { defineStacks } from '../stacks/stacks';
import { benchAwsInputs, growSpec } from './generate-spec';
import { median, parseRounds } from './stats';

const ROOT = join(__dirname, '..');
const SPEC_FILE = join(ROOT, 'stacks', 'o11y.yaml');
const SERVICES = 1000;
const GOAL_MS = 1000;

function synth(spec: ObservabilitySpec, outdir: string): void {
  const app = new App({ outdir });
  // one metrics port per generated service: the AWS stacks' rule quota raised to match
  defineStacks(app, spec, benchAwsInputs(spec.services.length));
  app.synth();
}

/** The head: one service more, and staging's sampling ratio for every service changed. */
function headSpec(base: ObservabilitySpec): ObservabilitySpec {
  const grown = growSpec(base, SERVICES + 1);
  const staging = grown.environments?.staging ?? {};
  const ratio = staging.sampling?.ratio === 0.5 ? 0.25 : 0.5;
  return { ...grown, environments: { ...grown.environments, staging: { ...staging, sampling: { ratio } } } };
}

const ms = (x: number): string => `${x.toFixed(0)} ms`;

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function main(): void {
  const rounds = parseRounds('bench:review', process.argv.slice(2), 7);
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  log(`o11y review bench: ${SERVICES} services (+1 in the head, staging's ratio changed), ${rounds} rounds after one warm-up`);
  log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; load average (1 min) at start: ${loadavg()[0].toFixed(2)}`);

  const work = mkdtempSync(join(tmpdir(), 'o11y-review-bench-'));
  try {
    const example = loadSpec(SPEC_FILE);
    const [base, head] = [join(work, 'base'), join(work, 'head')];
    log('synthesizing base and head (untimed) …');
    synth(growSpec(example, SERVICES), base);
    synth(headSpec(example), head);

    let markdown = '';
    let json = '';
    let risks = 0;
    const inProcess = (): void => {
      const r = reviewDirs(base, head);
      markdown = renderMarkdown(r);
      risks = r.risks.length;
    };
    const cli = (): void => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'o11y.js'), 'review', base, head], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`o11y review exited ${r.status}: ${r.stderr}`);
    };
    // warm-up: file cache, module loading, the swc cache for the CLI
    inProcess();
    cli();
    json = renderJson(reviewDirs(base, head));

    const timings = { inProcess: [] as number[], cli: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      timings.inProcess.push(time(inProcess));
      timings.cli.push(time(cli));
      process.stdout.write(`round ${i + 1}/${rounds}: review ${ms(timings.inProcess[i])}, o11y review ${ms(timings.cli[i])}\n`);
    }
    const row = (label: string, xs: number[]): string => `${label.padEnd(34)} median ${ms(median(xs)).padStart(7)}  min ${ms(Math.min(...xs)).padStart(7)}  max ${ms(Math.max(...xs)).padStart(7)}`;
    log('');
    log(row('review (in process, Markdown)', timings.inProcess));
    log(row('o11y review (fresh process)', timings.cli));
    log(`findings: ${risks} risk flags; Markdown ${(markdown.length / 1024).toFixed(0)} KiB (fits a PR comment: ${markdown.length <= 65536 ? 'yes' : 'no'}), JSON ${(json.length / 1024).toFixed(0)} KiB`);
    const verdict = median(timings.inProcess) < GOAL_MS ? 'met' : 'NOT met';
    log(`goal: review under ${ms(GOAL_MS)}: ${verdict}; load average (1 min) at end: ${loadavg()[0].toFixed(2)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
