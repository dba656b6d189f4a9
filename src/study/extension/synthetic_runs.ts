/**
 * Every run the synthetic analysis (notebook 04, `npm run results`) reads, for one parameter set:
 * the MDL, RL and SFT grids of notebooks 02-04 with the extension pairs, and the label-balanced RL
 * runs of the H2 ablation (issue 15). Cells are built here once; notebook 04 computes what is
 * missing, the results script only loads.
 */
import type { GridCell, GridProgress, RunStore } from '../../io/run_store';
import type { SyntheticInputs } from '../../hypotheses/synthetic_analysis';
import { sftRunOf, type RlRun, type SftRun } from '../../hypotheses/runs';
import type { FinetuneResult } from '../../sft/classifier_finetune';
import { toyExtractabilityTable, toyMdlCells, toyMdlPairCells, toyMdlStore, type ToyMdlCellConfig, type ToyMdlCellResult, type ToyMdlRun } from '../extractability/toy/grid';
import { toyExtensionTask, toyRlBalancedCell, toyRlCells, toyRlPairCells, toyRlStore, runToyRlCells, type ToyRlRunResult } from '../rl/toy/grid';
import type { ToyRlConfig } from '../rl/toy/run';
import { toySftCells, toySftStore } from '../sft/toy/grid';
import type { ToySftConfig } from '../sft/toy/run';
import type { ToyHypothesesParamValues } from './schema';

/** The paper's toy tasks. */
export const PAPER_TOY_TASKS: readonly number[] = Object.freeze([1, 2, 3, 5]);

/** Notebook 04's parameters with any preset name. */
export type SyntheticRunParams = Omit<ToyHypothesesParamValues, 'preset'> & { readonly preset: string };

/**
 * The label-balanced RL cells: `toyExtension.labelBalancedTasks` x the largest of `toyRl.rates` x `toyRl.seeds`, with the
 * grid's configuration except the training set (key `task<k>/rate<p>-balanced/seed<n>`). Empty when
 * the largest rate is 0, where the study's sets are already balanced.
 */
export function toyRlBalancedCells(p: SyntheticRunParams): GridCell<ToyRlConfig>[] {
  const rate = Math.max(...p.toyRl.rates);
  if (rate === 0) return [];
  return toyRlCells({ ...p, toyRl: { ...p.toyRl, tasks: p.toyExtension.labelBalancedTasks, rates: [rate] } }).map(toyRlBalancedCell);
}

/** Every cell of the synthetic analysis, by method. */
export function syntheticCells(p: SyntheticRunParams): { mdl: GridCell<ToyMdlCellConfig>[]; rl: GridCell<ToyRlConfig>[]; sft: GridCell<ToySftConfig>[]; rlBalanced: GridCell<ToyRlConfig>[] } {
  const { tasks, rates, seeds } = p.toyExtension;
  const ext = tasks.map(toyExtensionTask);
  return {
    mdl: [...toyMdlCells(p), ...toyMdlPairCells(p, ext, p.toyMdl.seeds)],
    rl: [...toyRlCells(p), ...toyRlPairCells(p, ext, rates, seeds)],
    sft: [...toySftCells(p), ...toySftCells(p, ext, rates, seeds)],
    rlBalanced: toyRlBalancedCells(p),
  };
}

const taskOfKey = (key: string): number => Number(/^task(\d+)\//.exec(key)?.[1] ?? NaN);

/** A stored RL result as the analysis's row. */
export function rlRunOf(r: { key: string; config: ToyRlConfig; reused: boolean; wallMs: number; result: ToyRlRunResult }): RlRun {
  return { task: taskOfKey(r.key), rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, wallMs: r.wallMs, result: r.result };
}

/** Runs the label-balanced RL cells (or reuses them from the preset's RL store). */
export async function runLabelBalancedRl(p: SyntheticRunParams, hooks: { readonly onProgress?: (g: GridProgress<ToyRlConfig, ToyRlRunResult>) => void; readonly store?: RunStore } = {}): Promise<RlRun[]> {
  const runs = await runToyRlCells(toyRlBalancedCells(p), hooks.store ?? toyRlStore(p.preset), { onProgress: hooks.onProgress });
  return runs.map((r) => ({ task: r.task, rate: r.rate, seed: r.seed, reused: r.reused, wallMs: r.wallMs, result: r.result }));
}

/** What `loadSyntheticRuns` found: the analysis's inputs, the MDL runs, and how many runs of each kind are missing. */
export interface LoadedSyntheticRuns {
  readonly inputs: SyntheticInputs;
  readonly mdl: ToyMdlRun[];
  readonly missing: { readonly mdl: number; readonly rl: number; readonly sft: number; readonly rlBalanced: number };
  readonly total: { readonly mdl: number; readonly rl: number; readonly sft: number; readonly rlBalanced: number };
  /** Summed run time (ms) of the stored runs found, as each run recorded it (`wallMs`). */
  readonly runMs: { readonly mdl: number; readonly rl: number; readonly sft: number; readonly rlBalanced: number };
}

const sumWallMs = (runs: readonly { readonly wallMs: number }[]): number => runs.reduce((a, r) => a + (Number.isFinite(r.wallMs) ? r.wallMs : 0), 0);

/** Reads every stored run of `p` from the preset's stores (or `stores`) without computing anything; missing runs are counted, not fatal. */
export function loadSyntheticRuns(p: SyntheticRunParams, stores: { mdl?: RunStore; rl?: RunStore; sft?: RunStore } = {}): LoadedSyntheticRuns {
  const cells = syntheticCells(p);
  const mdl = (stores.mdl ?? toyMdlStore(p.preset)).loadExisting<ToyMdlCellConfig, ToyMdlCellResult>(cells.mdl);
  const rlStore = stores.rl ?? toyRlStore(p.preset);
  const rl = rlStore.loadExisting<ToyRlConfig, ToyRlRunResult>(cells.rl);
  const rlBalanced = rlStore.loadExisting<ToyRlConfig, ToyRlRunResult>(cells.rlBalanced);
  const sft = (stores.sft ?? toySftStore(p.preset)).loadExisting<ToySftConfig, FinetuneResult>(cells.sft);
  const sftRuns: SftRun[] = sft.runs.map(sftRunOf);
  return {
    inputs: { extractability: toyExtractabilityTable(mdl.runs), rl: rl.runs.map(rlRunOf), sft: sftRuns, rlBalanced: rlBalanced.runs.map(rlRunOf), paperTasks: PAPER_TOY_TASKS },
    mdl: mdl.runs,
    missing: { mdl: mdl.missing.length, rl: rl.missing.length, sft: sft.missing.length, rlBalanced: rlBalanced.missing.length },
    total: { mdl: cells.mdl.length, rl: cells.rl.length, sft: cells.sft.length, rlBalanced: cells.rlBalanced.length },
    runMs: { mdl: sumWallMs(mdl.runs), rl: sumWallMs(rl.runs), sft: sumWallMs(sft.runs), rlBalanced: sumWallMs(rlBalanced.runs) },
  };
}
