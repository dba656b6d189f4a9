/**
 * A grid is data: one `GridCellCommand` per independent run (task x rate x seed, ...), with the
 * CLI command line (after `src/cli.ts`) that computes exactly that cell and writes it into the
 * shared result store. A cells file holds one JSON line per cell; a Slurm array task `i` runs
 * line `i` (0-based), so the file is written once, atomically, before the array is submitted.
 */
import * as fs from 'fs';
import { writeFileAtomic } from '../io/atomic_write';
import { ConfigError } from '../util/assert';

/** One cell of a grid: its result-store key and the CLI arguments that compute it. */
export interface GridCellCommand {
  /** Result-store key, unique within a grid, e.g. `toy_rl/task1/rate0.01/seed3`. */
  readonly key: string;
  /** Arguments after `src/cli.ts`, e.g. `['toy-rl', '--task', '1', ...]`. */
  readonly argv: readonly string[];
}

/** Throws one line when `cells` are not well-formed or repeat a key. */
export function checkCells(cells: readonly GridCellCommand[], where = 'cells'): void {
  const seen = new Set<string>();
  cells.forEach((cell, i) => {
    if (typeof cell?.key !== 'string' || cell.key.length === 0 || /\s/.test(cell.key)) {
      throw new ConfigError(`${where}[${i}].key: ${JSON.stringify(cell?.key)} is not allowed; expected a non-empty string without spaces`);
    }
    if (!Array.isArray(cell.argv) || cell.argv.some((a) => typeof a !== 'string')) {
      throw new ConfigError(`${where}[${i}].argv: ${JSON.stringify(cell.argv)} is not allowed; expected an array of strings`);
    }
    if (seen.has(cell.key)) throw new ConfigError(`${where}[${i}].key: '${cell.key}' appears twice; expected unique keys`);
    seen.add(cell.key);
  });
}

/** The text of a cells file: one `{"key":…,"argv":[…]}` line per cell, in order, newline-terminated. */
export function formatCells(cells: readonly GridCellCommand[]): string {
  checkCells(cells);
  return cells.map((c) => JSON.stringify({ key: c.key, argv: [...c.argv] }) + '\n').join('');
}

/** Parses the text of a cells file; `source` names it in the one-line error. */
export function parseCells(text: string, source = 'cells file'): GridCellCommand[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const cells = lines.map((line, i) => {
    try {
      return JSON.parse(line) as GridCellCommand;
    } catch {
      throw new ConfigError(`${source}: line ${i + 1} is not JSON; expected one {"key": ..., "argv": [...]} object per line`);
    }
  });
  checkCells(cells, source);
  return cells;
}

/** Writes `cells` to `file` atomically (a Slurm array never sees a half-written file). */
export function writeCellsFile(file: string, cells: readonly GridCellCommand[]): void {
  writeFileAtomic(file, formatCells(cells));
}

/** Reads a cells file written by `writeCellsFile`. */
export function readCellsFile(file: string): GridCellCommand[] {
  return parseCells(fs.readFileSync(file, 'utf8'), file);
}
