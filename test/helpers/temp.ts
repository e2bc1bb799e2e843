/** Temporary folders for a test file, removed together, and builds of the bundle into one of them. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const made: string[] = [];

/** A new empty folder under the system's temporary folder. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder tempDir made in this test file (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Builds the Apps Script files into `dir` instead of dist/, so a suite never races others on dist/; `args` go to build.mjs. */
export function buildInto(dir: string, args: string[] = []): void {
  execFileSync(process.execPath, ['build.mjs', '--outdir', dir, ...args], { cwd: ROOT, stdio: 'pipe' });
}
