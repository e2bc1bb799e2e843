#!/usr/bin/env node
// Runs a TypeScript entry (a benchmark) under Node: bundles it with esbuild into .build/ and runs it with the remaining arguments.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
const outfile = join(ROOT, '.build', `${basename(entry, '.ts')}.cjs`);
mkdirSync(dirname(outfile), { recursive: true });
await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  // gas-local loads files at run time, autocannon has optional native parts and esbuild runs its own binary (the harness bundles its worker): leave them to Node.
  external: ['gas-local', 'autocannon', 'playwright-core', 'esbuild'],
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit', cwd: ROOT });
process.exit(run.status ?? 1);
