/** Build facts: src/core type-checks without Apps Script types, and clasp pushes exactly dist/. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function typecheckCoreWith(source: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'core-typecheck-'));
  fs.writeFileSync(path.join(dir, 'probe.ts'), source);
  // The same compiler options as src/core/tsconfig.json (types: []), over one probe file.
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: path.join(ROOT, 'src/core/tsconfig.json'), include: ['probe.ts'] }),
  );
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir, '--noEmit'], {
    encoding: 'utf8',
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('src/core has no Apps Script types', () => {
  it('fails on a SpreadsheetApp reference', () => {
    const r = typecheckCoreWith(`export const id = SpreadsheetApp.getActive().getId();\n`);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/Cannot find name 'SpreadsheetApp'/);
  }, 60000);
  it('passes plain TypeScript, so the failure above is about the missing global', () => {
    const r = typecheckCoreWith(`export const n: number = [1, 2].length;\n`);
    expect([r.status, r.output]).toEqual([0, '']);
  }, 60000);
});

describe('what clasp pushes', () => {
  it('clasp show-file-status lists exactly the three files of dist/', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/Code.js'))).toBe(true); // npm test builds before jest
    const run = spawnSync(path.join(ROOT, 'node_modules/.bin/clasp'), ['show-file-status'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, HOME: os.tmpdir() },
    });
    expect(run.status).toBe(0);
    const tracked = run.stdout
      .split('Untracked files:')[0]
      .split('\n')
      .filter((l) => l.includes('dist/'))
      .map((l) => l.replace(/^\W+/, '').trim());
    expect(tracked.sort()).toEqual(['dist/Code.js', 'dist/Sidebar.html', 'dist/appsscript.json']);
  }, 60000);
});
