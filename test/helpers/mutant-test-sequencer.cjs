// Jest's test sequencer that, during a mutant run of `npm run mutate`, keeps only the test files holding a test that covers the active mutant.
// CommonJS, not TypeScript: jest loads a custom sequencer with a plain require(), and StrykerJS's sandbox has no build step for it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

// The variable StrykerJS's jest runner sets to the active mutant's id for a mutant run (INSTRUMENTER_CONSTANTS).
const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';
// Set by stryker.config.mjs: the event-recorder's folder, which holds the dry run's tests and the run's plan, and
// the project folder those files' test paths are in (the sandbox is a copy of it).
const EVENTS_ENV = 'MUTATE_EVENTS_DIR';
const PROJECT_ENV = 'MUTATE_PROJECT_DIR';
// MUTATE_ALL_FILES=1: every file for every mutant, as jest does without this sequencer.
const ALL_FILES_ENV = 'MUTATE_ALL_FILES';

/**
 * StrykerJS's jest runner names the tests a mutant needs (jest's testNamePattern) but not their files, so jest loads
 * every test file of the run for every mutant and filters the tests inside: with the bundle suites that is most of a
 * mutant run's time. The event-recorder writes the dry run's tests (with their files) and each mutant's test filter
 * before the first mutant runs; from those the files are known. Anything missing or unreadable: every file, as
 * without this sequencer (slower, same result).
 */
let plan = null;

/**
 * Per mutant id, its covering tests per relative test file path (null: every file), from this run's event files; null
 * until they are readable.
 */
function readPlan() {
  const dir = process.env[EVENTS_ENV];
  const projectDir = process.env[PROJECT_ENV];
  if (!dir || !projectDir || !fs.existsSync(dir)) return null;
  const names = fs.readdirSync(dir);
  const dryRunFile = names.find((n) => n.endsWith('-onDryRunCompleted.json'));
  const planFile = names.find((n) => n.endsWith('-onMutationTestingPlanReady.json'));
  if (!dryRunFile || !planFile) return null;
  // Files of an earlier run in the same folder are older than this process, which ran this run's dry run.
  const started = Date.now() - process.uptime() * 1000;
  if (fs.statSync(path.join(dir, planFile)).mtimeMs < started) return null;
  try {
    const dryRun = JSON.parse(fs.readFileSync(path.join(dir, dryRunFile), 'utf8'));
    const mutantPlans = JSON.parse(fs.readFileSync(path.join(dir, planFile), 'utf8')).mutantPlans;
    const fileOfTest = new Map(dryRun.result.tests.map((t) => [t.id, path.relative(projectDir, t.fileName)]));
    const files = new Map();
    for (const { mutant, runOptions } of mutantPlans) {
      const filter = runOptions && runOptions.testFilter;
      const named = filter ? filter.map((id) => fileOfTest.get(id)) : null;
      if (!named || !named.every(Boolean)) {
        files.set(String(mutant.id), null);
        continue;
      }
      // Most covering tests first: the likeliest to fail, after which the bail environment skips the rest.
      const count = new Map();
      for (const file of named) count.set(file, (count.get(file) || 0) + 1);
      files.set(String(mutant.id), count);
    }
    return files;
  } catch {
    return null; // still being written
  }
}

class MutantTestSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const mutant = process.env[ACTIVE_MUTANT_ENV];
    if (mutant === undefined) return sorted; // npm test, or Stryker's dry run
    if (process.env[ALL_FILES_ENV] === '1') return sorted; // the baseline, to measure what this saves
    plan = plan || readPlan();
    const files = plan && plan.get(mutant);
    if (!files) return sorted;
    const covering = (t) => files.get(path.relative(t.context.config.rootDir, t.path)) || 0;
    const kept = sorted.filter((t) => covering(t) > 0).sort((a, b) => covering(b) - covering(a));
    return kept.length > 0 ? kept : sorted;
  }
}

module.exports = MutantTestSequencer;
