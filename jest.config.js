/** Two projects: pure domain unit tests need nothing; integration tests share one PostgreSQL
 * database and one Temporal dev server started by the global setup. */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } }, module: { type: 'commonjs' } }],
};

module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  // A worker that has run many integration files holds their leftovers; recycle it before the
  // heap limit instead of letting a late file (the workflow replays) crash with it.
  workerIdleMemoryLimit: '1GB',
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
