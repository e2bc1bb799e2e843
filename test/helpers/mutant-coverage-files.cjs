// Where the mutant environment writes, in StrykerJS's sandbox, which mutants each test file covers; the mutant test sequencer reads it.
'use strict';

/** A folder of the sandbox (StrykerJS's copy of the project, removed after the run): one JSON file per test file. */
const COVERAGE_DIR = '.mutant-coverage';

/** One flat file name per test file path. */
function coverageFileName(testFile) {
  return `${testFile.replace(/[\\/]/g, '__')}.json`;
}

module.exports = { COVERAGE_DIR, coverageFileName };
