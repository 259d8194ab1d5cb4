/**
 * `stacks/main.ts` of a new repository: what `npm run synth` and cdktf.json's `app` run. It
 * reads the spec beside it, so synth works from any working directory.
 */
export function mainTemplate(): string {
  return `/**
 * \`npm run synth\` (and \`cdktf synth\`, cdktf.json's "app") runs this file: every stack of
 * stacks.ts, from o11y.yaml, into cdktf.out/ (or CDKTF_OUTDIR). When any stack has a problem,
 * every problem is listed and nothing is written.
 */
import { join } from 'node:path';
import { loadSpec, synthApp } from 'o11y-stack';
import { defineStacks } from './stacks';

synthApp((app) => defineStacks(app, loadSpec(join(__dirname, 'o11y.yaml'))));
`;
}
