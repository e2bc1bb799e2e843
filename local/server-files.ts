/** Files of the `npm start` server's DATA_DIR: atomic writes, durable renames, and moving a bad file aside. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A data file the server cannot use; the message names it and the way out, and the file was moved aside. */
export class DataFileError extends Error {}

/** Write-then-rename so a crash never leaves a half-written state.json. */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/** Makes a rename or a new file in `dir` durable (best effort: not every platform can fsync a directory). */
export function fsyncDir(dir: string): void {
  try {
    const dirFd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    /* ignore */
  }
}

/** Renames `file` to `<file>.corrupt-<time>` (a new name, never an existing file) and returns that name. */
export function moveAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let aside = `${file}.corrupt-${stamp}`;
  for (let n = 2; fs.existsSync(aside); n += 1) aside = `${file}.corrupt-${stamp}-${n}`;
  fs.renameSync(file, aside);
  fsyncDir(path.dirname(file));
  return aside;
}
