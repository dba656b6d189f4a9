/**
 * The run store: one JSON file per finished run (`<key>.json`) beside its per-step log
 * (`<key>.steps.jsonl`), and the one place that decides whether a run is reused or computed.
 * Every CLI command and notebook grid goes through `runOrReuse` / `runGrid` / `loadRuns`, so the
 * guarantees a run store owes (content-addressed keys, a schema version and content hash per
 * result file, a lock per run key, a step log renamed into place with its result) are added here,
 * in `runOrReuse`, `get` and `put`, and nowhere else.
 *
 * A stored result is reused only when the configuration it records equals the one asked for
 * (canonical JSON); otherwise the run is redone. Results are written atomically, so an
 * interrupted grid resumes without recomputing or losing a finished run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../util/assert';
import { canonicalJson } from './manifest';
import { readJsonIfExists, writeJsonAtomic } from './atomic_write';

/** What a result file holds: the run's configuration, its result, and bookkeeping. */
export interface StoredResult<C, R> {
  /** The configuration the run was asked for (compared on reuse). */
  readonly config: C;
  readonly result: R;
  /** ISO time the run finished. */
  readonly finishedAt: string;
  /** Wall time of the run in milliseconds. */
  readonly wallMs: number;
}

/** One run of a grid: its key in the store and its full configuration. */
export interface GridCell<C> {
  /** File key in the store, e.g. `task1/rate0.01/seed3`. */
  readonly key: string;
  /** The full configuration of the run (recorded with the result and compared on reuse). */
  readonly config: C;
}

/** A run as the store returns it. */
export interface GridResult<C, R> extends StoredResult<C, R> {
  readonly key: string;
  /** True when the result came from an earlier run. */
  readonly reused: boolean;
}

/** What a computation receives besides its cell: where to append its per-step log. */
export interface RunContext {
  /** The run's `.steps.jsonl` file; emptied before the computation starts. */
  readonly stepLogFile: string;
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

const KEY = /^[A-Za-z0-9._=+-]+(\/[A-Za-z0-9._=+-]+)*$/;
const STEP_LOG_SUFFIX = '.steps.jsonl';

/** A folder of runs, one result file per key (`/` in a key makes sub-folders). */
export class RunStore {
  constructor(readonly dir: string) {}

  /** The result file of `key`. Keys are made of `[A-Za-z0-9._=+-]` segments separated by `/`. */
  file(key: string): string {
    if (!KEY.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
      throw new Error(`key: '${key}' is not allowed; expected segments of letters, digits and ._=+- separated by /`);
    }
    return path.join(this.dir, `${key}.json`);
  }

  /** The per-step log of `key` (one JSON line of statistics per training step). */
  stepLogFile(key: string): string {
    return this.file(key).replace(/\.json$/, STEP_LOG_SUFFIX);
  }

  /** The stored result of `key` when its recorded configuration equals `config`, else undefined. */
  get<C, R>(key: string, config: C): StoredResult<C, R> | undefined {
    let stored: StoredResult<C, R> | undefined;
    try {
      stored = readJsonIfExists<StoredResult<C, R>>(this.file(key));
    } catch {
      return undefined; // unreadable: treat as missing and recompute
    }
    if (stored === undefined || canonicalJson(stored.config) !== canonicalJson(config)) return undefined;
    return stored;
  }

  /** Writes the result of `key` atomically. */
  put<C, R>(key: string, config: C, result: R, wallMs: number): StoredResult<C, R> {
    const stored: StoredResult<C, R> = { config, result, finishedAt: new Date().toISOString(), wallMs };
    writeJsonAtomic(this.file(key), stored);
    return stored;
  }

  /** Every key with a result file in the store (sorted). */
  keys(): string[] {
    const out: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
        else if (entry.name.endsWith('.json')) out.push(`${prefix}${entry.name.slice(0, -5)}`);
      }
    };
    walk(this.dir, '');
    return out.sort();
  }

  /**
   * The stored run of `cell` when its configuration matches (and `force` is not set), else the
   * result of `compute`, stored under the cell's key before it is returned. A computed run starts
   * with an empty step log.
   */
  async runOrReuse<C, R>(cell: GridCell<C>, compute: (ctx: RunContext) => Promise<R>, opts: { readonly force?: boolean } = {}): Promise<GridResult<C, R>> {
    const stored = opts.force ? undefined : this.get<C, R>(cell.key, cell.config);
    if (stored) return { ...stored, key: cell.key, reused: true };
    const stepLogFile = this.stepLogFile(cell.key);
    fs.mkdirSync(path.dirname(stepLogFile), { recursive: true });
    fs.rmSync(stepLogFile, { force: true }); // a rerun of an unfinished run starts its log afresh
    const t0 = Date.now();
    const result = await compute({ stepLogFile });
    return { ...this.put(cell.key, cell.config, result, Date.now() - t0), key: cell.key, reused: false };
  }

  /** The stored runs of `cells` (cell order) and the keys that have no matching result. */
  loadExisting<C, R>(cells: readonly GridCell<C>[]): { runs: GridResult<C, R>[]; missing: string[] } {
    const runs: GridResult<C, R>[] = [];
    const missing: string[] = [];
    for (const cell of cells) {
      const stored = this.get<C, R>(cell.key, cell.config);
      if (stored) runs.push({ ...stored, key: cell.key, reused: true });
      else missing.push(cell.key);
    }
    return { runs, missing };
  }

  /**
   * The stored runs of every cell; throws {@link missingRunsError} when any is missing.
   * `what` names the runs (`toy MDL results`), `producer` says what makes them (`notebook 02 with preset 'smoke'`).
   */
  loadRuns<C, R>(cells: readonly GridCell<C>[], what: string, producer: string): GridResult<C, R>[] {
    const { runs, missing } = this.loadExisting<C, R>(cells);
    if (missing.length > 0) throw missingRunsError(what, missing, cells.length, this.dir, producer);
    return runs;
  }
}

/** The one error for runs an analysis needs but the store lacks: counts, the first keys, and what makes them. */
export function missingRunsError(what: string, missing: readonly string[], total: number, dir: string, producer: string): ConfigError {
  return new ConfigError(
    `${what}: ${missing.length} of ${total} runs missing in ${dir} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}); expected them from ${producer} and the same parameters`,
  );
}

/**
 * Runs every cell not yet in `store` (sequentially, in order) and returns all results in cell
 * order. `run` receives the cell and its run context; `onProgress` is called after each cell.
 */
export async function runGrid<C, R>(
  cells: readonly GridCell<C>[],
  store: RunStore,
  run: (cell: GridCell<C>, ctx: RunContext) => Promise<R>,
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
    const entry = await store.runOrReuse<C, R>(cell, (ctx) => run(cell, ctx));
    if (entry.reused) reused++;
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
  store: RunStore,
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
