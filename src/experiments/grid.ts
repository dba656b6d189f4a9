/**
 * Resumable grids (tasks x rates x seeds, tasks x features x seeds, ...): each cell is one run
 * whose result is stored in its own file as soon as it finishes. Rerunning the grid reuses every
 * stored run whose configuration matches and computes only the rest; a crash loses at most the
 * run in progress.
 */
import type { ResultStore, StoredResult } from '../io/result_store';

/** One cell of a grid. */
export interface GridCell<C> {
  /** File key in the store, e.g. `task1/rate0.01/seed3`. */
  readonly key: string;
  /** The full configuration of the run (recorded with the result and compared on reuse). */
  readonly config: C;
}

/** Progress of a grid, for a notebook display or CLI lines. */
export interface GridProgress<C, R> {
  readonly done: number;
  readonly total: number;
  readonly reused: number;
  /** The cell that just finished (or was reused). */
  readonly cell: GridCell<C>;
  readonly result: R;
}

/** What `runGrid` returns per cell. */
export interface GridResult<C, R> extends StoredResult<C, R> {
  readonly key: string;
  /** True when the result came from an earlier run. */
  readonly reused: boolean;
}

/**
 * Runs every cell not yet in `store` (sequentially, in order) and returns all results in cell
 * order. `run` receives the cell; `onProgress` is called after each cell.
 */
export async function runGrid<C, R>(
  cells: readonly GridCell<C>[],
  store: ResultStore,
  run: (cell: GridCell<C>) => Promise<R>,
  onProgress?: (p: GridProgress<C, R>) => void,
): Promise<GridResult<C, R>[]> {
  const keys = new Set<string>();
  for (const c of cells) {
    if (keys.has(c.key)) throw new Error(`runGrid: key '${c.key}' appears twice; every cell needs its own key`);
    keys.add(c.key);
  }
  const out: GridResult<C, R>[] = [];
  let reused = 0;
  for (const cell of cells) {
    const stored = store.get<C, R>(cell.key, cell.config);
    let entry: GridResult<C, R>;
    if (stored) {
      reused++;
      entry = { ...stored, key: cell.key, reused: true };
    } else {
      const t0 = Date.now();
      const result = await run(cell);
      entry = { ...store.put(cell.key, cell.config, result, Date.now() - t0), key: cell.key, reused: false };
    }
    out.push(entry);
    onProgress?.({ done: out.length, total: cells.length, reused, cell, result: entry.result });
  }
  return out;
}

/** Progress of a grid counted in sub-steps (e.g. the blocks of MDL runs). */
export interface StepProgress {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

/**
 * {@link runGrid} whose runs report sub-steps (`stepsPerRun` each, e.g. an online code's blocks):
 * `run` receives a callback to call with the 0-based index of each finished step, and `onProgress`
 * sees one count over the whole grid, with a reused run counting all its steps at once.
 */
export function runSteppedGrid<C, R>(
  cells: readonly GridCell<C>[],
  store: ResultStore,
  stepsPerRun: number,
  run: (cell: GridCell<C>, onStep: (index: number) => void) => Promise<R>,
  label: (config: C) => string,
  onProgress?: (p: StepProgress) => void,
): Promise<GridResult<C, R>[]> {
  const total = cells.length * stepsPerRun;
  let finished = 0; // runs finished or reused so far
  let reused = 0;
  return runGrid(
    cells,
    store,
    (cell) => {
      const base = finished * stepsPerRun;
      return run(cell, (index) => onProgress?.({ done: base + index + 1, total, label: `${label(cell.config)}: block ${index + 1}/${stepsPerRun}` }));
    },
    (p) => {
      const wasReused = p.reused > reused;
      finished = p.done;
      reused = p.reused;
      onProgress?.({ done: p.done * stepsPerRun, total, label: `${label(p.cell.config)}: ${wasReused ? 'reused' : 'done'}` });
    },
  );
}
