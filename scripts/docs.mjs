#!/usr/bin/env node
// `npm run docs`: writes docs/fields.md from scripts/field-reference.ts (bundled on the fly by esbuild); `--check` only compares.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = join(ROOT, 'docs', 'fields.md');

// The generator imports the TypeScript hook registry and its JSON examples; Node cannot load those
// directly, so bundle it to one ESM file in .build/ (gitignored) and import that.
const bundle = join(ROOT, '.build', `field-reference-${process.pid}.mjs`);
mkdirSync(dirname(bundle), { recursive: true });
await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ['scripts/field-reference.ts'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: bundle,
  logLevel: 'warning',
});
let text;
try {
  const { renderFieldReference } = await import(pathToFileURL(bundle).href);
  text = renderFieldReference();
} finally {
  rmSync(bundle, { force: true });
}

if (process.argv.includes('--check')) {
  let current = null;
  try {
    current = readFileSync(TARGET, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('docs/fields.md is out of date with src/core/hooks.ts and src/core/examples/: run npm run docs');
    process.exit(1);
  }
  console.log('docs/fields.md is up to date.');
} else {
  writeFileSync(TARGET, text);
  console.log(`Wrote ${TARGET.slice(ROOT.length + 1)} (${text.split('\n').length - 1} lines).`);
}
