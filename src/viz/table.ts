/**
 * Tables for notebooks and the CLI: rows (or a danfo DataFrame) -> columns of formatted cells ->
 * HTML (escaped, numbers right-aligned) or aligned plain text. Pure: no display, no IO.
 * Numbers are formatted per column, so a column of means shows the same number of decimals throughout.
 * Floating-point noise (|x| < 1e-12, e.g. -1.39e-17 for a difference of equal means) prints as 0;
 * a table without rows says so in one line ("no rows: <reason>") under its title.
 */

/** A table as columns and rows of raw cell values. */
export interface TableData {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Options shared by {@link htmlTable} and {@link textTable}. */
export interface TableOptions {
  /** Caption above the table. */
  readonly title?: string;
  /** Rows shown; the rest are summarised in one line. Default 50. */
  readonly maxRows?: number;
  /** Significant digits of non-integer numbers (R's `format` style, per column); default 3. */
  readonly digits?: number;
  /** Why a table may have no rows, shown as `no rows: <emptyReason>`; default "no results". */
  readonly emptyReason?: string;
}

/** Magnitude below which a number is floating-point noise and prints as 0 (e.g. -1.39e-17). */
export const ZERO_BELOW = 1e-12;

/** The line an empty table shows instead of a header with no body. */
export function emptyTableLine(reason = 'no results'): string {
  return `no rows: ${reason}`;
}

/** The part of a danfo.js DataFrame that tables read (danfojs-node 1.2: `columns`, `values`). */
export interface DataFrameLike {
  readonly columns: readonly string[];
  readonly values: readonly (readonly unknown[])[] | readonly unknown[];
}

/** True for objects shaped like a danfo DataFrame (a `columns` array and a `values` array). */
export function isDataFrameLike(x: unknown): x is DataFrameLike {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const o = x as { columns?: unknown; values?: unknown };
  return Array.isArray(o.columns) && Array.isArray(o.values);
}

/** Table of plain objects: columns are the keys in first-seen order; missing keys give empty cells. */
export function tableFromRows(rows: readonly Readonly<Record<string, unknown>>[]): TableData {
  const columns: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: rows.map((row) => columns.map((c) => row[c])) };
}

/** Table of a danfo DataFrame (or anything with `columns` and row-major `values`). */
export function tableFromDataFrame(df: DataFrameLike): TableData {
  const values = df.values as readonly unknown[];
  // A one-column frame may hold a flat array of values rather than rows of one.
  const rows = values.map((v) => (Array.isArray(v) ? v : [v]));
  return { columns: [...df.columns], rows };
}

/** Most decimals a fixed-point cell gets; columns that would need more switch to exponent notation. */
const MAX_DECIMALS = 6;

/**
 * Formats one number to `digits` significant digits (default 3): integers in full (grouped by
 * thousands from 10,000 on), others with the fewest decimals that show `digits` significant digits
 * (0.81234 -> 0.812, 12.5 -> 12.5, 0.00012 -> 0.00012), and in exponent notation from 1e6 on or
 * where more than 6 decimals would be needed; |x| < 1e-12 prints as 0.
 */
export function formatNumber(x: number, digits = 3): string {
  return formatColumn([x], digits)[0];
}

/**
 * Formats a column's cells, as R's `format` does: numbers share the decimals that the one needing
 * the most needs for `digits` significant digits (so 0.5 and 0.001 read 0.500 and 0.001); a column
 * of integers stays integer. Other cells: strings as is, null/undefined empty, objects as JSON.
 */
export function formatColumn(rawValues: readonly unknown[], digits = 3): string[] {
  const sig = Math.max(1, Math.floor(digits));
  // |x| < 1e-12 is rounding noise of float arithmetic, not a value: show it as an exact 0.
  const values = rawValues.map((v) => (typeof v === 'number' && Math.abs(v) < ZERO_BELOW ? 0 : v));
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const decimals = Math.max(0, ...finite.map((x) => decimalsFor(x, sig)));
  const exponent = decimals > MAX_DECIMALS;
  return values.map((v) => {
    if (typeof v !== 'number') return formatCell(v);
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
    if (Number.isInteger(v) && decimals === 0) return Math.abs(v) >= 10000 ? groupThousands(v) : String(v);
    if (exponent || (!Number.isInteger(v) && Math.abs(v) >= 1e6)) return v.toExponential(sig - 1);
    return v.toFixed(decimals);
  });
}

/** Fewest decimals that show `x` to `sig` significant digits (0.5 -> 1, 0.81234 -> 3, 12.5 -> 1, 7 -> 0). */
function decimalsFor(x: number, sig: number): number {
  if (x === 0 || Number.isInteger(x)) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  let d = Math.max(0, sig - 1 - magnitude);
  // Trailing zeros add nothing: 0.5 needs 1 decimal, not 3.
  while (d > 0 && Number(x.toFixed(d - 1)) === Number(x.toFixed(d))) d--;
  return d;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * An HTML table: caption, header, formatted and escaped cells, numeric columns right-aligned; a
 * table without rows is its title and the line `no rows: <emptyReason>`.
 */
export function htmlTable(table: TableData, opts: TableOptions = {}): string {
  if (table.rows.length === 0) {
    const title = opts.title !== undefined ? `<div style="font-weight:bold">${escapeHtml(opts.title)}</div>` : '';
    return `<div class="study-table study-table-empty">${title}<div style="font-style:italic">${escapeHtml(emptyTableLine(opts.emptyReason))}</div></div>`;
  }
  const { header, body, numeric, hidden } = layout(table, opts);
  const align = (j: number): string => (numeric[j] ? 'right' : 'left');
  const th = header.map((h, j) => `<th style="text-align:${align(j)}">${escapeHtml(h)}</th>`).join('');
  const trs = body.map((cells) => `<tr>${cells.map((c, j) => `<td style="text-align:${align(j)}">${escapeHtml(c)}</td>`).join('')}</tr>`);
  if (hidden > 0) {
    const span = Math.max(header.length, 1);
    trs.push(`<tr><td colspan="${span}" style="text-align:left;font-style:italic">… ${hidden} more rows (${table.rows.length} in all)</td></tr>`);
  }
  const caption = opts.title !== undefined ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(opts.title)}</caption>` : '';
  return (
    `<table class="study-table" style="border-collapse:collapse;font-variant-numeric:tabular-nums">` +
    `${caption}<thead><tr>${th}</tr></thead><tbody>${trs.join('')}</tbody></table>`
  );
}

/**
 * A plain-text table for the console: title line, header, rule, padded cells (numbers
 * right-aligned); a table without rows is its title and the line `no rows: <emptyReason>`.
 */
export function textTable(table: TableData, opts: TableOptions = {}): string {
  if (table.rows.length === 0) return [...(opts.title !== undefined ? [opts.title] : []), emptyTableLine(opts.emptyReason)].join('\n');
  const { header, body, numeric, hidden } = layout(table, opts);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const pad = (s: string, j: number): string => (numeric[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const line = (cells: readonly string[]): string => cells.map(pad).join('  ').trimEnd();
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  if (hidden > 0) lines.push(`… ${hidden} more rows (${table.rows.length} in all)`);
  return [...(opts.title !== undefined ? [opts.title] : []), ...lines].join('\n');
}

function layout(table: TableData, opts: TableOptions) {
  const maxRows = opts.maxRows ?? 50;
  const digits = opts.digits ?? 3;
  const shown = table.rows.slice(0, maxRows);
  const columns = table.columns.map((_, j) => formatColumn(shown.map((r) => r[j]), digits));
  const numeric = table.columns.map((_, j) => {
    const present = shown.map((r) => r[j]).filter((v) => v !== undefined && v !== null);
    return present.length > 0 && present.every((v) => typeof v === 'number');
  });
  const body = shown.map((_, i) => columns.map((col) => col[i]));
  return { header: [...table.columns], body, numeric, hidden: table.rows.length - shown.length };
}

function formatCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v) ?? String(v);
}

function groupThousands(x: number): string {
  const digits = String(Math.abs(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return x < 0 ? `-${digits}` : digits;
}
