// Lets Node run the project's TypeScript (stacks/main.ts, the CLI, the bench) without a build
// step. Each .ts file is stripped of its types by swc (no type check here: `npm run typecheck`
// does that) and the result is cached under node_modules/.cache, keyed by the file's content,
// so a synth pays for compiling only what changed. ts-node did the same job but loaded the
// TypeScript compiler and recompiled every file on every run: about 1 s and 110 MiB per synth.
//
// The published package ships this file too (`o11y-stack/register`, and the `o11y` bin loads
// it for a TypeScript stacks file). There @swc/core is an optional peer dependency: the
// project that installs it gets the same hook; without it a .ts file falls back to Node's own
// type stripping where this Node has it, else fails with what to install.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

process.env.CHECKPOINT_DISABLE = '1';

// the project's own node_modules/.cache when run from a project root (where a consumer's cache
// belongs, not inside an installed package), else this checkout's
const CACHE_DIR = path.join(
  fs.existsSync(path.join(process.cwd(), 'node_modules')) ? process.cwd() : path.join(__dirname, '..'),
  'node_modules',
  '.cache',
  'o11y-ts',
);
const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
let swc; // loaded only on a cache miss
let salt;

/**
 * Thrown when a .ts file is required and neither @swc/core nor Node's own type stripping can
 * load it. `code` is O11Y_NO_TS_LOADER: the o11y CLI answers it with one line (and what to pass
 * instead), never a stack trace; `file` is the path as given to Node.
 */
function noLoader(filename) {
  const wanted = require('../package.json').peerDependencies['@swc/core'];
  const shown = path.relative(process.cwd(), filename) || filename;
  const e = new Error(`${shown} is TypeScript and @swc/core is not installed to load it: npm install --save-dev @swc/core@${wanted}`);
  e.code = 'O11Y_NO_TS_LOADER';
  e.file = filename;
  return e;
}

function loadSwc(filename) {
  try {
    return require('@swc/core');
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes("'@swc/core'")) throw e;
    throw noLoader(filename);
  }
}

function swcVersion(filename) {
  try {
    return require('@swc/core/package.json').version;
  } catch (e) {
    loadSwc(filename); // says what to install when @swc/core is missing
    throw e;
  }
}

function compile(source, filename) {
  // the key needs swc's version only: its native binding (tens of ms to load) waits for a miss
  salt = salt || `${swcVersion(filename)}:${JSON.stringify(SWC_OPTIONS)}`;
  const key = createHash('sha256').update(salt).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    swc = swc || loadSwc(filename);
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

function swcInstalled() {
  try {
    require.resolve('@swc/core');
    return true;
  } catch {
    return false;
  }
}

const nodeTs = require.extensions['.ts']; // Node's own type stripping (22.18+, 23.6+), if any
require.extensions['.ts'] = function loadTypeScript(module, filename) {
  if (nodeTs && !swc && !swcInstalled()) return nodeTs(module, filename);
  let code;
  try {
    code = compile(fs.readFileSync(filename, 'utf8'), filename);
  } catch (e) {
    // the program itself (`node -r o11y-stack/register stacks/main.ts`, npm run synth): nobody
    // above can catch this, and Node would print a stack trace; one line and exit 1 instead
    if (e.code !== 'O11Y_NO_TS_LOADER' || module.id !== '.') throw e;
    process.stderr.write(`o11y: ${e.message}, or compile your app (tsc) and run the .js file\n`);
    process.exit(1);
  }
  module._compile(code, filename);
};
