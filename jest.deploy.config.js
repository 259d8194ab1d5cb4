/**
 * `npm run test:deploy`: the synthesized Terraform applied for real with providers built from the
 * Go module proxy — the Docker stacks on a Docker daemon of the tests' own, the AWS stacks against
 * moto — and `o11y verify` after the deploys (test/deploy). Needs root, Terraform, docker.io and
 * what `npm run build:live` and `npm run build:deploy` build.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/deploy'],
  testPathIgnorePatterns: ['/node_modules/'],
  // one at a time: each applies a whole stack on a 2-core machine
  maxWorkers: 1,
  testTimeout: 15 * 60_000,
};
