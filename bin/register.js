// Lets Node run the project's TypeScript (stacks/main.ts, the CLI, the bench) without a build
// step. Each .ts file is stripped of its types by swc (no type check here: `npm run typecheck`
// does that) and the result is cached under node_modules/.cache, keyed by the file's content,
// so a synth pays for compiling only what changed. ts-node did the same job but loaded the
// TypeScript compiler and recompiled every file on every run: about 1 s and 110 MiB per synth.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

process.env.CHECKPOINT_DISABLE = '1';

const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'o11y-ts');
const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
let swc; // loaded only on a cache miss
let salt;

function compile(source, filename) {
  swc = swc || require('@swc/core');
  salt = salt || `${require('@swc/core/package.json').version}:${JSON.stringify(SWC_OPTIONS)}`;
  const key = createHash('sha256').update(salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached); // atomic: parallel runs never read a half-written file
    } catch {
      // a read-only tree still works, just without the cache
    }
    return code;
  }
}

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
