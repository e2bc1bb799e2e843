// Google's wall time per service call: the cost table of the latency profile, each row with its source or marked as an assumption.

/**
 * How a row was settled. M: measured by the cited source. D: derived from a cited measurement (the
 * arithmetic is in `note`). A: an assumption, no published figure found; `range` gives the span the
 * table's value was picked from. Each row names its source; the collected
 * public measurements are tabled in docs/performance.md ("Cost table").
 */
export type Basis = 'M' | 'D' | 'A';

/** One priced call: `ms` fixed, plus `perCell` ms for each cell it reads, scans or commits. */
export interface CostRow {
  /** "Class.method" as the call counter names it, or a pseudo-call such as "execution.start". */
  call: string;
  ms: number;
  perCell?: number;
  basis: Basis;
  /** [min, max] ms: the published min/max for M rows, the assumed span for A rows. */
  range: [number, number];
  source: string;
  note?: string;
}

const ZIRITIONE = 'ziritione.org/post/apps_script_performance (100 runs, min/avg/max)';
const TANAIKECH_TF = 'github.com/tanaikech/Gemini-Powered-Dynamic-Pseudo-RAG-for-Efficient-Script-Generation (2024, V8)';
const SO_FLUSH = 'Stack Overflow answer mirrored at ruby-bash.developreference.com/article/29263774 (~2013)';
const BUGBUGNOW = 'bugbugnow.net/2019/03/GoogleAppsScript-speed-up.html (2019)';
const NONE = 'none found (assumption)';

/** The cost table. Calls absent from it cost nothing (handles, builders and in-process utilities: see FREE). */
export const COST_TABLE: readonly CostRow[] = [
  // Execution: the part of a web app request that holds an execution slot, and the part only the sender waits for.
  {
    call: 'execution.start',
    ms: 300,
    basis: 'A',
    range: [100, 1500],
    source: NONE,
    note: 'V8 load of the bundle and dispatch to doPost; inside the execution slot. Worked estimate of apps-script-latency.md §3 puts load + redirect at 800.',
  },
  {
    call: 'execution.response',
    ms: 500,
    basis: 'A',
    range: [300, 1500],
    source: 'github.com/daniele-athome/airborne/pull/124 (4-7 s end to end with real work)',
    note: "The 302 and the sender's GET of the echo URL, after doPost returned: outside the slot, inside what the sender waits for.",
  },
  // Properties and cache.
  { call: 'Properties.getProperty', ms: 30, basis: 'M', range: [20, 84], source: ZIRITIONE },
  {
    call: 'Properties.getProperties',
    ms: 30,
    basis: 'A',
    range: [20, 84],
    source: ZIRITIONE,
    note: 'priced as getProperty (the collected notes: "getProperties() A ≈ same")',
  },
  { call: 'Properties.getKeys', ms: 30, basis: 'A', range: [20, 84], source: ZIRITIONE, note: 'priced as getProperty' },
  { call: 'Properties.setProperty', ms: 62, basis: 'M', range: [43, 231], source: ZIRITIONE },
  { call: 'Properties.setProperties', ms: 62, basis: 'A', range: [43, 231], source: ZIRITIONE, note: 'priced as setProperty' },
  { call: 'Properties.deleteProperty', ms: 62, basis: 'A', range: [43, 231], source: ZIRITIONE, note: 'priced as setProperty' },
  { call: 'Properties.deleteAllProperties', ms: 62, basis: 'A', range: [43, 231], source: ZIRITIONE, note: 'priced as setProperty' },
  { call: 'Cache.get', ms: 3, basis: 'M', range: [3, 7], source: ZIRITIONE },
  { call: 'Cache.getAll', ms: 3, basis: 'A', range: [3, 20], source: ZIRITIONE, note: 'priced as get' },
  { call: 'Cache.put', ms: 93, basis: 'M', range: [73, 281], source: ZIRITIONE },
  { call: 'Cache.putAll', ms: 93, basis: 'A', range: [73, 281], source: ZIRITIONE, note: 'priced as put' },
  { call: 'Cache.remove', ms: 93, basis: 'A', range: [73, 281], source: ZIRITIONE, note: 'priced as put' },
  { call: 'Cache.removeAll', ms: 93, basis: 'A', range: [73, 281], source: ZIRITIONE, note: 'priced as put' },
  // Lock.
  { call: 'Lock.tryLock', ms: 50, basis: 'A', range: [20, 100], source: NONE, note: 'uncontended; a contended wait adds the real wait' },
  { call: 'Lock.waitLock', ms: 50, basis: 'A', range: [20, 100], source: NONE, note: 'as tryLock' },
  { call: 'Lock.releaseLock', ms: 30, basis: 'A', range: [20, 50], source: NONE },
  { call: 'Lock.hasLock', ms: 20, basis: 'A', range: [5, 50], source: NONE },
  // Spreadsheet: opening and structure.
  { call: 'SpreadsheetApp.openById', ms: 300, basis: 'A', range: [150, 400], source: NONE },
  { call: 'SpreadsheetApp.getActive', ms: 50, basis: 'A', range: [5, 150], source: NONE },
  { call: 'SpreadsheetApp.getActiveSpreadsheet', ms: 50, basis: 'A', range: [5, 150], source: NONE },
  { call: 'Spreadsheet.getSheetByName', ms: 20, basis: 'A', range: [5, 50], source: NONE },
  { call: 'Spreadsheet.getSheets', ms: 20, basis: 'A', range: [5, 50], source: NONE },
  { call: 'Spreadsheet.insertSheet', ms: 300, basis: 'A', range: [150, 600], source: NONE },
  { call: 'Spreadsheet.getSpreadsheetTimeZone', ms: 20, basis: 'A', range: [5, 50], source: NONE },
  {
    call: 'Sheet.getLastRow',
    ms: 160,
    basis: 'M',
    range: [100, 200],
    source: BUGBUGNOW,
    note: '1,000 calls in a loop took 160 s (Rhino era)',
  },
  { call: 'Sheet.getLastColumn', ms: 160, basis: 'A', range: [100, 200], source: BUGBUGNOW, note: 'priced as getLastRow' },
  { call: 'Sheet.getMaxRows', ms: 160, basis: 'A', range: [100, 200], source: BUGBUGNOW, note: 'priced as getLastRow' },
  { call: 'Sheet.getMaxColumns', ms: 160, basis: 'A', range: [100, 200], source: BUGBUGNOW, note: 'priced as getLastRow' },
  { call: 'Sheet.appendRow', ms: 200, basis: 'A', range: [100, 300], source: NONE },
  { call: 'Sheet.insertRowsAfter', ms: 300, basis: 'A', range: [100, 600], source: NONE },
  { call: 'Sheet.insertColumnsAfter', ms: 300, basis: 'A', range: [100, 600], source: NONE },
  { call: 'Sheet.deleteRows', ms: 300, basis: 'A', range: [100, 600], source: NONE },
  { call: 'Sheet.setFrozenRows', ms: 30, basis: 'A', range: [10, 50], source: SO_FLUSH, note: 'a buffered write, priced as setValues' },
  // Spreadsheet: values. Writes are buffered; a read or flush commits them (see COMMIT below).
  {
    call: 'Range.getValues',
    ms: 100,
    perCell: 0.012,
    basis: 'D',
    range: [50, 150],
    source: `${TANAIKECH_TF}; ${BUGBUGNOW}`,
    note: 'getValues + loop over 1M cells took ~12,000 ms → 0.012 ms a cell; the fixed part is the cold single read, 50-150 (A)',
  },
  {
    call: 'Range.getValue',
    ms: 100,
    basis: 'A',
    range: [3, 150],
    source: BUGBUGNOW,
    note: 'cold single read 50-150 (A); 3 ms measured only inside a read-ahead loop',
  },
  {
    call: 'Range.getDisplayValues',
    ms: 100,
    perCell: 0.012,
    basis: 'D',
    range: [50, 150],
    source: TANAIKECH_TF,
    note: 'priced as getValues',
  },
  { call: 'Range.getDisplayValue', ms: 100, basis: 'A', range: [3, 150], source: BUGBUGNOW, note: 'priced as getValue' },
  { call: 'Range.getFormulas', ms: 100, perCell: 0.012, basis: 'D', range: [50, 150], source: TANAIKECH_TF, note: 'priced as getValues' },
  {
    call: 'Range.setValues',
    ms: 30,
    basis: 'M',
    range: [10, 50],
    source: SO_FLUSH,
    note: '4,000 cells under 50 ms: buffered until a read or flush',
  },
  { call: 'Range.setValue', ms: 30, basis: 'A', range: [10, 50], source: SO_FLUSH, note: 'priced as setValues' },
  { call: 'Range.setFontWeight', ms: 30, basis: 'A', range: [10, 50], source: SO_FLUSH, note: 'a buffered format write' },
  { call: 'Range.setNumberFormat', ms: 30, basis: 'A', range: [10, 50], source: SO_FLUSH, note: 'a buffered format write' },
  { call: 'Range.setNumberFormats', ms: 30, basis: 'A', range: [10, 50], source: SO_FLUSH, note: 'a buffered format write' },
  {
    call: 'TextFinder.findAll',
    ms: 50,
    perCell: 0.002,
    basis: 'D',
    range: [30, 2000],
    source: TANAIKECH_TF,
    note: 'openById + getSheetByName + findAll over 100,000 x 10 cells took ~2,000 ms → 0.002 ms a scanned cell',
  },
  {
    call: 'TextFinder.findNext',
    ms: 50,
    perCell: 0.002,
    basis: 'D',
    range: [30, 2000],
    source: TANAIKECH_TF,
    note: 'priced as findAll (worst case: no match scans the whole range)',
  },
  {
    call: 'SpreadsheetApp.flush',
    ms: 20,
    basis: 'A',
    range: [5, 50],
    source: SO_FLUSH,
    note: 'with nothing pending; with pending writes add COMMIT',
  },
  // Triggers and session.
  { call: 'ScriptApp.getProjectTriggers', ms: 200, basis: 'A', range: [100, 400], source: NONE },
  { call: 'ScriptApp.deleteTrigger', ms: 300, basis: 'A', range: [200, 500], source: NONE },
  { call: 'ClockTriggerBuilder.create', ms: 350, basis: 'A', range: [200, 500], source: NONE },
  { call: 'Session.getEffectiveUser', ms: 20, basis: 'A', range: [5, 50], source: NONE },
  { call: 'User.getEmail', ms: 20, basis: 'A', range: [5, 50], source: NONE },
  // In-process work priced above zero.
  { call: 'Utilities.computeDigest', ms: 5, basis: 'A', range: [1, 5], source: NONE },
  { call: 'Utilities.gzip', ms: 5, basis: 'A', range: [1, 20], source: NONE },
  { call: 'Utilities.ungzip', ms: 5, basis: 'A', range: [1, 20], source: NONE },
  { call: 'ContentService.createTextOutput', ms: 1, basis: 'A', range: [0, 5], source: NONE },
];

/**
 * The commit of buffered writes: charged by SpreadsheetApp.flush, and by any read while writes are
 * pending ("reads commit the write cache": googleappsscript.blogspot.com/2010/06/optimizing-spreadsheet-operations.html).
 * 150 + 0.1 ms a cell gives ~550 ms after a 4,000-cell write, the ~560 ms measured by SO_FLUSH.
 */
export const COMMIT: CostRow = {
  call: 'commit',
  ms: 150,
  perCell: 0.1,
  basis: 'D',
  range: [100, 600],
  source: SO_FLUSH,
  note: '~560 ms flush after a 4,000-cell setValues',
};

/** Calls that read from the spreadsheet, so they commit pending writes first. */
export const READS = new Set([
  'Range.getValues',
  'Range.getValue',
  'Range.getDisplayValues',
  'Range.getDisplayValue',
  'Range.getFormulas',
  'Range.getFormula',
  'Sheet.getLastRow',
  'Sheet.getLastColumn',
  'Sheet.getMaxRows',
  'Sheet.getMaxColumns',
  'TextFinder.findAll',
  'TextFinder.findNext',
]);

/** Calls priced at 0: handles and builders made in the script, and in-process utilities (A: they move no data). */
export const FREE_CLASSES = [
  'Utilities.',
  'ContentService.',
  'TextOutput.',
  'Logger.',
  'console.',
  'Blob.',
  'HtmlService.',
  'HtmlOutput.',
  'HtmlTemplate.',
];

/** Calls of a spreadsheet class not in the table: priced as a single read (A). */
const SPREADSHEET_DEFAULT: CostRow = { call: 'default', ms: 50, basis: 'A', range: [5, 150], source: NONE };
const SPREADSHEET_CLASSES = ['SpreadsheetApp.', 'Spreadsheet.', 'Sheet.'];
const HANDLES = new Set([
  'Sheet.getRange',
  'Sheet.getName',
  'Sheet.getSheetId',
  'Spreadsheet.getId',
  'Spreadsheet.getName',
  'Spreadsheet.getUrl',
  'SpreadsheetApp.getUi',
  'Sheet.getParent',
]);

/** The table as a lookup. */
export const COSTS: ReadonlyMap<string, CostRow> = new Map(COST_TABLE.map((r) => [r.call, r]));

/** The latency model the runtime charges with. */
export interface LatencyProfile {
  /** Modeled ms of one call: `cells` are those it read, scanned or (for commits) had pending. */
  cost(call: string, cells: number): number;
  /** Modeled ms of committing `pending` buffered cells. */
  commit(pending: number): number;
  /** Modeled ms of a pseudo-call such as execution.start. */
  fixed(name: 'execution.start' | 'execution.response'): number;
}

/** Google's latency by COST_TABLE. */
export const GOOGLE_PROFILE: LatencyProfile = {
  cost(call: string, cells: number): number {
    const row = COSTS.get(call);
    if (row) return row.ms + (row.perCell ?? 0) * cells;
    if (HANDLES.has(call) || FREE_CLASSES.some((c) => call.startsWith(c))) return 0;
    // Range handles and range metadata (getRow, getA1Notation, …) are made in the script; other Range data calls not listed cost a write.
    if (call.startsWith('Range.')) return call.startsWith('Range.get') || call === 'Range.createTextFinder' ? 0 : 30;
    if (SPREADSHEET_CLASSES.some((c) => call.startsWith(c))) return SPREADSHEET_DEFAULT.ms;
    return 0;
  },
  commit(pending: number): number {
    return pending > 0 ? COMMIT.ms + (COMMIT.perCell ?? 0) * pending : 0;
  },
  fixed(name): number {
    return COSTS.get(name)!.ms;
  },
};
