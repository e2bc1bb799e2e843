// Jest's node environment for `npm run mutate`: skips every test after a mutant's first failure, and in the dry run records which mutants each test file covers.
// CommonJS, not TypeScript: StrykerJS's jest runner loads a custom environment with a plain require().
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');
const { COVERAGE_DIR, coverageFileName } = require('./mutant-coverage-files.cjs');

// The variable StrykerJS's jest runner sets to the active mutant's id for a mutant run (INSTRUMENTER_CONSTANTS).
const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';

/**
 * Mutants a test has failed on, shared by every test file of the process (StrykerJS runs them in one process, one
 * mutant after another). Jest's own bail works per test file at best and StrykerJS turns it off
 * (jestjs/jest#11766), so without this a killed mutant still runs every test that covers it.
 */
const killed = new Set();

/** A test's full name as jest reports it and StrykerJS keys its per-test coverage: describe titles, then the test's. */
function fullName(test) {
  const names = [];
  for (let block = test; block && block.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ');
}

class MutantBailEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.rootDir = config.projectConfig.rootDir;
    this.testPath = context.testPath;
    /** Dry run only: mutant id -> how many of this file's tests reach it. */
    this.covered = new Map();
  }

  /** The instrumenter's shared object, which StrykerJS's wrapper of this environment puts on the global. */
  stryker() {
    return this.global.__stryker__;
  }

  /** @param {import('@jest/types').Circus.Event} event */
  handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT_ENV];
    if (mutant === undefined) {
      // npm test, or StrykerJS's first run of the whole suite: there, note what this test reached.
      if (event.name === 'test_done') this.noteCoverage(fullName(event.test));
      return;
    }
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') killed.add(mutant);
    // jest-circus reads the mode after these events (run.js): a skipped block runs no beforeAll, a skipped test nothing.
    else if (event.name === 'run_describe_start' && killed.has(mutant)) event.describeBlock.mode = 'skip';
    // A test that carries a failed beforeAll's error still runs (circus reports it failed without calling it):
    // skipped, it would be reported as skipped and the mutant that broke the hook as survived.
    else if (event.name === 'test_start' && killed.has(mutant) && event.test.errors.length === 0) event.test.mode = 'skip';
  }

  /** Counts the mutants a finished test reached (StrykerJS's per-test coverage, keyed by the test's full name). */
  noteCoverage(testName) {
    const perTest = this.stryker()?.mutantCoverage?.perTest?.[testName];
    for (const id of Object.keys(perTest ?? {})) this.covered.set(id, (this.covered.get(id) ?? 0) + 1);
  }

  /**
   * Dry run: writes this file's coverage for test/helpers/mutant-test-sequencer.cjs, which then loads, per mutant
   * run, only the test files that reach the mutant.
   */
  async teardown() {
    if (process.env[ACTIVE_MUTANT_ENV] === undefined && this.stryker()?.mutantCoverage) {
      const file = path.relative(this.rootDir, this.testPath);
      const dir = path.join(this.rootDir, COVERAGE_DIR);
      fs.mkdirSync(dir, { recursive: true });
      const entry = { file, mutants: Object.fromEntries(this.covered) };
      fs.writeFileSync(path.join(dir, coverageFileName(file)), JSON.stringify(entry));
    }
    await super.teardown();
  }
}

module.exports = MutantBailEnvironment;
