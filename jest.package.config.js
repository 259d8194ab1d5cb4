/**
 * `npm run test:package`: packs the repository with `npm pack`, installs the tarball into a
 * project outside it and uses it as a consumer would (test/package/). CI runs it after `npm test`.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/package'],
  testPathIgnorePatterns: ['/node_modules/'],
  setupFilesAfterEnv: [],
  testTimeout: 180000,
};
