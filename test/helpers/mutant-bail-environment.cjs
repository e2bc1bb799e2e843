// Jest's node environment that, during a mutant run of `npm run mutate`, skips every test after the first failure: the mutant is killed then.
// CommonJS, not TypeScript: StrykerJS's jest runner loads a custom environment with a plain require().
'use strict';
const { TestEnvironment } = require('jest-environment-node');

// The variable StrykerJS's jest runner sets to the active mutant's id for a mutant run (INSTRUMENTER_CONSTANTS).
const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';

/**
 * Mutants a test has failed on, shared by every test file of the process (StrykerJS runs them in one process, one
 * mutant after another). Jest's own bail works per test file at best and StrykerJS turns it off
 * (jestjs/jest#11766), so without this a killed mutant still runs every test that covers it.
 */
const killed = new Set();

class MutantBailEnvironment extends TestEnvironment {
  /** @param {import('@jest/types').Circus.Event} event */
  handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT_ENV];
    if (mutant === undefined) return; // npm test, or Stryker's first run of the whole suite
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') killed.add(mutant);
    // jest-circus reads the mode after these events (run.js): a skipped block runs no beforeAll, a skipped test nothing.
    else if (event.name === 'run_describe_start' && killed.has(mutant)) event.describeBlock.mode = 'skip';
    // A test that carries a failed beforeAll's error still runs (circus reports it failed without calling it):
    // skipped, it would be reported as skipped and the mutant that broke the hook as survived.
    else if (event.name === 'test_start' && killed.has(mutant) && event.test.errors.length === 0) event.test.mode = 'skip';
  }
}

module.exports = MutantBailEnvironment;
