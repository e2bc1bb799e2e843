// StrykerJS (`npm run mutate`): the mutation score of src/core and src/gas, with the jest runner and the TypeScript checker.
//
// Most suites test the built bundle (dist/Code.js in a gas-local VM context), not the TypeScript sources. So
// Stryker rebuilds the bundle from its instrumented copy of the sources (`buildCommand` runs in the sandbox), and
// local/stryker-global.ts hands the test's `__stryker__` object to the VM context: a mutant compiled into the bundle
// switches on there and reports its coverage. docs/testing.md has the run times, the scores and the survivors.

/**
 * The suites a mutant runs against by default: the unit suites and every bundle suite that finishes in seconds.
 * Left out: the end-to-end suites that take 5 to 60 s each (the HTTP server, the crash loop, the concurrency
 * harness and bursts, the funnel property run, the reliability soak, the CLI's JSON output, the start banner and the
 * build facts). They drive the same code through more layers, so a mutant they would kill is one the score here
 * counts as survived: the score is a lower bound of the whole suite's. MUTATE_TESTS=all runs every suite that
 * reaches src/ (hours here; docs/testing.md). A new bundle suite that finishes in seconds belongs in this list.
 */
const FAST_TESTS = [
  'test/core/**/*.test.ts',
  'test/bundle.test.ts',
  'test/capacity.test.ts',
  'test/dead-letter.test.ts',
  'test/delivery-path.test.ts',
  'test/edges.test.ts',
  'test/guarantees.test.ts',
  'test/health-and-tokens.test.ts',
  'test/ingest.test.ts',
  'test/ingest-cases.test.ts',
  'test/log-keeping.test.ts',
  'test/log-sheet.test.ts',
  'test/pipeline.test.ts',
  'test/pipeline-sheets.test.ts',
  'test/queue.test.ts',
  'test/refusals.test.ts',
  'test/sender-simulator.test.ts',
  'test/settings-apply.test.ts',
  'test/settings-apply-cases.test.ts',
  'test/sheet-search.test.ts',
  'test/sidebar-api.test.ts',
  'test/sidebar-server.test.ts',
  'test/webapp.test.ts',
  'test/webapp-url.test.ts',
];

/**
 * MUTATE_TESTS=<glob>[,<glob>...] (paths under test/, e.g. `test/core/**` or `test/sidebar-api.test.ts`) runs only
 * those suites: quicker while working on one file, but a mutant only those suites miss then counts as survived.
 */
const selected = process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',').map((glob) => glob.trim()) : FAST_TESTS;
const onlyTests = selected.includes('all') ? null : selected.map((glob) => `<rootDir>/${glob}`);

/** MUTATE_REPORTS=<folder>: where this run's reports go (two runs side by side need two). */
const REPORTS = process.env.MUTATE_REPORTS ?? 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
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
      // After a mutant's first failing test the others are skipped: it is killed either way, and a mutant in the
      // delivery path is covered by hundreds of tests.
      // A path from the project folder: StrykerJS's runner resolves it from there with require().
      testEnvironment: './test/helpers/mutant-bail-environment.cjs',
      // A mutant run loads only the test files whose tests reach the mutant (jest would load all of them and filter
      // their tests by name); the environment above records which in the dry run.
      testSequencer: './test/helpers/mutant-test-sequencer.cjs',
      // The temp-folder guard (a TypeScript global set-up and tear-down, compiled on every jest run) checks npm test,
      // not a mutant.
      globalSetup: undefined,
      globalTeardown: undefined,
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
  // A mutant reached only while a test file loads or in a beforeAll hook (a module constant, the harness's set-up)
  // would need the whole suite per mutant: 60 % of src/core's mutants, 96 % of the run time. Those reached only
  // that way are reported as ignored (docs/testing.md counts them); those also reached inside a test run against
  // the tests that reach them. IGNORE_STATIC=0 runs them all.
  ignoreStatic: process.env.IGNORE_STATIC !== '0',
  // The whole suite once, with coverage, on a loaded 2-core machine: minutes, not Stryker's default 5.
  dryRunTimeoutMinutes: 40,
  // Two type checkers and two jest processes: once the checkers are ahead they wait, so on 2 cores the jest
  // processes get the machine. CONCURRENCY=<n> for another machine.
  concurrency: Number(process.env.CONCURRENCY ?? 4),
  // A mutant that loops forever is stopped by the instrumenter's hit limit, not by this clock; a short limit here
  // only turns slow runs on a loaded machine into false "timed out" results (counted as killed).
  timeoutMS: 120000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  // .stryker-tmp-*: the sandboxes of another run beside this one (--tempDirName).
  ignorePatterns: ['dist', '.build', '.local', 'coverage', 'reports', 'test-results.json', '.stryker-tmp*'],
  // event-recorder: one file per tested mutant in <reports>/events, readable while the run goes on.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  htmlReporter: { fileName: `${REPORTS}/mutation.html` },
  jsonReporter: { fileName: `${REPORTS}/mutation.json` },
  eventReporter: { baseDir: `${REPORTS}/events` },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 85, low: 75, break: 75 },
};
