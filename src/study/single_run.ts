/**
 * One cell of a study step from the command line (`toy-rl`, `language-sft`, `toy-mdl`, ...): the
 * run is computed, or reused from its result store (the store the notebooks and the grid workers
 * share), and with `--out` its JSON is also written to that file. Every single-run command goes
 * through here, so "run or reuse, then report" is written once.
 */
import { initBackend } from '../backend';
import { writeJsonAtomic } from '../io/atomic_write';
import { RunStore, type GridCell, type RunContext } from '../io/run_store';

/** What a single-run command did. */
export interface SingleRun<C, R, J> {
  /** The run's key in its store. */
  readonly key: string;
  /** True when the store already held the run. */
  readonly reused: boolean;
  readonly config: C;
  /** What the store keeps for the run. */
  readonly result: R;
  /** The command's documented JSON of the run (written to `out` when given). */
  readonly json: J;
  /** The file the JSON went to; undefined: the run store only. */
  readonly out: string | undefined;
}

/** The store at `resultsDir` when given, else the preset's (`datasets/results/<preset>/<run kind>`). */
export function storeAt(resultsDir: string | undefined, presetStore: () => RunStore): RunStore {
  return resultsDir === undefined ? presetStore() : new RunStore(resultsDir);
}

/**
 * Runs (or, unless `force`, reuses) `cell` in `store`; `json` is the command's documented JSON of
 * the run, written atomically to `out` when given. The backend is started first: it is part of the
 * run's content-addressed key, so looking the run up before it starts would miss a stored run.
 */
export async function runSingleCell<C, R, J>(
  cell: GridCell<C>,
  store: RunStore,
  compute: (ctx: RunContext) => Promise<R>,
  opts: { readonly force: boolean; readonly out: string | undefined; readonly json: (config: C, result: R) => J },
): Promise<SingleRun<C, R, J>> {
  await initBackend();
  const r = await store.runOrReuse<C, R>(cell, compute, { force: opts.force });
  const json = opts.json(cell.config, r.result);
  if (opts.out !== undefined) writeJsonAtomic(opts.out, json);
  return { key: cell.key, reused: r.reused, config: cell.config, result: r.result, json, out: opts.out };
}
