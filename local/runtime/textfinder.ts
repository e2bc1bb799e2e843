// TextFinder: one service call that scans displayed values server-side (scanned cells are not "cells read").
import { instrument, Service } from './calls';
import { bufferWrites } from './write-buffer';
import type { SharedState } from './shared-state';
import type { SheetModel } from './model';
import type { SheetHandle } from './sheet-handle';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stripDiacritics(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/**
 * Finds text in a range, row by row. Defaults: case-insensitive, partial match, on DISPLAYED values
 * (https://developers.google.com/apps-script/reference/spreadsheet/text-finder). findNext()/findPrevious()
 * return null when nothing more matches. The scan runs on Google's side in one call, so the cells it
 * looks at are not added to calls.cellsRead (apps-script-facts.md §7).
 */
export class TextFinderImpl extends Service<SharedState> {
  private _matchCase = false;
  private _entire = false;
  private _regex = false;
  private _formulaText = false;
  private _ignoreDiacritics = false;
  /** Linear index (row-major within the range) of the current match; -1 = before the first cell. */
  private _pos = -1;
  constructor(
    rt: SharedState,
    private readonly _sheet: SheetHandle,
    private readonly _sh: SheetModel,
    private readonly _r: number,
    private readonly _c: number,
    private readonly _nr: number,
    private readonly _nc: number,
    private readonly _text: string,
  ) {
    super(rt);
    for (const k of ['_sheet', '_sh', '_r', '_c', '_nr', '_nc', '_text']) Object.defineProperty(this, k, { enumerable: false });
  }
  matchCase(matchCase: boolean): this {
    this._matchCase = !!matchCase;
    return this;
  }
  matchEntireCell(matchEntireCell: boolean): this {
    this._entire = !!matchEntireCell;
    return this;
  }
  useRegularExpression(useRegEx: boolean): this {
    this._regex = !!useRegEx;
    return this;
  }
  matchFormulaText(matchFormulaText: boolean): this {
    this._formulaText = !!matchFormulaText;
    return this;
  }
  ignoreDiacritics(ignoreDiacritics: boolean): this {
    this._ignoreDiacritics = !!ignoreDiacritics;
    return this;
  }
  /** Start after this cell (https://developers.google.com/apps-script/reference/spreadsheet/text-finder#startfromstartrange). */
  startFrom(startRange: GoogleAppsScript.Spreadsheet.Range): this {
    const r = startRange.getRow() - this._r;
    const c = startRange.getColumn() - this._c;
    this._pos = r * this._nc + c;
    return this;
  }
  private _matcher(): (s: string) => boolean {
    const fold = (s: string): string => (this._ignoreDiacritics ? stripDiacritics(s) : s);
    const source = this._regex ? this._text : escapeRegExp(fold(this._text));
    const re = new RegExp(this._entire ? `^(?:${source})$` : source, this._matchCase ? '' : 'i');
    return (s) => s !== '' && re.test(fold(s));
  }
  private _cellText(i: number): string {
    const r = this._r - 1 + Math.floor(i / this._nc);
    const c = this._c - 1 + (i % this._nc);
    if (this._formulaText) {
      const f = this._sh.formula(r, c);
      if (f) return f;
    }
    return this._sh.display(r, c, this._sheet.__wb.timeZone);
  }
  private _rangeAt(i: number): GoogleAppsScript.Spreadsheet.Range {
    return this._sheet.getRange(this._r + Math.floor(i / this._nc), this._c + (i % this._nc));
  }
  /** Indices of cells that can hold content (rows past the last row with content are empty). */
  private _limit(): number {
    const rows = Math.min(this._nr, Math.max(0, this._sh.rows.length - (this._r - 1)));
    return rows * this._nc;
  }
  /** Next match after the current one, or null. */
  findNext(): GoogleAppsScript.Spreadsheet.Range | null {
    const test = this._matcher();
    const end = this._limit();
    for (let i = this._pos + 1; i < end; i++) {
      if (test(this._cellText(i))) {
        this._pos = i;
        return this._rangeAt(i);
      }
    }
    this._pos = this._nr * this._nc;
    return null;
  }
  /** Previous match before the current one, or null. [UNCONFIRMED: from the end when nothing was found yet] */
  findPrevious(): GoogleAppsScript.Spreadsheet.Range | null {
    const test = this._matcher();
    const start = this._pos < 0 ? this._limit() : Math.min(this._pos, this._limit());
    for (let i = start - 1; i >= 0; i--) {
      if (test(this._cellText(i))) {
        this._pos = i;
        return this._rangeAt(i);
      }
    }
    this._pos = -1;
    return null;
  }
  /** Every match, row by row. */
  findAll(): GoogleAppsScript.Spreadsheet.Range[] {
    const test = this._matcher();
    const out: GoogleAppsScript.Spreadsheet.Range[] = [];
    const end = this._limit();
    for (let i = 0; i < end; i++) if (test(this._cellText(i))) out.push(this._rangeAt(i));
    return this.__rt.array(out);
  }
}

instrument(TextFinderImpl, 'TextFinder');
// Reads see the calling execution's view (write-buffer.ts).
bufferWrites(TextFinderImpl);
