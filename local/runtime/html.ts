// HtmlService: HtmlOutput, and templates whose scriptlets run with the script's globals (the include pattern).
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { instrument, Service } from './calls';
import type { SharedState } from './shared-state';
import { fail } from './errors';

/** HtmlService.SandboxMode: only IFRAME is in effect (https://developers.google.com/apps-script/reference/html/sandbox-mode). */
export const SandboxMode = { EMULATED: 'EMULATED', IFRAME: 'IFRAME', NATIVE: 'NATIVE' } as const;
/** HtmlService.XFrameOptionsMode (https://developers.google.com/apps-script/reference/html/x-frame-options-mode). */
export const XFrameOptionsMode = { ALLOWALL: 'ALLOWALL', DEFAULT: 'DEFAULT' } as const;

/** HTML-escape for <?= ?> (contextual escaping in Apps Script; plain entity escaping here). */
export function escapeHtml(v: unknown): string {
  return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function readProjectFile(rt: SharedState, name: string): string {
  const dir = rt.projectDir;
  const base = String(name).replace(/\.html$/, '');
  const file = dir ? path.join(dir, `${base}.html`) : null;
  // Missing file: "No HTML file named X was found." (platform message, observed). [UNCONFIRMED exact text]
  if (!file || !fs.existsSync(file)) fail(`No HTML file named ${base} was found.`);
  return fs.readFileSync(file, 'utf8');
}

/** The HtmlService global (https://developers.google.com/apps-script/reference/html/html-service). */
export class HtmlServiceImpl extends Service<SharedState> {
  readonly SandboxMode = SandboxMode;
  readonly XFrameOptionsMode = XFrameOptionsMode;
  createHtmlOutput(html?: string): GoogleAppsScript.HTML.HtmlOutput {
    return new HtmlOutputImpl(this.__rt, html === undefined ? '' : String(html)) as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  /** Reads `<name>.html` from the project dir (runtime.setProjectDir). */
  createHtmlOutputFromFile(filename: string): GoogleAppsScript.HTML.HtmlOutput {
    return new HtmlOutputImpl(this.__rt, readProjectFile(this.__rt, filename)) as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  createTemplate(html: string): GoogleAppsScript.HTML.HtmlTemplate {
    return makeTemplate(this.__rt, String(html));
  }
  createTemplateFromFile(filename: string): GoogleAppsScript.HTML.HtmlTemplate {
    return makeTemplate(this.__rt, readProjectFile(this.__rt, filename));
  }
}

/** Page output (https://developers.google.com/apps-script/reference/html/html-output). */
export class HtmlOutputImpl extends Service<SharedState> {
  private _html: string;
  private _title = '';
  private _width = 0;
  private _height = 0;
  private _meta: Array<{ name: string; content: string }> = [];
  private _xfo: string = XFrameOptionsMode.DEFAULT;
  private _favicon: string | null = null;
  constructor(rt: SharedState, html: string) {
    super(rt);
    this._html = html;
  }
  getContent(): string {
    return this._html;
  }
  setContent(content: string): this {
    this._html = String(content);
    return this;
  }
  append(addedContent: string): this {
    this._html += String(addedContent);
    return this;
  }
  appendUntrusted(addedContent: string): this {
    this._html += escapeHtml(addedContent);
    return this;
  }
  clear(): this {
    this._html = '';
    return this;
  }
  setTitle(title: string): this {
    this._title = String(title);
    return this;
  }
  getTitle(): string {
    return this._title;
  }
  setWidth(width: number): this {
    this._width = Number(width);
    return this;
  }
  getWidth(): number {
    return this._width;
  }
  setHeight(height: number): this {
    this._height = Number(height);
    return this;
  }
  getHeight(): number {
    return this._height;
  }
  /** No effect: IFRAME is the only mode (https://developers.google.com/apps-script/reference/html/sandbox-mode). */
  setSandboxMode(_mode: string): this {
    return this;
  }
  addMetaTag(name: string, content: string): this {
    this._meta.push({ name: String(name), content: String(content) });
    return this;
  }
  getMetaTags(): Array<{ getName(): string; getContent(): string }> {
    return this._meta.map((m) => ({ getName: () => m.name, getContent: () => m.content }));
  }
  setXFrameOptionsMode(mode: string): this {
    this._xfo = String(mode);
    return this;
  }
  getXFrameOptionsMode(): string {
    return this._xfo;
  }
  setFaviconUrl(iconUrl: string): this {
    this._favicon = String(iconUrl);
    return this;
  }
  getFaviconUrl(): string | null {
    return this._favicon;
  }
}

/** Turn template text into the body of a function over (__out, __esc, __str, output). */
function compileTemplate(src: string): string {
  let code = '';
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('<?', i);
    if (open < 0) {
      code += `__out.push(${JSON.stringify(src.slice(i))});\n`;
      break;
    }
    if (open > i) code += `__out.push(${JSON.stringify(src.slice(i, open))});\n`;
    const close = src.indexOf('?>', open + 2);
    if (close < 0) fail('Template is missing a closing ?>.');
    let body = src.slice(open + 2, close);
    if (body.startsWith('!=')) {
      body = body
        .slice(2)
        .trim()
        .replace(/;+\s*$/, '');
      code += `__out.push(__str((${body})));\n`;
    } else if (body.startsWith('=')) {
      body = body
        .slice(1)
        .trim()
        .replace(/;+\s*$/, '');
      code += `__out.push(__esc((${body})));\n`;
    } else code += body + '\n';
    i = close + 2;
  }
  return code;
}

const templateSource = new WeakMap<object, string>();

/**
 * A template (https://developers.google.com/apps-script/guides/html/templates): properties assigned to it
 * are variables in its scriptlets; `<? ?>` runs code, `<?= ?>` prints HTML-escaped, `<?!= ?>` prints raw.
 * Other names resolve to the script's globals: when globals() was turned into a vm context by gas-local,
 * the scriptlets are compiled inside that context (so `include()` declared in the bundle is visible);
 * otherwise they run under `with (globals())`.
 */
export class HtmlTemplateImpl extends Service<SharedState> {
  /** Evaluate into an HtmlOutput. Calls the scriptlets make into services are counted as script calls. */
  evaluate(): GoogleAppsScript.HTML.HtmlOutput {
    const rt = this.__rt;
    const body = compileTemplate(templateSource.get(this) ?? '');
    const data: Record<string, unknown> = {};
    for (const k of Object.keys(this)) data[k] = (this as unknown as Record<string, unknown>)[k];
    const out: string[] = [];
    const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
    const esc = (v: unknown): string => (v === undefined || v === null ? '' : escapeHtml(v));
    const output = {
      append: (s: unknown) => {
        out.push(str(s));
        return output;
      },
      appendUntrusted: (s: unknown) => {
        out.push(esc(s));
        return output;
      },
    };
    const ctx = rt.context();
    let fn: (...a: unknown[]) => void;
    if (ctx) {
      fn = vm.runInContext(`(function (__t, __out, __esc, __str, output) { with (__t) {\n${body}\n} })`, ctx) as typeof fn;
    } else {
      const g = rt.lastGlobals ?? {};
      fn = (
        new Function('__g', `return function (__t, __out, __esc, __str, output) { with (__g) { with (__t) {\n${body}\n} } };`) as (
          g: unknown,
        ) => typeof fn
      )(g);
    }
    rt.calls.asScript(() => fn(data, out, esc, str, output));
    return new HtmlOutputImpl(rt, out.join('')) as unknown as GoogleAppsScript.HTML.HtmlOutput;
  }
  /** The generated JavaScript (https://developers.google.com/apps-script/reference/html/html-template#getcode). */
  getCode(): string {
    return compileTemplate(templateSource.get(this) ?? '');
  }
  getRawContent(): string {
    return templateSource.get(this) ?? '';
  }
}

function makeTemplate(rt: SharedState, src: string): GoogleAppsScript.HTML.HtmlTemplate {
  const t = new HtmlTemplateImpl(rt);
  templateSource.set(t, src);
  return t as unknown as GoogleAppsScript.HTML.HtmlTemplate;
}

instrument(HtmlServiceImpl, 'HtmlService');
instrument(HtmlOutputImpl, 'HtmlOutput');
instrument(HtmlTemplateImpl, 'HtmlTemplate');
