/**
 * The extension beyond the paper's design: H1 on more rule pairs than the study's four toy tasks
 * (with four tasks no rank correlation can reach p < 0.05). For each pair of
 * `TOY_EXTENSION_PAIRS`: MDL(s) and MDL(t) with notebook 02's probe, RL with notebook 03's policy
 * and PPO settings, and the supervised baseline, all at the same sizes as the study's tasks, so the
 * points are comparable. Results go to the same stores as the study's runs, keyed by the pair's id
 * (`toy_mdl/task<id>/...`, `toy_rl/task<id>/rate<p>/seed<n>`, `toy_sft/task<id>/...`).
 */
import type { RunStore } from '../../io/run_store';
import { TOY_TASKS, type ToyTaskId } from '../../tasks/toy_generator';
import { ConfigError } from '../../util/assert';
import { runGrid, type GridCell, type GridProgress } from '../../io/run_store';
import { rateTag } from '../../io/paths';
import { resolveToyDataConfig } from '../data/toy';
import { TOY_EXTENSION_PAIRS, type ToyHypothesesParamValues } from './schema';
import { runToyMdlGrid, toyMdlPairCells, type ToyMdlProgress, type ToyMdlRun, type ToyPairTask } from '../extractability/toy/grid';
import { runToyRl, toyRlConfig, type ToyRlConfig, type ToyRlParams } from '../rl/toy/run';
import { runToyRlCells, toyExtensionTask, toyRlPairCells, toyRlStore, type ToyRlRun } from '../rl/toy/grid';
import { runToySftGrid, toySftCells } from '../sft/toy/grid';
import type { FinetuneResult } from '../../sft/classifier_finetune';
import type { ToySftConfig } from '../sft/toy/run';

import { type SftRun } from '../../hypotheses/runs';
/** Whether `task` is one of the paper's four toy tasks (1, 2, 3, 5) or an addition of ours. */
export function toyTaskDesign(task: number): 'paper' | 'extension' {
  return [1, 2, 3, 5].includes(task) ? 'paper' : 'extension';
}

/** A task's label in tables and figures: `2 first-last` for the study's, `7 contains-1 vs first-last` for a pair with another s. */
export function toyPairName(task: number): string {
  const pair = toyExtensionTask(task);
  return pair.spurious === 'contains-2' ? `${task} ${pair.target}` : `${task} ${pair.target} vs ${pair.spurious}`;
}

/** The extension's runs of each method. */
export interface ToyExtensionRuns {
  readonly mdl: ToyMdlRun[];
  readonly rl: ToyRlRun[];
  readonly sft: SftRun[];
}

/** Progress of the extension: which method, that method's grid progress, and a label naming both. */
export type ToyExtensionProgress = { method: 'MDL' | 'RL' | 'SFT'; done: number; total: number; reused: number; unitsPerRun: number; label: string };

/** The parameters the extension reads (notebook 04's resolved parameters). */
export type ToyExtensionParams = Omit<ToyHypothesesParamValues, 'preset'> & { readonly preset: string };

/**
 * Runs (or reuses) MDL (both features x `toyMdl.seeds`, as the study tasks), RL and SFT
 * (`toyExtension.rates` x `toyExtension.seeds`) for every pair of `toyExtension.tasks`, with the study tasks' settings.
 */
export async function runToyExtension(
  p: ToyExtensionParams,
  hooks: { readonly onProgress?: (e: ToyExtensionProgress) => void; readonly stores?: { mdl?: RunStore; rl?: RunStore; sft?: RunStore } } = {},
): Promise<ToyExtensionRuns> {
  const { rates, seeds } = p.toyExtension;
  const tasks = p.toyExtension.tasks.map(toyExtensionTask);
  const mdl = await runToyMdlGrid(p, {
    cells: toyMdlPairCells(p, tasks, p.toyMdl.seeds),
    store: hooks.stores?.mdl,
    onProgress: (e: ToyMdlProgress) => hooks.onProgress?.({ method: 'MDL', done: e.done, total: e.total, reused: e.reused, unitsPerRun: e.unitsPerRun, label: `MDL ${e.label}` }),
  });
  const rlCells = toyRlPairCells(p, tasks, rates, seeds);
  const rl = await runToyRlCells(rlCells, hooks.stores?.rl ?? toyRlStore(p.preset), { onProgress: (g) => hooks.onProgress?.({ method: 'RL', done: g.done, total: g.total, reused: g.reused, unitsPerRun: 1, label: `RL ${g.cell.key}` }) });
  const sft = await runToySftGrid(p, {
    cells: toySftCells(p, tasks, rates, seeds),
    store: hooks.stores?.sft,
    onProgress: (g: GridProgress<ToySftConfig, FinetuneResult>) => hooks.onProgress?.({ method: 'SFT', done: g.done, total: g.total, reused: g.reused, unitsPerRun: 1, label: `SFT ${g.cell.key}` }),
  });
  return { mdl, rl, sft };
}
