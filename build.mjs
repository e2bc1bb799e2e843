#!/usr/bin/env node
/**
 * Build for Apps Script (clasp pushes dist/) and for the local server (`npm start`).
 *
 *   dist/Code.js          src/index.ts bundled as the IIFE global `app`, then one real top-level
 *                         `function name(...a) { return app.name(...a); }` per export of src/index.ts.
 *                         Apps Script, triggers and google.script.run only see top-level function
 *                         declarations (the V8 runtime has no ES modules).
 *   dist/appsscript.json  copied from the repository root.
 *   dist/Sidebar.html     src/ui/sidebar.html with sidebar.css and the bundled sidebar.ts inlined.
 *   .build/start.cjs      local/start.ts bundled for Node, so `npm start` needs no ts-node.
 *
 * The entry points are read from src/index.ts's exports (esbuild's metafile), so there is no list
 * to keep in sync. The build fails when src/index.ts lacks a function of the sidebar's list
 * (SIDEBAR_FUNCTIONS in src/core/sidebar-api.ts) or exports something Apps Script cannot call.
 *
 * `node build.mjs --outdir <dir>` writes the three Apps Script files to <dir> instead of dist/ and
 * skips .build/start.cjs (tests build into a temporary folder so they never race on dist/).
 *
 * The web app URL `npm run deploy` recorded in deployment.json is compiled into Code.js as the constant
 * __WEB_APP_URL__ (src/gas/webapp-url.ts), so the sidebar shows the deployment's own /exec URL.
 * `--web-app-url <url>` puts that URL in instead, `--web-app-url none` none (npm run deploy passes it).
 */
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
const BUILD = join(ROOT, '.build');

const GLOBAL_NAME = 'app';
const DIST_FILES = ['Code.js', 'appsscript.json', 'Sidebar.html'];

class BuildError extends Error {}

function parseArgs(argv) {
  const args = { outdir: null, webAppUrl: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--outdir' && i + 1 < argv.length) args.outdir = argv[++i];
    else if (arg.startsWith('--outdir=')) args.outdir = arg.slice('--outdir='.length);
    else if (arg === '--web-app-url' && i + 1 < argv.length) args.webAppUrl = argv[++i];
    else throw new BuildError(`unknown argument ${arg} (usage: node build.mjs [--outdir <dir>] [--web-app-url <url>|none])`);
  }
  return args;
}

const ARGS = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`build failed: ${err.message}`);
    process.exit(2);
  }
})();
const DIST = ARGS.outdir ? resolve(ARGS.outdir) : join(ROOT, 'dist');

/** dist/ is always cleaned; a custom --outdir only when it holds nothing but earlier build output. */
function cleanOutDir() {
  if (ARGS.outdir) {
    if (ROOT === DIST || ROOT.startsWith(DIST + sep)) throw new BuildError(`--outdir ${DIST} would delete the project`);
    if (existsSync(DIST)) {
      const foreign = readdirSync(DIST).filter((f) => !DIST_FILES.includes(f));
      if (foreign.length) throw new BuildError(`--outdir ${DIST} holds other files (${foreign.join(', ')}); not deleting it`);
    }
  }
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
}

function rel(p) {
  return relative(ROOT, p) || '.';
}

/** Names exported by src/index.ts, read from esbuild's metafile of an ESM build (nothing is executed). */
async function exportsOf(entry) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    write: false,
    metafile: true,
    outfile: 'exports-probe.js',
    logLevel: 'silent',
  });
  const outputs = Object.values(result.metafile.outputs).filter((o) => o.entryPoint);
  if (outputs.length !== 1) throw new BuildError(`expected one output for ${entry}, got ${outputs.length}`);
  return outputs[0].exports;
}

/** SIDEBAR_FUNCTIONS of src/core/sidebar-api.ts, bundled in memory and imported (a pure module: a list and types). */
async function sidebarFunctions() {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/core/sidebar-api.ts'],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    write: false,
    outfile: 'sidebar-api-probe.js',
    logLevel: 'silent',
  });
  const source = result.outputFiles[0].text;
  const module = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  if (!Array.isArray(module.SIDEBAR_FUNCTIONS)) throw new BuildError('src/core/sidebar-api.ts does not export the SIDEBAR_FUNCTIONS list');
  return module.SIDEBAR_FUNCTIONS;
}

/** The entry points are src/index.ts's exports; each must be callable, and every sidebar function must be one. */
function checkEntryPoints(exported, sidebar) {
  const actual = new Set(exported);
  const problems = [];
  const missing = sidebar.filter((n) => !actual.has(n));
  if (missing.length)
    problems.push(`in SIDEBAR_FUNCTIONS (src/core/sidebar-api.ts) but not exported by src/index.ts: ${missing.join(', ')}`);
  if (exported.includes('default')) problems.push('src/index.ts has a default export; Apps Script cannot call it');
  for (const name of exported) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) problems.push(`not a valid function name: ${name}`);
  }
  if (problems.length) {
    throw new BuildError(`the exports of src/index.ts cannot serve as entry points:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The web app URL compiled into Code.js: --web-app-url, else deployment.json's `url`, else null. */
function webAppUrl() {
  let url = ARGS.webAppUrl;
  if (url === null) {
    const file = join(ROOT, 'deployment.json');
    if (!existsSync(file)) return null;
    let record;
    try {
      record = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new BuildError(`deployment.json is not valid JSON (${err.message}); fix or delete it`);
    }
    url = record && typeof record.url === 'string' ? record.url : null;
  }
  if (url === null || url === 'none') return null;
  if (!/^https:\/\/script\.google\.com\/macros\/s\/[A-Za-z0-9_-]+\/exec$/.test(url)) {
    throw new BuildError(`the web app URL ${url} is not of the form https://script.google.com/macros/s/<deployment id>/exec`);
  }
  return url;
}

async function buildCode() {
  const entry = 'src/index.ts';
  const entryPoints = await exportsOf(entry);
  checkEntryPoints(entryPoints, await sidebarFunctions());

  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName: GLOBAL_NAME,
    // Google's V8 runtime guide (https://developers.google.com/apps-script/guides/v8-runtime) promises
    // "modern ECMAScript syntax" such as let and const, but names no edition; no source found says
    // ES2020 (?. and ??) runs there. esbuild lowers ES2020 syntax for free, so emit ES2019.
    // test/bundle-platform.test.ts scans dist/Code.js for syntax and globals Apps Script lacks.
    target: 'es2019',
    define: { __WEB_APP_URL__: JSON.stringify(webAppUrl()) },
    platform: 'neutral',
    mainFields: ['module', 'main'],
    minify: false,
    legalComments: 'inline',
    charset: 'utf8',
    write: false,
    outfile: join(DIST, 'Code.js'),
    logLevel: 'warning',
  });
  const bundle = result.outputFiles[0].text;

  const wrappers = entryPoints.map((name) => `function ${name}(...a) { return ${GLOBAL_NAME}.${name}(...a); }`);
  const code =
    bundle.replace(/\s*$/, '\n') +
    '\n// Entry points: Apps Script, triggers and google.script.run call top-level function declarations only.\n' +
    wrappers.join('\n') +
    '\n';

  for (const name of entryPoints) {
    if (!new RegExp(`^function ${name}\\(`, 'm').test(code)) {
      throw new BuildError(`dist/Code.js lacks a top-level declaration of ${name}`);
    }
  }
  writeFileSync(join(DIST, 'Code.js'), code);
  return entryPoints.length;
}

function inline(html, marker, replacement, file) {
  const token = `<!-- INLINE:${marker} -->`;
  const count = html.split(token).length - 1;
  if (count !== 1) throw new BuildError(`${file} must contain the marker ${token} exactly once (found ${count})`);
  // A function replacement: `$&`, `$'` and friends in the bundle must stay literal.
  return html.replace(token, () => replacement);
}

async function buildSidebar() {
  const htmlFile = 'src/ui/sidebar.html';
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/ui/sidebar.ts'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: false,
    charset: 'utf8',
    write: false,
    outfile: 'sidebar.js',
    logLevel: 'warning',
  });
  // Keep the inline script from closing its own <script> element.
  const js = result.outputFiles[0].text.replace(/<\/(script)/gi, '<\\/$1');
  const css = readFileSync(join(ROOT, 'src/ui/sidebar.css'), 'utf8').replace(/<\/(style)/gi, '<\\/$1');
  let html = readFileSync(join(ROOT, htmlFile), 'utf8');
  html = inline(html, 'CSS', `<style>\n${css.trimEnd()}\n</style>`, htmlFile);
  html = inline(html, 'JS', `<script>\n${js.trimEnd()}\n</script>`, htmlFile);
  const leftover = html.match(/<!-- INLINE:[^>]*-->/);
  if (leftover) throw new BuildError(`${htmlFile} has an unknown marker ${leftover[0]}`);
  writeFileSync(join(DIST, 'Sidebar.html'), html);
}

async function buildLocalServer() {
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['local/start.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['gas-local', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
    sourcemap: 'inline',
    outfile: join(BUILD, 'start.cjs'),
    logLevel: 'warning',
  });
}

async function main() {
  const started = Date.now();
  cleanOutDir();

  const entryPointCount = await buildCode();
  copyFileSync(join(ROOT, 'appsscript.json'), join(DIST, 'appsscript.json'));
  await buildSidebar();
  if (!ARGS.outdir) await buildLocalServer();

  const files = readdirSync(DIST).sort();
  if (files.join(',') !== [...DIST_FILES].sort().join(',')) {
    throw new BuildError(`dist/ must hold exactly ${DIST_FILES.join(', ')}; it holds ${files.join(', ')}`);
  }
  const outputs = DIST_FILES.map((f) => rel(join(DIST, f)));
  if (!ARGS.outdir) outputs.push(rel(join(BUILD, 'start.cjs')));
  // A progress line: stderr, so a command piping `npm run -s bench -- --json` gets JSON alone on stdout.
  console.error(`build: ${outputs.join(', ')} (${entryPointCount} entry points, ${Date.now() - started} ms)`);
}

main().catch((err) => {
  if (err instanceof BuildError) {
    console.error(`build failed: ${err.message}`);
  } else if (err && Array.isArray(err.errors)) {
    console.error('build failed: esbuild reported errors (see above)');
  } else {
    console.error('build failed:', err);
  }
  process.exit(1);
});
