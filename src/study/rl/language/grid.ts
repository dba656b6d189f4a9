/**
 * The natural-language RL grid (Cruz et al. 2023, sentiment experiments): tasks x rates x seeds,
 * each run one cell of a resumable grid cached under `datasets/results/<preset>/language_rl/`
 * (atomic writes), so notebook 07, the `language-rl` command and notebook 08 share them. Also the
 * study's run filter (normalised neither score below 0.7: dropped) and the tables of notebook 07.
 * Runs have the synthetic runs' shape, so `summariseRl`, `rlFeatureUse` and `h2Rows` read them.
 */
import { initBackend } from '../../../backend';
import { RunStore } from '../../../io/run_store';
import { filterRunsByNeitherScore, RUN_FILTER_THRESHOLD } from '../../../rl/sentiment_reward';
import { LANGUAGE_TASK_IDS } from '../../../tasks/language/prefix_tasks';
import { PARTITIONS } from '../../../tasks/partitions';
import type { Partition } from '../../../tasks/types';
import { runGrid, type GridCell, type GridProgress, type RunContext } from '../../../io/run_store';
import { modelDirs } from '../../pretraining/model_inputs';
import { loadOrTrainLanguageModel, type LanguageModel } from '../../pretraining/model';
import { languageRlConfig, runLanguageRl, type LanguageRlConfig, type LanguageRlConfigParams, type LanguageRlInputs, type LanguageRlResult } from './run';
import { LANGUAGE_RL_PARAMS, type LanguageRlParamValues } from './schema';
import { resolveParams } from '../../params/resolve';
import { checkRunRequest, type RunRequest } from '../../params/run_request';
import { runSingleCell, storeAt, type SingleRun } from '../../single_run';
import { datasetsPath, rateTag } from '../../../io/paths';

/** One finished run with its coordinates (the shape of `ToyRlRun`). */
export interface LanguageRlRun {
  readonly task: number;
  readonly rate: number;
  readonly seed: number;
  readonly reused: boolean;
  readonly wallMs: number;
  readonly result: LanguageRlResult;
}

/** The store of a preset's language RL runs. */
export function languageRlStore(preset: string): RunStore {
  return new RunStore(datasetsPath('results', preset, 'language_rl'));
}

/** The cells of the grid, in task, rate, seed order. */
export function languageRlCells(p: LanguageRlConfigParams, lm: LanguageModel): GridCell<LanguageRlConfig>[] {
  const { tasks, rates, seeds } = p.languageRl;
  return tasks.flatMap((task) => rates.flatMap((rate) => seeds.map((seed) => ({ key: `task${task}/rate${rateTag(rate)}/seed${seed}`, config: languageRlConfig(p, lm, task, rate, seed) }))));
}

/** Hooks of a grid run (notebook: a progress display; CLI: lines). */
export interface LanguageRlGridHooks {
  readonly onProgress?: (p: GridProgress<LanguageRlConfig, LanguageRlResult>) => void;
  /** Per-step statistics of the run in progress. */
  readonly onStep?: (cell: GridCell<LanguageRlConfig>, step: number, total: number, stats: Record<string, number>) => void;
  readonly store?: RunStore;
}

function toRun(r: { config: LanguageRlConfig; reused: boolean; wallMs: number; result: LanguageRlResult }): LanguageRlRun {
  return { task: r.config.data.task, rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, wallMs: r.wallMs, result: r.result };
}

/** Runs (or reuses) every run of the grid on the pre-trained model `lm`. */
export async function runLanguageRlGrid(p: LanguageRlParamValues, lm: LanguageModel, hooks: LanguageRlGridHooks = {}): Promise<LanguageRlRun[]> {
  const inputs: LanguageRlInputs = { model: lm.model, tokenizer: lm.tokenizer, corpus: lm.corpus };
  const results = await runGrid(
    languageRlCells(p, lm),
    hooks.store ?? languageRlStore(p.preset),
    (cell, ctx) => runLanguageRl(cell.config, inputs, { stepLogFile: ctx.stepLogFile, onStep: (i, n, s) => hooks.onStep?.(cell, i, n, s) }),
    hooks.onProgress,
  );
  return results.map(toRun);
}

/** Reads the runs of a finished grid without computing anything; throws naming the missing runs. */
export function loadLanguageRlResults(p: LanguageRlParamValues, lm: LanguageModel, store: RunStore = languageRlStore(p.preset)): LanguageRlRun[] {
  return store.loadRuns<LanguageRlConfig, LanguageRlResult>(languageRlCells(p, lm), 'language RL results', `notebook 07 (or 'cli.ts language-rl') with preset '${p.preset}'`).map(toRun);
}

/** The study's run filter over a grid: kept and dropped runs (normalised neither score below `threshold`). */
export function applyRunFilter(runs: readonly LanguageRlRun[], threshold = RUN_FILTER_THRESHOLD): { kept: LanguageRlRun[]; dropped: LanguageRlRun[] } {
  const { kept, dropped } = filterRunsByNeitherScore(runs.map((r) => ({ run: r, normalisedScores: r.result.normalisedScores })), threshold);
  return { kept: kept.map((k) => k.run), dropped: dropped.map((d) => d.run) };
}

/** One row per run: normalised score per partition before and after training, and whether the filter keeps it. */
export function languageRlRunTable(runs: readonly LanguageRlRun[], threshold = RUN_FILTER_THRESHOLD): ({ task: number; rate: number; seed: number; kept: string } & Record<Partition, number> & Record<`${Partition} before`, number>)[] {
  return runs.map((r) => {
    const row = { task: r.task, rate: r.rate, seed: r.seed, kept: r.result.normalisedScores.neither >= threshold ? 'yes' : 'no' } as { task: number; rate: number; seed: number; kept: string } & Record<Partition, number> & Record<`${Partition} before`, number>;
    for (const part of PARTITIONS) {
      row[part] = r.result.normalisedScores[part];
      row[`${part} before`] = r.result.before ? r.result.before.normalisedScores[part] : NaN;
    }
    return row;
  });
}

/** Example texts after training: the first sample of each partition of each run at `rate`. */
export function languageRlSamples(runs: readonly LanguageRlRun[], rate = 0): { task: number; partition: Partition; text: string; reward: number }[] {
  return runs.filter((r) => r.rate === rate && r.seed === Math.min(...runs.filter((x) => x.task === r.task && x.rate === rate).map((x) => x.seed))).flatMap((r) =>
    PARTITIONS.flatMap((part) => r.result.samples[part].slice(0, 1).map((s) => ({ task: r.task, partition: part, text: s.text, reward: s.reward }))),
  );
}

/** Flags of `cli.ts language-rl` (unchecked; checked here). */
export interface LanguageRlCommandRequest extends RunRequest {
  /** Folder holding `lm/` and `tokenizer/`; default the preset's `datasets/models/<preset>/`. */
  readonly modelsDir?: unknown;
}

/** The cell (key and configuration) a `language-rl` command line computes on the pre-trained model `lm`. */
export function languageRlCommandCell(req: LanguageRlCommandRequest, lm: LanguageModel): GridCell<LanguageRlConfig> {
  const { task, rate, seed, preset, overrides } = checkRunRequest(req, LANGUAGE_TASK_IDS);
  const p = resolveParams(LANGUAGE_RL_PARAMS, { preset, overrides, env: {} });
  return languageRlCells({ ...p, languageRl: { ...p.languageRl, tasks: [task], rates: [rate], seeds: [seed] } }, lm)[0];
}

/**
 * One run for a batch scheduler: loads (or pre-trains) the preset's language model, trains the
 * policy (or reuses it from the result store, which it also fills); with `out`, also writes
 * `{ config, ...result }` there.
 */
export async function runLanguageRlCommand(req: LanguageRlCommandRequest): Promise<SingleRun<LanguageRlConfig, LanguageRlResult, { config: LanguageRlConfig } & LanguageRlResult>> {
  const { out, resultsDir, force, preset, overrides } = checkRunRequest(req, LANGUAGE_TASK_IDS);
  const p = resolveParams(LANGUAGE_RL_PARAMS, { preset, overrides, env: {} });
  const dirs = modelDirs(req.modelsDir);
  await initBackend();
  const lm = await loadOrTrainLanguageModel(p, {}, dirs);
  try {
    const cell = languageRlCommandCell(req, lm);
    const inputs: LanguageRlInputs = { model: lm.model, tokenizer: lm.tokenizer, corpus: lm.corpus };
    const compute = (ctx: RunContext) => runLanguageRl(cell.config, inputs, { stepLogFile: ctx.stepLogFile });
    return await runSingleCell(cell, storeAt(resultsDir, () => languageRlStore(preset)), compute, { force, out, json: (config, result) => ({ config, ...result }) });
  } finally {
    lm.model.dispose();
  }
}
