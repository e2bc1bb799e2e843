// EmbeddedChartBuilder and EmbeddedChart: charts of a sheet, kept in its model (SheetModel.charts).
import { instrument, Service } from './calls';
import { copyChart, type ChartModel } from './model';
import { RangeImpl } from './range';
import type { SharedState } from './shared-state';
import type { SheetHandle } from './sheet-handle';

// Sheet.newChart / insertChart / getCharts / updateChart / removeChart and the EmbeddedChartBuilder
// (https://developers.google.com/apps-script/reference/spreadsheet/embedded-chart-builder). Only what is
// needed to check a chart's type, options, position and source ranges: nothing is drawn, ranges are
// kept as cell coordinates (they do not follow inserted rows). Charts live in SheetModel.charts and are saved with the state.

/** The builder behind newChart() and modify(); the as…Chart() variants set the type and return the same builder. */
export class EmbeddedChartBuilderImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    readonly __sheet: SheetHandle,
    readonly __m: ChartModel,
  ) {
    super(rt);
    Object.defineProperty(this, '__sheet', { enumerable: false });
    Object.defineProperty(this, '__m', { enumerable: false });
  }
  private _self(): any {
    return this;
  }
  addRange(range: GoogleAppsScript.Spreadsheet.Range): any {
    const r = range as unknown as RangeImpl;
    this.__m.ranges.push({ r: r.__r, c: r.__c, nr: r.__nr, nc: r.__nc });
    return this._self();
  }
  removeRange(range: GoogleAppsScript.Spreadsheet.Range): any {
    const r = range as unknown as RangeImpl;
    this.__m.ranges = this.__m.ranges.filter((x) => !(x.r === r.__r && x.c === r.__c && x.nr === r.__nr && x.nc === r.__nc));
    return this._self();
  }
  clearRanges(): any {
    this.__m.ranges = [];
    return this._self();
  }
  setChartType(type: unknown): any {
    this.__m.type = String(type);
    return this._self();
  }
  getChartType(): string {
    return this.__m.type;
  }
  asAreaChart(): any {
    return this.setChartType('AREA');
  }
  asBarChart(): any {
    return this.setChartType('BAR');
  }
  asColumnChart(): any {
    return this.setChartType('COLUMN');
  }
  asLineChart(): any {
    return this.setChartType('LINE');
  }
  asPieChart(): any {
    return this.setChartType('PIE');
  }
  asTableChart(): any {
    return this.setChartType('TABLE');
  }
  setOption(option: string, value: unknown): any {
    this.__m.options[String(option)] = value;
    return this._self();
  }
  setPosition(anchorRowPos: number, anchorColPos: number, offsetX: number, offsetY: number): any {
    this.__m.position = { row: anchorRowPos, column: anchorColPos, offsetX, offsetY };
    return this._self();
  }
  getRanges(): GoogleAppsScript.Spreadsheet.Range[] {
    return chartRanges(this.__rt, this.__sheet, this.__m);
  }
  build(): GoogleAppsScript.Spreadsheet.EmbeddedChart {
    return new EmbeddedChartImpl(this.__rt, this.__sheet, copyChart(this.__m)) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChart;
  }
}

function chartRanges(rt: SharedState, sheet: SheetHandle, m: ChartModel): GoogleAppsScript.Spreadsheet.Range[] {
  return rt.array(
    m.ranges.map(
      (x) => new RangeImpl(rt, sheet, sheet.__sh, x.r, x.c, x.nr, x.nc, 'cells') as unknown as GoogleAppsScript.Spreadsheet.Range,
    ),
  );
}

/** A built chart: in a sheet once inserted (then it has an id), or a detached value from build(). */
export class EmbeddedChartImpl extends Service<SharedState> {
  constructor(
    rt: SharedState,
    readonly __sheet: SheetHandle,
    readonly __m: ChartModel,
  ) {
    super(rt);
    Object.defineProperty(this, '__sheet', { enumerable: false });
    Object.defineProperty(this, '__m', { enumerable: false });
  }
  /** null until the chart is in a spreadsheet (https://developers.google.com/apps-script/reference/spreadsheet/embedded-chart#getchartid). */
  getChartId(): number | null {
    return this.__m.id;
  }
  getRanges(): GoogleAppsScript.Spreadsheet.Range[] {
    return chartRanges(this.__rt, this.__sheet, this.__m);
  }
  /** The chart's type and options as plain data (the real getOptions() returns a ChartOptions object). */
  getOptions(): { get(option: string): unknown } {
    const options = { ...this.__m.options };
    return { get: (option: string) => options[option] ?? null };
  }
  getType(): string {
    return this.__m.type;
  }
  getContainerInfo(): { getAnchorRow(): number; getAnchorColumn(): number; getOffsetX(): number; getOffsetY(): number } {
    const p = this.__m.position;
    return { getAnchorRow: () => p.row, getAnchorColumn: () => p.column, getOffsetX: () => p.offsetX, getOffsetY: () => p.offsetY };
  }
  modify(): GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder {
    return new EmbeddedChartBuilderImpl(
      this.__rt,
      this.__sheet,
      copyChart(this.__m),
    ) as unknown as GoogleAppsScript.Spreadsheet.EmbeddedChartBuilder;
  }
}

instrument(EmbeddedChartBuilderImpl, 'EmbeddedChartBuilder');
instrument(EmbeddedChartImpl, 'EmbeddedChart');
