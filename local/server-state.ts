/**
 * The `npm start` server's saved workbook: DATA_DIR/state.json (a snapshot, written atomically) plus
 * DATA_DIR/journal.ndjson (every POST /exec since that snapshot, on disk before it is answered).
 * At start the snapshot is loaded and the journal entries after it are run again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalRuntime, type RuntimeState } from './runtime';
import { DataFileError, moveAside, writeFileAtomic } from './server-files';
import { Journal, JOURNAL_FILE } from './server-journal';

export { DataFileError, JOURNAL_FILE };
export const STATE_FILE = 'state.json';
/** A snapshot follows the first unsaved request by at most this long, however many requests follow it. */
export const SNAPSHOT_INTERVAL_MS = 2000;
/** A journal this large is folded into a snapshot at once, so a restart never replays much. */
const SNAPSHOT_JOURNAL_BYTES = 16 * 1024 * 1024;

/** The manifest's time zone (dist/appsscript.json), which the runtime reports as the script's. */
export function readManifestTimeZone(distDir: string): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(distDir, 'appsscript.json'), 'utf8'));
    return typeof manifest.timeZone === 'string' ? manifest.timeZone : undefined;
  } catch {
    return undefined;
  }
}

/** What state.json holds: the runtime's state and the last journal entry already in it. */
type Snapshot = RuntimeState & { journalSeq?: number };

export interface LoadedState {
  runtime: LocalRuntime;
  /** The journal entries with a higher sequence number are not in the snapshot yet. */
  journalSeq: number;
}

/**
 * The saved workbook when `stateFile` exists, else a new runtime holding one spreadsheet named
 * `spreadsheetName`. An unreadable state.json is moved aside with the journal beside it (whose
 * entries build on it), and the start fails with a message naming both and the way out.
 */
export function loadRuntime(
  stateFile: string,
  options: { timeZone?: string; scriptUrl: string },
  spreadsheetName: string,
  log: (message: string) => void,
): LoadedState {
  if (fs.existsSync(stateFile)) {
    let snapshot: Snapshot;
    let runtime: LocalRuntime;
    try {
      snapshot = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Snapshot;
      if (!snapshot || typeof snapshot !== 'object' || !Array.isArray(snapshot.spreadsheets)) throw new Error('it holds no spreadsheets');
      runtime = LocalRuntime.fromJSON(snapshot, options);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const aside = moveAside(stateFile);
      const journalFile = path.join(path.dirname(stateFile), JOURNAL_FILE);
      const journalAside = fs.existsSync(journalFile) ? moveAside(journalFile) : null;
      throw new DataFileError(
        `${stateFile} is not a saved workbook (${reason}). It was moved to ${aside}` +
          (journalAside ? ` and the journal of later requests to ${journalAside}` : '') +
          `. Start again to begin with an empty workbook, or repair the moved file and rename it back to ${stateFile}` +
          (journalAside ? ` (with the journal back to ${journalFile})` : '') +
          ' before starting.',
      );
    }
    log(`Loaded state from ${stateFile}`);
    const seq = snapshot.journalSeq;
    return { runtime, journalSeq: Number.isSafeInteger(seq) && (seq as number) > 0 ? (seq as number) : 0 };
  }
  const runtime = new LocalRuntime(options);
  runtime.createSpreadsheet(spreadsheetName);
  return { runtime, journalSeq: 0 };
}

/**
 * Keeps the workbook on disk. Each POST /exec is appended to the journal and fsync'd before it is
 * answered (one fsync for every request that arrived in the same event-loop tick); the whole
 * workbook is written as a snapshot SNAPSHOT_INTERVAL_MS after the first request it lacks (a stream
 * of requests cannot push it back), or at once when the journal passes SNAPSHOT_JOURNAL_BYTES.
 */
export class StateStore {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly stateFile: string,
    private readonly journal: Journal,
  ) {}

  /** Appends one executed POST /exec to the journal; returns its sequence number for durable(). */
  record(request: { url: string; contentType?: string; body: string }): number {
    const seq = this.journal.append(request);
    if (this.journal.bytes >= SNAPSHOT_JOURNAL_BYTES) this.snapshot();
    else if (!this.timer) this.timer = setTimeout(() => this.snapshot(), SNAPSHOT_INTERVAL_MS);
    return seq;
  }

  /** Resolves once the request `seq` is on disk (in the fsync'd journal or in a snapshot). */
  durable(seq: number): Promise<void> {
    return this.journal.durable(seq);
  }

  /** Writes the workbook now (atomically, fsync'd) and empties the journal it now contains. */
  snapshot(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const state: Snapshot = { ...this.runtime.toJSON(), journalSeq: this.journal.seq };
    writeFileAtomic(this.stateFile, JSON.stringify(state));
    this.journal.folded();
  }

  /** Waits for pending fsyncs, writes a last snapshot and closes the journal. */
  async close(): Promise<void> {
    await this.journal.durable(this.journal.seq).catch(() => undefined);
    this.snapshot();
    this.journal.close();
  }
}
