#!/usr/bin/env node
// Stryker's build step (`npm run mutate`), run inside its sandbox: links node_modules, then builds dist/ from the instrumented sources.
//
// Stryker links the project's node_modules into the sandbox, but skips one that is itself a symbolic link (a git
// worktree sharing another checkout's packages). Suites that run node_modules/.bin tools or copy the project need it.
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const sandbox = process.cwd();
if (!existsSync(join(sandbox, 'node_modules'))) {
  // The sandbox is <project>/<tempDirName>/sandbox-*: the nearest node_modules above it is the project's.
  let dir = dirname(sandbox);
  while (!existsSync(join(dir, 'node_modules')) && dirname(dir) !== dir) dir = dirname(dir);
  const found = join(dir, 'node_modules');
  if (!existsSync(found)) throw new Error(`no node_modules above ${sandbox}`);
  symlinkSync(resolve(found), join(sandbox, 'node_modules'), 'dir');
}
execFileSync(process.execPath, ['build.mjs'], { cwd: sandbox, stdio: 'inherit' });
