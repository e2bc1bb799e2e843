// StrykerJS (`npm run mutate`): the mutation score of src/core and src/gas, with the jest runner and the TypeScript checker.
//
// Most suites test the built bundle (dist/Code.js in a gas-local VM context), not the TypeScript sources. So
// Stryker rebuilds the bundle from its instrumented copy of the sources (`buildCommand` runs in the sandbox), and
// local/stryker-global.ts hands the test's `__stryker__` object to the VM context: a mutant compiled into the bundle
// switches on there and reports its coverage. docs/testing.md has the run times, the scores and the survivors.

/**
 * MUTATE_TESTS=<glob>[,<glob>...] (paths under test/, e.g. `test/core/**` or `test/sidebar-api.test.ts`) runs only
 * those suites: quicker while working on one file, but a mutant only those suites miss then counts as survived.
 */
const onlyTests = process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',').map((glob) => `<rootDir>/${glob.trim()}`) : null;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['src/core/**/*.ts', 'src/gas/**/*.ts'],
  buildCommand: 'node scripts/mutate-build.mjs',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // A test loads the bundle, not the mutated file: jest's findRelatedTests would find no test for a src/gas file.
    enableFindRelatedTests: false,
    config: {
      ...(onlyTests ? { testMatch: onlyTests } : {}),
      // Suites that never run src/core or src/gas code, or that scan the bundle's text for globals Apps Script
      // lacks (the instrumented bundle has `process` and `new Function` by design), stay out of mutant runs.
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/browser/',
        '<rootDir>/test/bundle-platform.test.ts',
        '<rootDir>/test/deploy.test.ts',
        '<rootDir>/test/architecture.test.ts',
      ],
    },
  },
  coverageAnalysis: 'perTest',
  // The whole suite once, with coverage, on a loaded 2-core machine: minutes, not Stryker's default 5.
  dryRunTimeoutMinutes: 40,
  // The machine is shared: two test processes at most.
  concurrency: 2,
  timeoutMS: 20000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', '.build', '.local', 'coverage', 'reports', 'test-results.json'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 85, low: 75, break: 75 },
};
