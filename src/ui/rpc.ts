/**
 * A typed promise wrapper over google.script.run. The types come from SidebarApi, the interface the
 * server's entry points implement, so a renamed function or a changed result breaks the build.
 */
import { SIDEBAR_FUNCTIONS, type SidebarApi } from '../core/sidebar-api';

/** Every SidebarApi function, returning a Promise of its result. */
export type AsyncApi = {
  [K in keyof SidebarApi]: (...args: Parameters<SidebarApi[K]>) => Promise<ReturnType<SidebarApi[K]>>;
};

interface ScriptRun {
  withSuccessHandler(fn: (value: unknown) => void): ScriptRun;
  withFailureHandler(fn: (error: Error) => void): ScriptRun;
  [name: string]: unknown;
}

declare const google: { script: { run: ScriptRun } };

/** Calls `name` on the server through google.script.run. */
function call(name: string, args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const runner = google.script.run.withSuccessHandler(resolve).withFailureHandler(reject);
    const fn = runner[name];
    if (typeof fn !== 'function') {
      reject(new Error(`The server has no function ${name}.`));
      return;
    }
    (fn as (...a: unknown[]) => void).apply(runner, args);
  });
}

/** The server, as promises. */
export const server = Object.fromEntries(
  SIDEBAR_FUNCTIONS.map((name) => [name, (...args: unknown[]) => call(name, args)]),
) as unknown as AsyncApi;
