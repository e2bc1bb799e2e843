/** Jest globalSetup: the whole run gets a temp folder of its own (TMPDIR), so the teardown can tell what the suite left behind. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Folder names of runs: the pid of the Jest process that made one comes first. */
export const RUN_PREFIX = 'iclosed-jest-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default function setup(): void {
  const parent = os.tmpdir();
  // A run that was killed never reached its teardown: its folder goes now.
  for (const name of fs.readdirSync(parent)) {
    const m = new RegExp(`^${RUN_PREFIX}(\\d+)-`).exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(parent, `${RUN_PREFIX}${process.pid}-`));
  // Workers start after this and inherit the environment; os.tmpdir() reads TMPDIR on every call.
  process.env.TMPDIR = dir;
  process.env.ICLOSED_TEST_TMP = dir;
}
