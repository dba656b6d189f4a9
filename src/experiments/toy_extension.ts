/**
 * The extension beyond the paper's design: H1 on more rule pairs than the study's four toy tasks
 * (with four tasks no rank correlation can reach p < 0.05). For each pair of
 * `TOY_EXTENSION_PAIRS`: MDL(s) and MDL(t) with notebook 02's probe, RL with notebook 03's policy
 * and PPO settings, and the supervised baseline, all at the same sizes as the study's tasks, so the
 * points are comparable. Results go to the same stores as the study's runs, keyed by the pair's id
 * (`toy_mdl/task<id>/...`, `toy_rl/task<id>/rate<p>/seed<n>`, `toy_sft/task<id>/...`).
 */
import * as fs from 'fs';
import type { ResultStore } from '../io/result_store';
import { TOY_TASKS, type ToyTaskId } from '../tasks/toy_generator';
import { ConfigError } from '../util/assert';
import { runGrid, type GridCell, type GridProgress } from './grid';
import { rateTag } from './paths';
import { resolveToyDataConfig } from './toy_data';
import { TOY_EXTENSION_PAIRS, type ToyHypothesesParamValues } from './toy_hypotheses_params';
import { runToyMdlGrid, toyMdlPairCells, type ToyMdlProgress, type ToyMdlRun, type ToyPairTask } from './toy_mdl_grid';
import { runToyRl, toyRlConfig, type ToyRlConfig, type ToyRlParams } from './toy_rl';
import { toyRlStore, type ToyRlRun, type ToyRlRunResult } from './toy_rl_grid';
import { runToySftGrid, toySftCells, type ToySftRun } from './toy_sft_grid';
import type { FinetuneResult } from '../sft/classifier_finetune';
import type { ToySftConfig } from './toy_sft';

/** The numbered rule pair of extension id `id` (a study task id 1..5 gives the study's pair). */
export function toyExtensionTask(id: number): ToyPairTask {
  const pair = TOY_EXTENSION_PAIRS[id] ?? TOY_TASKS[id as ToyTaskId];
  if (!pair) throw new ConfigError(`task: ${id} is not allowed; expected a study task 1..5 or an extension pair id ${Object.keys(TOY_EXTENSION_PAIRS).join(', ')}`);
  return { id, ...pair };
}

/** Whether `task` is one of the paper's four toy tasks (1, 2, 3, 5) or an addition of ours. */
export function toyTaskDesign(task: number): 'paper' | 'extension' {
  return [1, 2, 3, 5].includes(task) ? 'paper' : 'extension';
}

/** A task's label in tables and figures: `2 first-last` for the study's, `7 contains-1 vs first-last` for a pair with another s. */
export function toyPairName(task: number): string {
  const pair = toyExtensionTask(task);
  return pair.spurious === 'contains-2' ? `${task} ${pair.target}` : `${task} ${pair.target} vs ${pair.spurious}`;
}

/** The RL configuration of a rule pair: notebook 03's `toyRlConfig` with the pair's data (same sizes and seeds). */
export function toyRlPairConfig(p: ToyRlParams, task: ToyPairTask, rate: number, seed: number): ToyRlConfig {
  const base = toyRlConfig(p, 1, rate, seed);
  const data = resolveToyDataConfig({ target: task.target, spurious: task.spurious, rate, seed: p.dataSeed, vocab: p.vocab, length: p.length, trainSize: p.trainSize, testSize: p.testSize, probeSize: p.probeSize });
  return { ...base, data };
}

/** RL cells of rule pairs x rates x seeds, keyed `task<id>/rate<p>/seed<n>` as the study's. */
export function toyRlPairCells(p: ToyRlParams, tasks: readonly ToyPairTask[], rates: readonly number[], seeds: readonly number[]): GridCell<ToyRlConfig>[] {
  return tasks.flatMap((task) => rates.flatMap((rate) => seeds.map((seed) => ({ key: `task${task.id}/rate${rateTag(rate)}/seed${seed}`, config: toyRlPairConfig(p, task, rate, seed) }))));
}

/** The task id of a `task<id>/...` key. */
const taskOfKey = (key: string): number => Number(/^task(\d+)\//.exec(key)?.[1] ?? NaN);

/** Runs (or reuses) RL cells (keys `task<id>/...`) exactly as `runToyRlGrid` does, with the per-iteration log beside each result. */
export async function runToyRlCells(
  cells: readonly GridCell<ToyRlConfig>[],
  store: ResultStore,
  onProgress?: (p: GridProgress<ToyRlConfig, ToyRlRunResult>) => void,
): Promise<ToyRlRun[]> {
  const results = await runGrid(
    cells,
    store,
    async (cell) => {
      const logFile = store.file(cell.key).replace(/\.json$/, '.steps.jsonl');
      fs.rmSync(logFile, { force: true }); // a rerun of an unfinished run starts its log afresh
      const { config: _config, ...rest } = await runToyRl(cell.config, { logFile });
      return rest;
    },
    onProgress,
  );
  return results.map((r) => ({ task: taskOfKey(r.key), rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, wallMs: r.wallMs, result: r.result }));
}

/** The extension's runs of each method. */
export interface ToyExtensionRuns {
  readonly mdl: ToyMdlRun[];
  readonly rl: ToyRlRun[];
  readonly sft: ToySftRun[];
}

/** Progress of the extension: which method, that method's grid progress, and a label naming both. */
export type ToyExtensionProgress = { method: 'MDL' | 'RL' | 'SFT'; done: number; total: number; label: string };

/** The parameters the extension reads (notebook 04's resolved parameters). */
export type ToyExtensionParams = Omit<ToyHypothesesParamValues, 'preset'> & { readonly preset: string };

/**
 * Runs (or reuses) MDL (both features x `extensionSeeds`), RL and SFT (`extensionRates` x
 * `extensionSeeds`) for every pair of `extensionTasks`, with the study tasks' settings.
 */
export async function runToyExtension(
  p: ToyExtensionParams,
  hooks: { readonly onProgress?: (e: ToyExtensionProgress) => void; readonly stores?: { mdl?: ResultStore; rl?: ResultStore; sft?: ResultStore } } = {},
): Promise<ToyExtensionRuns> {
  const tasks = p.extensionTasks.map(toyExtensionTask);
  const mdl = await runToyMdlGrid(p, {
    cells: toyMdlPairCells(p, tasks, p.extensionSeeds),
    store: hooks.stores?.mdl,
    onProgress: (e: ToyMdlProgress) => hooks.onProgress?.({ method: 'MDL', done: e.done, total: e.total, label: `MDL ${e.label}` }),
  });
  const rlCells = toyRlPairCells(p, tasks, p.extensionRates, p.extensionSeeds);
  const rl = await runToyRlCells(rlCells, hooks.stores?.rl ?? toyRlStore(p.preset), (g) => hooks.onProgress?.({ method: 'RL', done: g.done, total: g.total, label: `RL ${g.cell.key}` }));
  const sft = await runToySftGrid(p, {
    cells: toySftCells(p, tasks, p.extensionRates, p.extensionSeeds),
    store: hooks.stores?.sft,
    onProgress: (g: GridProgress<ToySftConfig, FinetuneResult>) => hooks.onProgress?.({ method: 'SFT', done: g.done, total: g.total, label: `SFT ${g.cell.key}` }),
  });
  return { mdl, rl, sft };
}
