// Preloaded (`node -r`) by the tests of what happens without @swc/core: every require of it
// fails as it does where the optional peer is not installed. The real module stays where it is.
'use strict';
const Module = require('node:module');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@swc/core' || request.startsWith('@swc/core/')) {
    const e = new Error(`Cannot find module '${request}'`);
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return resolveFilename.call(this, request, ...rest);
};
