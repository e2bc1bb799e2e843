/**
 * google.script.run outside Google: the local server serves the built sidebar with a shim that sends
 * each call to POST /api/run/<name>, and this module runs it in an editor execution of the app.
 * Fidelity rules, from developers.google.com/apps-script/guides/html/communication: parameters and
 * return values may be primitives, arrays and objects of them; a Date or a function anywhere makes
 * the call fail; undefined in an array becomes null; objects are copied. Only top-level functions can
 * be called (developers.google.com/apps-script/guides/html/reference/run).
 */
import { SIDEBAR_FUNCTIONS } from '../src/core/sidebar-api';
import type { AppHandle } from './load-app';

/** What the page may call: the sidebar's functions (SIDEBAR_FUNCTIONS), not every global of the script. */
const ALLOWED: ReadonlySet<string> = new Set(SIDEBAR_FUNCTIONS);

/** A call the shim could not complete, reported to the page's failure handler. */
export class ScriptRunError extends Error {}

function isDate(v: unknown): boolean {
  return Object.prototype.toString.call(v) === '[object Date]';
}

/** Throws when a value cannot cross google.script.run; returns its JSON-like copy otherwise. */
export function serializable(value: unknown, where: string): unknown {
  if (value === undefined || value === null) return null;
  if (isDate(value) || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    // A Date or function anywhere fails the whole call. [doc: guides/html/communication]
    throw new ScriptRunError(`${where}: a ${isDate(value) ? 'Date' : typeof value} cannot be passed through google.script.run.`);
  }
  if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : serializable(v, `${where}[${i}]`)));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined)
        Object.defineProperty(out, key, {
          value: serializable(v, `${where}.${key}`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  }
  return value;
}

/** Runs one google.script.run call: only a sidebar function, arguments and result checked as Google does. */
export function runScriptFunction(app: AppHandle, name: string, args: unknown): unknown {
  if (!ALLOWED.has(name) || typeof app.context[name] !== 'function') throw new ScriptRunError(`Script function not found: ${name}`);
  if (!Array.isArray(args)) throw new ScriptRunError('The call arguments must be a JSON array.');
  const result = app.call('editor', name, ...args.map((a, i) => serializable(a, `argument ${i + 1}`)));
  return serializable(result, `the result of ${name}`);
}

/**
 * The page script that stands in for google.script.run (and google.script.host) in a browser. Each
 * call carries `secret` in the `secretHeader` header: the server's proof that the call comes from
 * the page it served (a header other sites' pages cannot send without a preflight).
 */
export const scriptRunShim = (secret: string, secretHeader: string): string => `
(function () {
  var SECRET = ${JSON.stringify(secret)};
  var SECRET_HEADER = ${JSON.stringify(secretHeader)};
  function headers() {
    var h = { 'Content-Type': 'application/json' };
    h[SECRET_HEADER] = SECRET;
    return h;
  }
  function runner(success, failure) {
    var target = {};
    target.withSuccessHandler = function (fn) { return runner(fn, failure); };
    target.withFailureHandler = function (fn) { return runner(success, fn); };
    target.withUserObject = function () { return target; };
    return new Proxy(target, {
      get: function (t, name) {
        if (name in t) return t[name];
        return function () {
          var args = Array.prototype.slice.call(arguments);
          fetch('/api/run/' + encodeURIComponent(String(name)), {
            method: 'POST', headers: headers(), body: JSON.stringify(args)
          }).then(function (r) { return r.json(); }).then(function (answer) {
            if (answer.ok) { if (success) success(answer.value); }
            else { var err = new Error(answer.error); if (failure) failure(err); else console.error(err); }
          }, function (e) { if (failure) failure(e); else console.error(e); });
        };
      }
    });
  }
  window.google = { script: { run: runner(null, null), host: { close: function () {}, setHeight: function () {}, setWidth: function () {} } } };
})();
`;
