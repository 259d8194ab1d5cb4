/**
 * `npm run synth` (or `cdktf synth`) runs this file; `cdktf deploy <stack>` deploys one stack.
 * The stacks themselves are declared in stacks.ts, the spec in o11y.yaml.
 */
import { join } from 'node:path';
import { synthApp } from '../src/app';
import { loadSpec } from '../src/spec/load';
import { defineStacks } from './stacks';

export const SPEC_FILE = join(__dirname, 'o11y.yaml');

synthApp((app) => defineStacks(app, loadSpec(SPEC_FILE)));
