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
require(fromSources ? '../src/cli' : '../dist/src/cli').main(process.argv.slice(2));
