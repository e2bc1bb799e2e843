/** Jest: TypeScript through ts-jest (transpile only; `npm run typecheck` does the type checking). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Every run gets its own TMPDIR; anything a test leaves there fails the run.
  globalSetup: '<rootDir>/test/temp-guard-setup.ts',
  globalTeardown: '<rootDir>/test/temp-guard-teardown.ts',
};
