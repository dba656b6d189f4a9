/**
 * Showing results: in a tslab notebook as rich output (SVG charts, HTML tables, Markdown, one
 * progress display updated in place, ./progress_display); anywhere else (CLI, tests) as plain console
 * lines. Rich output goes through ./kernel_output, so a busy kernel socket never fails a cell.
 */
import * as path from 'path';
import type { TopLevelSpec } from 'vega-lite';
import { tryRich } from './kernel_output';
import { ConfigError } from '../util/assert';
import { renderSvg, saveFigure, uniquifySvgIds } from './render';
import {
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

// ---- charts -----------------------------------------------------------------------------------

/** Figures shown so far in this process; numbers the SVG id prefixes. */
let figureCount = 0;

/** Options of {@link showChart}. */
export interface ShowChartOptions {
  /** Also save `<saveAs>.svg` and `.png`: an absolute path (a notebook passes `figuresPath(name)` from io/paths); a trailing `.svg`/`.png` is dropped. */
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

/** The path without extension that `saveAs` names; a relative path is refused (viz does not know where figures live). */
export function figurePath(saveAs: string): string {
  const bare = saveAs.replace(/\.(svg|png)$/i, '');
  if (!path.isAbsolute(bare)) throw new ConfigError(`saveAs: '${saveAs}' is not an absolute path; expected e.g. figuresPath('${bare}') from src/io/paths`);
  return bare;
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

export { ProgressDisplay, progressLine, formatDuration, resumedLine, type ProgressState, type ProgressCallback, type ProgressOptions } from './progress_display';
