/**
 * Loads the built bundle (dist/Code.js) into a gas-local context whose globals are the local
 * runtime's Apps Script services. Only Code.js is loaded: gas-local would otherwise run every .js
 * file under the folder (apps-script-facts.md §9).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutionKind, LocalRuntime } from './runtime';
import { strykerGlobals } from './stryker-global';

interface GasLocal {
  require(folder: string, globals?: object, options?: { filter?: (file: string) => boolean }): Record<string, any>;
}
// gas-local ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gasLocal: GasLocal = require('gas-local');

export interface AppHandle {
  /** The gas-local context: the script's global object (functions and `var`s, not top-level const/let). */
  context: Record<string, any>;
  /** runtime.execute(kind, () => context[name](...args)) */
  call<T = unknown>(kind: ExecutionKind, name: string, ...args: unknown[]): T;
}

export function loadApp(runtime: LocalRuntime, distDir = 'dist'): AppHandle {
  const dir = path.resolve(distDir);
  const codeFile = path.join(dir, 'Code.js');
  if (!fs.existsSync(codeFile)) {
    throw new Error(`${codeFile} does not exist: run \`npm run build\` first.`);
  }
  // HtmlService.createHtmlOutputFromFile('Sidebar') reads dist/Sidebar.html.
  runtime.setProjectDir(dir);
  // The runtime keeps this very object (it becomes the context), so add to it rather than copy it.
  const context = gasLocal.require(dir, Object.assign(runtime.globals(), strykerGlobals()), {
    filter: (file) => path.resolve(file) === codeFile,
  });
  return {
    context,
    call<T = unknown>(kind: ExecutionKind, name: string, ...args: unknown[]): T {
      if (typeof context[name] !== 'function') {
        // Apps Script's own wording when a trigger or the editor names a missing function.
        throw new Error(`Script function not found: ${name}`);
      }
      return runtime.execute(kind, () => context[name](...args)) as T;
    },
  };
}
