/**
 * The `npm start` server's write-ahead journal: DATA_DIR/journal.ndjson, one JSON line per executed
 * POST /exec (sequence number, request target, content type, body), fsync'd in groups before the
 * requests are answered, emptied whenever a snapshot (state.json) takes its entries in.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataFileError, fsyncDir, moveAside } from './server-files';

export const JOURNAL_FILE = 'journal.ndjson';

/** One executed request, as it came: run again through invokeWebApp at start. */
export interface JournalEntry {
  seq: number;
  method: 'POST';
  url: string;
  contentType?: string;
  body: string;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Journal {
  /** The last sequence number appended. */
  seq: number;
  /** The journal's size on disk. */
  bytes: number;
  private readonly fd: number;
  private synced: number;
  private syncing = false;
  private scheduled = false;
  private waiters: Waiter[] = [];

  constructor(file: string, lastSeq: number) {
    this.fd = fs.openSync(file, 'a');
    fsyncDir(path.dirname(file));
    this.bytes = fs.fstatSync(this.fd).size;
    this.seq = lastSeq;
    this.synced = lastSeq;
  }

  /** Appends one request (synchronously, to the page cache); durable() waits for it to reach the disk. */
  append(request: { url: string; contentType?: string; body: string }): number {
    this.seq += 1;
    const entry: JournalEntry = { seq: this.seq, method: 'POST', url: request.url, contentType: request.contentType, body: request.body };
    const line = `${JSON.stringify(entry)}\n`;
    fs.writeSync(this.fd, line);
    this.bytes += Buffer.byteLength(line);
    return this.seq;
  }

  /**
   * Resolves once entry `seq` is fsync'd. Requests answered in the same event-loop tick share one
   * fsync (group commit): the sync starts on the next setImmediate and covers everything appended
   * by then; requests appended while it runs wait for the following one.
   */
  durable(seq: number): Promise<void> {
    if (seq <= this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.sync();
        });
      }
    });
  }

  private sync(): void {
    if (this.syncing || this.waiters.length === 0) return;
    this.syncing = true;
    const target = this.seq;
    fs.fsync(this.fd, (err) => {
      this.syncing = false;
      if (!err) this.synced = Math.max(this.synced, target);
      const done = this.waiters.filter((w) => w.seq <= target);
      this.waiters = this.waiters.filter((w) => w.seq > target);
      for (const w of done) {
        if (err) w.reject(err);
        else w.resolve();
      }
      this.sync();
    });
  }

  /** A snapshot now holds every entry: empty the file and release whoever waits. */
  folded(): void {
    fs.ftruncateSync(this.fd, 0);
    this.bytes = 0;
    this.synced = this.seq;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.resolve();
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function isEntry(value: unknown): value is JournalEntry {
  const e = value as JournalEntry;
  return (
    !!e &&
    typeof e === 'object' &&
    Number.isSafeInteger(e.seq) &&
    e.method === 'POST' &&
    typeof e.url === 'string' &&
    typeof e.body === 'string' &&
    (e.contentType === undefined || typeof e.contentType === 'string')
  );
}

/**
 * The entries after `afterSeq`, in order. A last line without its newline was cut by a crash while
 * it was written (so never answered) and is left out. Any other bad line moves the journal aside
 * and fails with a message naming it and the way out.
 */
export function readJournal(file: string, afterSeq: number, log: (message: string) => void): { entries: JournalEntry[]; lastSeq: number } {
  if (!fs.existsSync(file)) return { entries: [], lastSeq: afterSeq };
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  if (tail !== '') log(`${file}: left out an incomplete last entry (cut off while written, so never answered).`);
  const entries: JournalEntry[] = [];
  let lastSeq = afterSeq;
  let previous = 0;
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i] === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(lines[i]);
    } catch {
      entry = undefined;
    }
    if (!isEntry(entry) || entry.seq <= previous) {
      const aside = moveAside(file);
      throw new DataFileError(
        `${file} line ${i + 1} is not a journal entry. The journal was moved to ${aside}; the snapshot beside it is untouched. ` +
          `Start again to continue from the snapshot without the requests in the moved journal, or repair it and rename it back to ${file} before starting.`,
      );
    }
    previous = entry.seq;
    if (entry.seq > afterSeq) {
      entries.push(entry);
      lastSeq = entry.seq;
    }
  }
  return { entries, lastSeq };
}
