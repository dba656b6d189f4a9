/**
 * A grid's progress as the display states of ../viz/progress_display (runs done of total, how many
 * came from the run store, the run just finished) and the one line a notebook prints after a grid:
 * which runs were computed now and which were reused.
 */
import { runSteppedGrid, type GridCell, type GridProgress, type GridResult, type RunStore } from '../io/run_store';
import type { ProgressState } from '../viz/progress_display';

/** A per-run grid event as a display state: `done`/`total` runs, `reused` runs, label `<prefix><key of the run just finished>`. */
export function runProgress(p: Pick<GridProgress<unknown, unknown>, 'done' | 'total' | 'reused' | 'cell'>, prefix = ''): ProgressState {
  return { done: p.done, total: p.total, reused: p.reused, label: `${prefix}${p.cell.key}` };
}

/** Progress of a grid counted in sub-steps (the 11 blocks of an MDL run): units, reused units and units per run. */
export interface SteppedProgress {
  readonly done: number;
  readonly total: number;
  /** Of `done`, the units of runs reused from the store (a reused run counts all its steps at once). */
  readonly reused: number;
  readonly unitsPerRun: number;
  /** The run in progress, e.g. `task 22 t, seed 1: block 7/11`. */
  readonly label: string;
}

/**
 * `runSteppedGrid` whose progress also says how many units were reused. A run is reused exactly when
 * the store finishes it without calling `run` for it, which is what is counted here.
 */
export function runSteppedGridCountingReuse<C, R>(
  cells: readonly GridCell<C>[],
  store: RunStore,
  stepsPerRun: number,
  run: (cell: GridCell<C>, onStep: (index: number) => void) => Promise<R>,
  label: (config: C) => string,
  onProgress?: (p: SteppedProgress) => void,
): Promise<GridResult<C, R>[]> {
  let computing = false; // `run` was called for the run the next finish event belongs to
  let inStep = false; // the event being reported comes from a step of a computed run
  let reusedRuns = 0;
  return runSteppedGrid(
    cells,
    store,
    stepsPerRun,
    (cell, onStep) => {
      computing = true;
      return run(cell, (index) => {
        inStep = true;
        try {
          onStep(index);
        } finally {
          inStep = false;
        }
      });
    },
    label,
    (p) => {
      if (!inStep) {
        if (!computing) reusedRuns++;
        computing = false;
      }
      onProgress?.({ ...p, reused: reusedRuns * stepsPerRun, unitsPerRun: stepsPerRun });
    },
  );
}

/** A run as {@link reuseLine} reads it: a grid result (with its key) or an analysis row (task, rate, seed). */
export type ReuseRow = { readonly reused: boolean; readonly key?: string; readonly task?: number; readonly rate?: number; readonly seed?: number };

/** The name of a run in {@link reuseLine}: its store key, else `task<k>/rate<p>/seed<n>`. */
export function runName(r: ReuseRow): string {
  return r.key ?? [r.task !== undefined ? `task${r.task}` : '', r.rate !== undefined ? `rate${r.rate}` : '', r.seed !== undefined ? `seed${r.seed}` : ''].filter((s) => s).join('/');
}

/** One line after a grid: `8 runs: 3 computed now (a, b, c), 5 reused from the store`, naming the computed runs (at most `maxKeys`). */
export function reuseLine(runs: readonly ReuseRow[], what = 'runs', maxKeys = 8): string {
  const computed = runs.filter((r) => !r.reused).map(runName);
  const keys = computed.length === 0 ? '' : ` (${computed.slice(0, maxKeys).join(', ')}${computed.length > maxKeys ? `, … ${computed.length - maxKeys} more` : ''})`;
  return `${runs.length} ${what}: ${computed.length} computed now${keys}, ${runs.length - computed.length} reused from the store`;
}
