/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // the live tests run real binaries built by `npm run build:live`: `npm run test:live`;
  // the package test packs and installs the package: `npm run test:package`; the deploy tests
  // apply the synthesized Terraform (a real Docker daemon, an AWS emulator): `npm run test:deploy`
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/live/', '<rootDir>/test/package/', '<rootDir>/test/deploy/'],
  // swc strips types only; `npm run typecheck` (tsc --noEmit) type-checks in CI
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // one worker per core: jest's default keeps a core for its main thread, which only waits and
  // reports, so on the 2-core CI machine the suite ran on one core (299 s; 164 s with two workers,
  // quiet machine, 2026-12-08). Tests share nothing between files: temp dirs are per test, ports
  // are picked free, the swc cache is written atomically.
  maxWorkers: '100%',
  testTimeout: 60000,
};
