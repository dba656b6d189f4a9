/**
 * Showing results: in a tslab notebook as rich output (SVG charts, HTML tables, Markdown, one
 * progress display updated in place); anywhere else (CLI, tests) as plain console lines. tslab's
 * display throws `Not ready` outside a kernel (tslab 1.0.22), which is how the two are told apart.
 */
import * as path from 'path';
import type { TopLevelSpec } from 'vega-lite';
import { figuresPath } from '../io/paths';
import { renderSvg, saveFigure, uniquifySvgIds } from './render';
import {
  escapeHtml,
  formatNumber,
  htmlTable,
  isDataFrameLike,
  tableFromDataFrame,
  tableFromRows,
  textTable,
  type DataFrameLike,
  type TableData,
  type TableOptions,
} from './table';

/** The part of tslab's `Display` used here. */
interface RichDisplay {
  html(s: string): void;
  svg(s: string): void;
  markdown(s: string): void;
}

interface TslabModule {
  display: RichDisplay;
  newDisplay(): RichDisplay;
}

/** tslab, or undefined where it cannot be loaded. Inside a kernel, `require('tslab')` is the kernel's own instance. */
function tslab(): TslabModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('tslab') as TslabModule;
  } catch {
    return undefined;
  }
}

/** Shows rich output through `show`; returns false (and shows nothing) outside a tslab kernel. */
function tryRich(show: (d: RichDisplay) => void, display: RichDisplay | undefined = tslab()?.display): boolean {
  if (display === undefined) return false;
  try {
    show(display);
    return true;
  } catch (e) {
    if (e instanceof Error && e.message === 'Not ready') return false;
    throw e;
  }
}

// ---- charts -----------------------------------------------------------------------------------

/** Figures shown so far in this process; numbers the SVG id prefixes. */
let figureCount = 0;

/** Options of {@link showChart}. */
export interface ShowChartOptions {
  /** Also save `figures/<saveAs>.svg` and `.png` (a name, or an absolute path without extension). */
  readonly saveAs?: string;
}

/**
 * Renders a Vega-Lite spec to SVG and shows it (notebook) or prints a one-line note (CLI);
 * with `saveAs`, writes the SVG and PNG. Resolves to nothing, because tslab prints a cell's last
 * value: a returned SVG would appear again as text under the chart (`renderSvg` gives the text).
 */
export async function showChart(spec: TopLevelSpec, opts: ShowChartOptions = {}): Promise<void> {
  const saved = opts.saveAs !== undefined ? await saveFigure(spec, figurePath(opts.saveAs)) : undefined;
  const svg = saved?.svg ?? (await renderSvg(spec));
  // Notebook HTML inlines every SVG into one page, where ids must be unique across figures.
  if (!tryRich((d) => d.svg(uniquifySvgIds(svg, `fig${++figureCount}`)))) {
    const where = saved !== undefined ? ` -> ${saved.svgPath}, ${saved.pngPath}` : '';
    console.log(`[chart] ${chartTitle(spec)}${where}`);
  }
}

/** `figures/<name>` for a bare name (extension dropped); an absolute path is kept. */
export function figurePath(saveAs: string): string {
  const bare = saveAs.replace(/\.(svg|png)$/i, '');
  return path.isAbsolute(bare) ? bare : figuresPath(bare);
}

function chartTitle(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === 'string') return title;
  if (typeof title === 'object' && title !== null && 'text' in title) return String((title as { text: unknown }).text);
  return '(untitled)';
}

// ---- tables -----------------------------------------------------------------------------------

/** Rows of plain objects, or a danfo DataFrame (get danfo with `loadDanfo()` from `./danfo`, which keeps the tfjs backend). */
export type TableInput = readonly Readonly<Record<string, unknown>>[] | DataFrameLike;

/**
 * Turns rows or a danfo DataFrame into a table. Rows are read directly, not through danfo: danfojs-node
 * 1.2 has no HTML output of its own, takes the columns of ragged rows from the first row only, and
 * turns NaN into null, so a detour through it could only lose cells.
 */
export function toTableData(input: TableInput): { table: TableData; via: 'dataframe' | 'rows' } {
  if (isDataFrameLike(input)) return { table: tableFromDataFrame(input), via: 'dataframe' };
  return { table: tableFromRows(input as readonly Readonly<Record<string, unknown>>[]), via: 'rows' };
}

/** The HTML that {@link showTable} shows: escaped cells, numbers formatted per column. */
export function tableHtml(input: TableInput, opts: TableOptions = {}): string {
  return htmlTable(toTableData(input).table, opts);
}

/**
 * Shows a table: HTML in a notebook, aligned text in the CLI. Numbers are formatted per column
 * (`digits` significant digits, default 3); at most `maxRows` rows (default 50). Returns nothing, so that
 * tslab does not print the HTML again as the cell's value ({@link tableHtml} gives it).
 */
export function showTable(input: TableInput, opts: TableOptions = {}): void {
  const { table } = toTableData(input);
  if (!tryRich((d) => d.html(htmlTable(table, opts)))) console.log(textTable(table, opts));
}

// ---- prose ------------------------------------------------------------------------------------

/** Shows Markdown (e.g. a sentence built with {@link md} from results): rendered in a notebook, as is in the CLI. */
export function showMarkdown(markdown: string): void {
  if (!tryRich((d) => d.markdown(markdown))) console.log(markdown);
}

/**
 * Template tag that formats numbers like tables do (3 significant digits; integers in full), so prose quotes
 * results without hand-typed digits: md`Spearman rho = ${rho} (p = ${p})`.
 */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => {
    if (i === 0) return s;
    const v = values[i - 1];
    return out + (typeof v === 'number' ? formatNumber(v) : String(v)) + s;
  }, '');
}

// ---- progress ---------------------------------------------------------------------------------

/** One progress report: `done` of `total` units of `label`, optionally with a chart of the run so far. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  /** What is being counted, e.g. `toy RL task 2 rate 0.01 seed 3`. */
  readonly label: string;
  /** A chart of the run so far (e.g. `lineChart` of reward per iteration); notebooks only. */
  readonly chartSpec?: TopLevelSpec;
}

/** What long loops call to report progress; notebooks and the CLI implement it differently. */
export interface ProgressCallback {
  update(state: ProgressState): void;
}

/** Options of {@link ProgressDisplay}. */
export interface ProgressOptions {
  /** Least time between two shown updates (the last one always shows); default 2 s in a notebook (tslab refuses overlapping socket sends, EBUSY, when large charts are sent faster), 5 s in the CLI. */
  readonly intervalMs?: number;
  /** Clock in ms (tests); default `Date.now`. */
  readonly now?: () => number;
  /** Where the CLI lines go; default `console.log`. */
  readonly print?: (line: string) => void;
}

/**
 * Progress of a long loop. In a notebook: one display entry, updated in place, with a progress bar,
 * elapsed time, ETA and the latest chart. Elsewhere: compact console lines, at most one per interval,
 * plus one whenever the label changes or the count completes. Call `await flush()` at the end to
 * show the last state and any pending chart.
 */
export class ProgressDisplay implements ProgressCallback {
  private readonly now: () => number;
  private readonly print: (line: string) => void;
  private readonly intervalMs?: number;
  private display?: RichDisplay | null; // undefined: not tried yet; null: not in a kernel
  private startMs?: number;
  private lastShownMs = -Infinity;
  private lastLabel?: string;
  private latest?: ProgressState;
  private shown?: ProgressState;
  private chartSvg = '';
  private chartQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private error?: unknown;

  constructor(opts: ProgressOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.print = opts.print ?? ((line) => console.log(line));
    this.intervalMs = opts.intervalMs;
  }

  /** Reports progress; cheap to call every step (updates are throttled). */
  update(state: ProgressState): void {
    const now = this.now();
    this.startMs ??= now;
    this.latest = state;
    const interval = this.intervalMs ?? (this.inKernel() ? 2000 : 5000);
    const due = state.done >= state.total || state.label !== this.lastLabel || now - this.lastShownMs >= interval;
    if (!due) return;
    this.lastShownMs = now;
    this.lastLabel = state.label;
    this.show(state);
  }

  /** Shows the latest state if it has not been shown, waits for chart rendering, and rethrows a rendering error. */
  async flush(): Promise<void> {
    if (this.latest !== undefined && this.latest !== this.shown) this.show(this.latest);
    await this.chain;
    if (this.error !== undefined) throw this.error;
  }

  private inKernel(): boolean {
    if (this.display === undefined) {
      const tl = tslab();
      const probe = tl?.newDisplay();
      // The first rich call decides: outside a kernel tslab throws `Not ready`.
      this.display = probe !== undefined && tryRich((d) => d.html(''), probe) ? probe : null;
    }
    return this.display !== null;
  }

  private show(state: ProgressState): void {
    this.shown = state;
    if (!this.inKernel()) {
      this.print(progressLine(state, this.now() - (this.startMs ?? 0)));
      return;
    }
    this.display?.html(progressHtml(state, this.now() - (this.startMs ?? 0), this.chartSvg));
    if (state.chartSpec !== undefined && !this.chartQueued) {
      // One render at a time; a render picks up the newest chart when it starts.
      this.chartQueued = true;
      this.chain = this.chain.then(() => this.renderChart());
    }
  }

  private async renderChart(): Promise<void> {
    this.chartQueued = false;
    const state = this.latest;
    if (state?.chartSpec === undefined) return;
    try {
      this.chartSvg = uniquifySvgIds(await renderSvg(state.chartSpec), `progress${++figureCount}`);
      this.display?.html(progressHtml(this.shown ?? state, this.now() - (this.startMs ?? 0), this.chartSvg));
    } catch (e) {
      this.error ??= e;
    }
  }
}

/** One console line: `label: 30/100 (30%), 12s elapsed, ETA 28s`. */
export function progressLine(state: ProgressState, elapsedMs: number): string {
  return `${state.label}: ${state.done}/${state.total} (${percent(state)}%), ${timing(state, elapsedMs)}`;
}

function progressHtml(state: ProgressState, elapsedMs: number, chartSvg: string): string {
  const label = escapeHtml(state.label);
  return (
    `<div style="font-family:sans-serif;font-size:13px">` +
    `<progress value="${Math.min(state.done, state.total)}" max="${Math.max(state.total, 1)}" style="width:240px;vertical-align:middle"></progress> ` +
    `<b>${label}</b>: ${state.done}/${state.total} (${percent(state)}%), ${timing(state, elapsedMs)}</div>` +
    chartSvg
  );
}

function percent(state: ProgressState): number {
  return state.total > 0 ? Math.floor((100 * state.done) / state.total) : 100;
}

function timing(state: ProgressState, elapsedMs: number): string {
  const elapsed = `${formatDuration(elapsedMs)} elapsed`;
  if (state.done >= state.total || state.done <= 0) return elapsed;
  return `${elapsed}, ETA ${formatDuration((elapsedMs / state.done) * (state.total - state.done))}`;
}

/** `42s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
