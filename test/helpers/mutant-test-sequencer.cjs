// Jest's test sequencer for `npm run mutate`: a mutant run loads only the test files whose tests reach the active mutant, those with the most such tests first.
// CommonJS, not TypeScript: jest loads a custom sequencer with a plain require().
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { COVERAGE_DIR } = require('./mutant-coverage-files.cjs');

// The variable StrykerJS's jest runner sets to the active mutant's id for a mutant run (INSTRUMENTER_CONSTANTS).
const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';
// MUTATE_ALL_FILES=1: every test file for every mutant, as jest does without this sequencer (to measure the gain).
const ALL_FILES_ENV = 'MUTATE_ALL_FILES';

/**
 * StrykerJS's jest runner gives a mutant run the names of the tests that reach the mutant (jest's testNamePattern),
 * not their files, so jest would load every test file and filter inside each: with the bundle suites, loading the
 * files is most of a mutant run (about 10 s of 49 files against 0.5 s for the one file that holds the tests). The
 * mutant environment writes, in the dry run, the mutants each file's tests reach; a file absent from that record is
 * loaded as before.
 */
let coverage = null;

/** Relative test file path -> { mutants: { id: how many of its tests reach it } }. */
function readCoverage(rootDir) {
  const dir = path.join(rootDir, COVERAGE_DIR);
  if (!fs.existsSync(dir)) return null;
  const byFile = new Map();
  for (const name of fs.readdirSync(dir)) {
    const entry = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    byFile.set(entry.file, entry);
  }
  return byFile;
}

class MutantTestSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const mutant = process.env[ACTIVE_MUTANT_ENV];
    // npm test, StrykerJS's dry run, or the baseline. With IGNORE_STATIC=0 StrykerJS runs a mutant reached while a
    // file loads against every test, and which files load it is not recorded: every file then.
    if (mutant === undefined || sorted.length === 0 || process.env[ALL_FILES_ENV] === '1') return sorted;
    if (process.env.IGNORE_STATIC === '0') return sorted;
    const rootDir = sorted[0].context.config.rootDir;
    coverage = coverage || readCoverage(rootDir);
    if (!coverage) return sorted;
    const reaching = (test) => {
      const entry = coverage.get(path.relative(rootDir, test.path));
      return entry ? (entry.mutants[mutant] ?? 0) : Infinity; // not recorded: keep it, first
    };
    const kept = sorted.filter((t) => reaching(t) > 0).sort((a, b) => reaching(b) - reaching(a));
    return kept.length > 0 ? kept : sorted;
  }
}

module.exports = MutantTestSequencer;
