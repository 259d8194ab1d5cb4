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
  testTimeout: 60000,
};
