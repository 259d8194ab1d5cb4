/** `npm run test:live`: the real collector, Prometheus and Jaeger, built by `npm run build:live`. */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/live'],
  testPathIgnorePatterns: ['/node_modules/'],
  // one stack at a time: each starts real processes on a 2-core machine
  maxWorkers: 1,
  testTimeout: 240000,
};
