/** The script lock around work that is not on the delivery path: menu items, the sidebar, triggers. */
import { ScriptStore } from './store';

/** How long menu and sidebar actions wait for deliveries in progress. */
const ACTION_LOCK_WAIT_MS = 30000;

/**
 * Runs `fn` holding the script lock, with the script properties read after the lock was taken (so
 * nothing another execution wrote meanwhile is missed), and flushes the spreadsheet before releasing
 * it, as the lock documentation asks. Throws Apps Script's lock timeout when the wait runs out.
 */
export function withScriptLock<T>(fn: (store: ScriptStore) => T, waitMs: number = ACTION_LOCK_WAIT_MS): T {
  const lock = LockService.getScriptLock();
  lock.waitLock(waitMs);
  try {
    const result = fn(new ScriptStore());
    SpreadsheetApp.flush();
    return result;
  } finally {
    lock.releaseLock();
  }
}
