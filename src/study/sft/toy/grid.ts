/**
 * The supervised (Lovering) baseline grid: tasks x rates x seeds (the RL grid's axes), one result
 * file per run under `datasets/results/<preset>/toy_sft/task<k>/rate<p>/seed<n>.json` (atomic; an
 * interrupted grid resumes), and the summaries notebook 04 shows: error per partition, Lovering's
 * smallest rate above 0.99 accuracy, the SFT feature-use score and the H2 coordinates.
 */
import { RunStore } from '../../../io/run_store';
import type { FinetuneResult } from '../../../sft/classifier_finetune';
import { runGrid, type GridCell, type GridProgress } from '../../../io/run_store';
import { resolveParams } from '../../params/resolve';
import type { ParamValues } from '../../params/presets';
import type { TOY_RL_GROUP } from '../../rl/toy/schema';
import { datasetsPath, rateTag } from '../../../io/paths';
import { checkRunRequest, type RunRequest } from '../../params/run_request';
import { runSingleCell, storeAt, type SingleRun } from '../../single_run';
import { TOY_EXTENSION_PAIRS, TOY_TASK_AND_PAIR_IDS } from '../../extension/schema';
import { TOY_SFT_PARAMS } from './schema';
import type { ToyTaskRef } from '../../extractability/toy/grid';
import { runToySft, toySftConfig, type ToySftConfig, type ToySftParams } from './run';
import { sftRunOf, type SftRun } from '../../../hypotheses/runs';
import { sftRunJson, type SftRunJson } from '../run_json';

/** The grid's axes (the RL grid's: `toyRl.tasks`, `toyRl.rates`, `toyRl.seeds`) plus everything a run needs. */
export interface ToySftGridParams extends ToySftParams {
  readonly preset: string;
  readonly toyRl: Pick<ParamValues<typeof TOY_RL_GROUP>, 'model' | 'tasks' | 'rates' | 'seeds'>;
}

/** The store of a preset's SFT runs: `datasets/results/<preset>/toy_sft/`. */
export function toySftStore(preset: string): RunStore {
  return new RunStore(datasetsPath('results', preset, 'toy_sft'));
}

/** Result-file key of a run: `task<k>/rate<p>/seed<n>` (k: study task or extension pair id). */
export const toySftKey = (task: number, rate: number, seed: number): string => `task${task}/rate${rateTag(rate)}/seed${seed}`;

/** The cells tasks x rates x seeds in that nesting; default the RL grid's axes of `p`. */
export function toySftCells(
  p: ToySftGridParams,
  tasks: readonly ToyTaskRef[] = p.toyRl.tasks,
  rates: readonly number[] = p.toyRl.rates,
  seeds: readonly number[] = p.toyRl.seeds,
): GridCell<ToySftConfig>[] {
  return tasks.flatMap((task) =>
    rates.flatMap((rate) =>
      seeds.map((seed) => {
        const config = toySftConfig(p, task, rate, seed);
        return { key: toySftKey(config.task, rate, seed), config };
      }),
    ),
  );
}

/** Hooks of a grid run. */
export interface ToySftGridHooks {
  readonly onProgress?: (g: GridProgress<ToySftConfig, FinetuneResult>) => void;
  /** Default {@link toySftStore} of the preset. */
  readonly store?: RunStore;
  /** The runs to do instead of {@link toySftCells} of the params (e.g. the extension's pairs). */
  readonly cells?: readonly GridCell<ToySftConfig>[];
}

/** Runs (or reuses) every run of the grid, in cell order. */
export async function runToySftGrid(p: ToySftGridParams, hooks: ToySftGridHooks = {}): Promise<SftRun[]> {
  const store = hooks.store ?? toySftStore(p.preset);
  const results = await runGrid(hooks.cells ?? toySftCells(p), store, (cell) => runToySft(cell.config), hooks.onProgress);
  return results.map(sftRunOf);
}

/** Reads the runs of a finished grid without computing anything; throws naming the missing runs. */
export function loadToySftResults(p: ToySftGridParams, store: RunStore = toySftStore(p.preset), cells: readonly GridCell<ToySftConfig>[] = toySftCells(p)): SftRun[] {
  return store.loadRuns<ToySftConfig, FinetuneResult>(cells, 'toy SFT results', `notebook 04 or 'cli.ts toy-sft' with preset '${p.preset}'`).map(sftRunOf);
}

// ---- summaries ------------------------------------------------------------------------------

/** Flags of `cli.ts toy-sft` (unchecked; checked here). */
export type ToySftCommandRequest = RunRequest;

/** The task ids `toy-sft` accepts: the study's 1..5 and the extension's pairs. */
export const TOY_SFT_TASK_IDS = TOY_TASK_AND_PAIR_IDS;

/**
 * One run for a batch scheduler: trains (or reuses from the result store, which it also fills);
 * with `out`, also writes `{ config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch }` there.
 */
export async function runToySftCommand(req: ToySftCommandRequest): Promise<SingleRun<ToySftConfig, FinetuneResult, SftRunJson<ToySftConfig>>> {
  const { out, resultsDir, force, preset } = checkRunRequest(req, TOY_SFT_TASK_IDS);
  const cell = toySftCommandCell(req);
  return runSingleCell(cell, storeAt(resultsDir, () => toySftStore(preset)), () => runToySft(cell.config), { force, out, json: sftRunJson });
}

/** The cell (key and configuration) a `toy-sft` command line computes. */
export function toySftCommandCell(req: ToySftCommandRequest): GridCell<ToySftConfig> {
  const { task: id, rate, seed, preset, overrides } = checkRunRequest(req, TOY_SFT_TASK_IDS);
  const p = resolveParams(TOY_SFT_PARAMS, { preset, overrides, env: {} });
  const task: ToyTaskRef = id <= 5 ? id : { id, ...TOY_EXTENSION_PAIRS[id] };
  const config = toySftConfig(p, task, rate, seed);
  return { key: toySftKey(config.task, rate, seed), config };
}
