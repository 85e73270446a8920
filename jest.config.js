/** Two projects: pure domain unit tests need nothing; integration tests share one PostgreSQL
 * database and one Temporal dev server started by the global setup. */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } }, module: { type: 'commonjs' } }],
};

module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  projects: [
    {
      displayName: 'unit',
      transform,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{domain,runtime}/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      transform,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/{api,activities,workflows,emulators,db,integrations,scripts}/**/*.test.ts'],
      // Every JSON answer of an app built by test/support is checked against its contract.
      setupFilesAfterEnv: ['<rootDir>/test/support/contract-setup.ts'],
      slowTestThreshold: 30,
    },
  ],
};
