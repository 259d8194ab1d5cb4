#!/usr/bin/env node
// In this repository (src/ is here) the CLI runs from the TypeScript sources through the swc
// hook, so `npx o11y` always matches the working tree, even with a stale dist/ beside it. An
// installed package ships no src/, only the compiled dist/: the CLI itself needs no hook there.
// The hook is registered either way, for the user's stacks file (`--stacks`, default
// stacks/stacks.ts): register.js says what to install when @swc/core is missing.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

require('./register.js');
const fromSources = existsSync(join(__dirname, '..', 'src', 'cli.ts'));
let cli;
try {
  cli = require(fromSources ? '../src/cli' : '../dist/src/cli');
} catch (e) {
  if (e.code !== 'O11Y_NO_TS_LOADER') throw e;
  // a checkout without its dev dependencies: one line, not a stack trace
  process.stderr.write(`o11y: this checkout runs the CLI from its TypeScript sources, and @swc/core (a dev dependency) is not installed: run npm ci in ${join(__dirname, '..')}\n`);
  process.exit(1);
}
cli.main(process.argv.slice(2));
