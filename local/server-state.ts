/**
 * The `npm start` server's saved workbook: DATA_DIR/state.json, loaded at start, written atomically,
 * and saved once shortly after a burst of requests rather than once per request.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalRuntime } from './runtime';

export const STATE_FILE = 'state.json';
/** How long after the last request the workbook is saved. */
const PERSIST_DELAY_MS = 200;

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
  try {
    // Make the rename itself durable (best effort: not every platform can fsync a directory).
    const dirFd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    /* ignore */
  }
}

/** The manifest's time zone (dist/appsscript.json), which the runtime reports as the script's. */
export function readManifestTimeZone(distDir: string): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(distDir, 'appsscript.json'), 'utf8'));
    return typeof manifest.timeZone === 'string' ? manifest.timeZone : undefined;
  } catch {
    return undefined;
  }
}

/** The saved workbook when `stateFile` exists, else a new runtime holding one spreadsheet named `spreadsheetName`. */
export function loadRuntime(
  stateFile: string,
  options: { timeZone?: string; scriptUrl: string },
  spreadsheetName: string,
  log: (message: string) => void,
): LocalRuntime {
  if (fs.existsSync(stateFile)) {
    const runtime = LocalRuntime.fromJSON(JSON.parse(fs.readFileSync(stateFile, 'utf8')), options);
    log(`Loaded state from ${stateFile}`);
    return runtime;
  }
  const runtime = new LocalRuntime(options);
  runtime.createSpreadsheet(spreadsheetName);
  return runtime;
}

export interface StateSaver {
  /** Writes the workbook now. */
  save(): void;
  /** Schedules a save PERSIST_DELAY_MS from now, replacing one already scheduled. */
  persist(): void;
  /** Writes a scheduled save now (on close); does nothing when none is pending. */
  flush(): void;
}

/**
 * Saving rewrites the whole workbook, so a burst of requests is saved once, PERSIST_DELAY_MS after
 * the last one (and on close), instead of once per request: the cost per delivery stays flat.
 */
export function stateSaver(runtime: LocalRuntime, stateFile: string): StateSaver {
  const save = () => writeFileAtomic(stateFile, JSON.stringify(runtime.toJSON()));
  let pending: NodeJS.Timeout | null = null;
  return {
    save,
    persist: () => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => {
        pending = null;
        save();
      }, PERSIST_DELAY_MS);
    },
    flush: () => {
      if (!pending) return;
      clearTimeout(pending);
      pending = null;
      save();
    },
  };
}
