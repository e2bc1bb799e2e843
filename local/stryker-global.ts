/** Hands StrykerJS's instrumenter global to the Apps Script sandbox, so mutants compiled into dist/Code.js switch on and report coverage. */

// The names StrykerJS's instrumenter uses (@stryker-mutator/api, INSTRUMENTER_CONSTANTS): the namespace object
// that holds activeMutant and mutantCoverage, and the variable the jest runner sets for a mutant run.
const DEFAULT_NAMESPACE = '__stryker__';
const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';

/**
 * Globals to add to the sandbox's: `{ __stryker__: <the test's instrumenter namespace> }` during `npm run mutate`,
 * nothing otherwise. The sandbox has no `process`, so the instrumented bundle cannot read the active mutant from the
 * environment itself; it is copied onto the namespace here. Sharing the one object also brings the bundle's mutant
 * coverage back to the jest runner.
 */
export function strykerGlobals(): Record<string, object> {
  const host = globalThis as Record<string, any>;
  const name: string = typeof host.__strykerGlobalNamespace__ === 'string' ? host.__strykerGlobalNamespace__ : DEFAULT_NAMESPACE;
  const active = process.env[ACTIVE_MUTANT_ENV];
  if (host[name] === undefined && active === undefined) return {};
  const namespace = (host[name] ??= {});
  if (namespace.activeMutant === undefined && active !== undefined) namespace.activeMutant = active;
  return { [name]: namespace };
}
