/**
 * The built bundle as Apps Script sees it: real top-level entry functions, nothing of Node in the
 * global scope, no module syntax (apps-script-facts.md §8, §9). The build runs into a temporary
 * folder (`node build.mjs --outdir`), so this suite never races other suites on dist/.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { loadApp } from '../local/load-app';
import { LocalRuntime } from '../local/runtime';
import { SIDEBAR_FUNCTIONS } from '../src/core/sidebar-api';
import { invokeWebApp } from '../local/webapp';
import { APP_NAME, APP_VERSION } from '../src/core/version';
import { exportedNames } from './helpers/exports';
import { buildInto, removeTempDirs, tempDir } from './helpers/temp';

const ROOT = path.resolve(__dirname, '..');

/**
 * What Apps Script must see: exactly the exports of src/index.ts (the web app, the triggers, the menu
 * items and every function the sidebar calls).
 */
const ENTRY_POINTS = exportedNames(path.join(ROOT, 'src', 'index.ts'));
const NODE_GLOBALS = [
  'require',
  'module',
  'exports',
  'process',
  'Buffer',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'fetch',
  'structuredClone',
  'queueMicrotask',
  'global',
];

let outDir: string;
let code: string;
let runtime: LocalRuntime;
let ctx: Record<string, any>;

beforeAll(() => {
  outDir = tempDir('iclosed-build-');
  buildInto(outDir);
  code = fs.readFileSync(path.join(outDir, 'Code.js'), 'utf8');

  // A folder holding only Code.js: gas-local runs every .js file it finds.
  const codeDir = tempDir('iclosed-code-');
  fs.copyFileSync(path.join(outDir, 'Code.js'), path.join(codeDir, 'Code.js'));
  runtime = new LocalRuntime();
  runtime.createSpreadsheet('iClosed webhooks');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ctx = require('gas-local').require(codeDir, runtime.globals());
});

afterAll(() => {
  removeTempDirs();
});

describe('build output', () => {
  test('holds exactly Code.js, appsscript.json and Sidebar.html', () => {
    expect(fs.readdirSync(outDir).sort()).toEqual(['Code.js', 'Sidebar.html', 'appsscript.json']);
  });

  test('copies the manifest unchanged', () => {
    expect(fs.readFileSync(path.join(outDir, 'appsscript.json'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'appsscript.json'), 'utf8'));
  });

  test('Sidebar.html is one self-contained page with the script and styles inlined', () => {
    const html = fs.readFileSync(path.join(outDir, 'Sidebar.html'), 'utf8');
    expect(html).toContain('Webhooks to Sheets');
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
    expect(html).toMatch(/<script>[\s\S]+<\/script>/);
    expect(html).not.toMatch(/INLINE:/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/i);
  });
});

describe('dist/Code.js', () => {
  test('src/index.ts exports every function of the sidebar list (SIDEBAR_FUNCTIONS) and the web app, trigger and menu functions', () => {
    expect(ENTRY_POINTS).toEqual(
      expect.arrayContaining([
        ...SIDEBAR_FUNCTIONS,
        'doPost',
        'doGet',
        'onOpen',
        'onInstall',
        'processQueue',
        'showSidebar',
        'sendTestDeliveries',
        'showSelfTest',
        'setupWebhook',
      ]),
    );
  });

  test.each(ENTRY_POINTS)('%s is a top-level function declaration and a callable global', (name) => {
    expect(code).toMatch(new RegExp(`^function ${name}\\(`, 'm'));
    expect(typeof ctx[name]).toBe('function');
    expect(vm.runInContext(`typeof ${name}`, ctx as vm.Context)).toBe('function');
  });

  test('declares no other top-level functions than the entry points', () => {
    const declared = [...code.matchAll(/^function ([\w$]+)\(/gm)].map((m) => m[1]);
    expect(declared.sort()).toEqual([...ENTRY_POINTS].sort());
  });

  test.each(NODE_GLOBALS)('%s is undefined inside the script context', (name) => {
    expect(vm.runInContext(`typeof ${name}`, ctx as vm.Context)).toBe('undefined');
  });

  test('has no require( call and no import statement', () => {
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/^\s*import[\s{*]/m);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/^\s*export\s/m);
  });

  test('doGet through the runtime returns a TextOutput with JSON content', () => {
    const event = { queryString: '', parameter: {}, parameters: {}, contextPath: '', contentLength: -1 };
    const output = runtime.execute('webapp', () => ctx.doGet(event));
    expect(JSON.parse(output.getContent())).toEqual({ ok: true, app: APP_NAME, version: APP_VERSION, setUp: false });
    expect(output.getMimeType()).toBe(ctx.ContentService.MimeType.JSON);
  });

  test('GET /exec through loadApp and invokeWebApp answers 200 JSON', () => {
    const app = loadApp(new LocalRuntime(), outDir);
    const res = invokeWebApp(app, { method: 'GET', url: '/exec' });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(res.body)).toEqual({ ok: true, app: APP_NAME, version: APP_VERSION, setUp: false });
  });
});

describe('entry points from the exports of src/index.ts', () => {
  /** A copy of the project's build inputs, with node_modules linked, for builds of an edited src/. */
  function scratchProject(editIndex: (src: string) => string): string {
    const dir = tempDir('iclosed-scratch-');
    fs.copyFileSync(path.join(ROOT, 'build.mjs'), path.join(dir, 'build.mjs'));
    fs.copyFileSync(path.join(ROOT, 'appsscript.json'), path.join(dir, 'appsscript.json'));
    fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    fs.cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const index = path.join(dir, 'src', 'index.ts');
    fs.writeFileSync(index, editIndex(fs.readFileSync(index, 'utf8')));
    return dir;
  }

  test('a new export of src/index.ts becomes a global function with no list to edit', () => {
    const dir = scratchProject((src) => `${src}\nexport const notListedAnywhere = () => 1;\n`);
    const run = spawnSync(process.execPath, ['build.mjs', '--outdir', 'out'], { cwd: dir, encoding: 'utf8' });
    // No warning: stderr holds the summary line alone (stdout stays empty for piped JSON).
    expect(run.stderr).toMatch(/^build: [^\n]*\n$/);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out', 'Code.js'), 'utf8')).toMatch(/^function notListedAnywhere\(/m);
  });

  test('the build fails, naming the function, when src/index.ts stops exporting a sidebar function', () => {
    const dir = scratchProject((src) => {
      const edited = src.replace(/^export (const|function) saveSettings\b/m, '$1 saveSettingsGone');
      expect(edited).not.toBe(src);
      return edited;
    });
    const run = spawnSync(process.execPath, ['build.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/saveSettings/);
    expect(run.stderr).toMatch(/SIDEBAR_FUNCTIONS/);
  });
});
