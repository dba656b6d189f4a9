/**
 * The supervised (Lovering) baseline grid: tasks x rates x seeds (the RL grid's axes), one result
 * file per run under `datasets/results/<preset>/toy_sft/task<k>/rate<p>/seed<n>.json` (atomic; an
 * interrupted grid resumes), and the summaries notebook 04 shows: error per partition, Lovering's
 * smallest rate above 0.99 accuracy, the SFT feature-use score and the H2 coordinates.
 */
import { initBackend } from '../backend';
import { writeJsonAtomic } from '../io/atomic_write';
import { ResultStore } from '../io/result_store';
import type { FinetuneResult } from '../sft/classifier_finetune';
import { smallestRateAbove } from '../sft/partition_error';
import { mean, sem } from '../stats/describe';
import type { Partition } from '../tasks/types';
import { ConfigError } from '../util/assert';
import { runGrid, type GridCell, type GridProgress } from './grid';
import { resolveParams } from './params';
import { datasetsPath, rateTag } from './paths';
import { checkRunRequest, type RunRequest } from './run_request';
import type { H2Row } from './toy_hypotheses';
import { TOY_EXTENSION_PAIRS, TOY_SFT_PARAMS } from './toy_hypotheses_params';
import type { ToyTaskRef } from './toy_mdl_grid';
import { runToySft, toySftConfig, type ToySftConfig, type ToySftParams } from './toy_sft';

/** The grid's axes (the RL grid's) plus everything a run needs. */
export interface ToySftGridParams extends ToySftParams {
  readonly preset: string;
  readonly rlTasks: readonly number[];
  readonly rlRates: readonly number[];
  readonly rlSeeds: readonly number[];
}

/** One finished (or reused) SFT run with its coordinates. */
export type ToySftRun = { task: number; rate: number; seed: number; reused: boolean; wallMs: number; result: FinetuneResult };

/** The store of a preset's SFT runs: `datasets/results/<preset>/toy_sft/`. */
export function toySftStore(preset: string): ResultStore {
  return new ResultStore(datasetsPath('results', preset, 'toy_sft'));
}

/** Result-file key of a run: `task<k>/rate<p>/seed<n>` (k: study task or extension pair id). */
export const toySftKey = (task: number, rate: number, seed: number): string => `task${task}/rate${rateTag(rate)}/seed${seed}`;

/** The cells tasks x rates x seeds in that nesting; default the RL grid's axes of `p`. */
export function toySftCells(
  p: ToySftGridParams,
  tasks: readonly ToyTaskRef[] = p.rlTasks,
  rates: readonly number[] = p.rlRates,
  seeds: readonly number[] = p.rlSeeds,
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
  readonly store?: ResultStore;
  /** The runs to do instead of {@link toySftCells} of the params (e.g. the extension's pairs). */
  readonly cells?: readonly GridCell<ToySftConfig>[];
}

/** A stored or fresh SFT run with its coordinates (toy and language SFT configs alike). */
export const sftRunOf = (r: { config: { readonly task: number; readonly data: { readonly rate: number }; readonly seed: number }; reused: boolean; wallMs: number; result: FinetuneResult }): ToySftRun => ({
  task: r.config.task,
  rate: r.config.data.rate,
  seed: r.config.seed,
  reused: r.reused,
  wallMs: r.wallMs,
  result: r.result,
});

/** Runs (or reuses) every run of the grid, in cell order. */
export async function runToySftGrid(p: ToySftGridParams, hooks: ToySftGridHooks = {}): Promise<ToySftRun[]> {
  const store = hooks.store ?? toySftStore(p.preset);
  const results = await runGrid(hooks.cells ?? toySftCells(p), store, (cell) => runToySft(cell.config), hooks.onProgress);
  return results.map(sftRunOf);
}

/** Reads the runs of a finished grid without computing anything; throws naming the missing runs. */
export function loadToySftResults(p: ToySftGridParams, store: ResultStore = toySftStore(p.preset), cells: readonly GridCell<ToySftConfig>[] = toySftCells(p)): ToySftRun[] {
  const missing: string[] = [];
  const runs: ToySftRun[] = [];
  for (const cell of cells) {
    const stored = store.get<ToySftConfig, FinetuneResult>(cell.key, cell.config);
    if (stored) runs.push(sftRunOf({ ...stored, reused: true }));
    else missing.push(cell.key);
  }
  if (missing.length) throw new ConfigError(`toy SFT results: ${missing.length} run(s) missing in ${store.dir} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}); expected them from notebook 04 or 'cli.ts toy-sft' with the same preset and parameters`);
  return runs;
}

// ---- summaries ------------------------------------------------------------------------------

/**
 * The SFT counterpart of the RL feature-use score at `rate`, per task: 1 - mean(s-only error,
 * t-only error) of each run, i.e. the mean accuracy on the two partitions where t and s disagree
 * (1: follows t alone; 0: follows s alone; 0.5: e.g. predicts one class on both), mean and SEM over seeds.
 */
export function toySftFeatureUse(runs: readonly ToySftRun[], rate = 0): { task: number; score: number; sem: number; n: number }[] {
  const byTask = new Map<number, number[]>();
  for (const r of runs.filter((x) => x.rate === rate)) byTask.set(r.task, [...(byTask.get(r.task) ?? []), 1 - (r.result.errors.s_only + r.result.errors.t_only) / 2]);
  return [...byTask.entries()].sort((a, b) => a[0] - b[0]).map(([task, xs]) => ({ task, score: mean(xs), sem: xs.length > 1 ? sem(xs) : NaN, n: xs.length }));
}

/** One row per (task, rate), in first-seen order: mean error per partition and test accuracy over seeds. */
export type ToySftTableRow = { task: number; rate: number; seeds: number; accuracy: number } & Record<Partition, number>;

/** Mean error per partition and test accuracy per (task, rate), over seeds. */
export function toySftTable(runs: readonly ToySftRun[]): ToySftTableRow[] {
  const keys = [...new Set(runs.map((r) => `${r.task}|${r.rate}`))];
  return keys.map((k) => {
    const group = runs.filter((r) => `${r.task}|${r.rate}` === k);
    const avg = (f: (r: ToySftRun) => number) => mean(group.map(f));
    return {
      task: group[0].task,
      rate: group[0].rate,
      seeds: group.length,
      accuracy: avg((r) => r.result.accuracy),
      both: avg((r) => r.result.errors.both),
      neither: avg((r) => r.result.errors.neither),
      s_only: avg((r) => r.result.errors.s_only),
      t_only: avg((r) => r.result.errors.t_only),
    };
  });
}

/** Lovering's measure per task: the smallest rate whose mean test accuracy over seeds exceeds 0.99 (null: none). */
export function toySftThresholds(runs: readonly ToySftRun[]): { task: number; rate: number | null }[] {
  const tasks = [...new Set(runs.map((r) => r.task))].sort((a, b) => a - b);
  return tasks.map((task) => ({ task, rate: smallestRateAbove(runs.filter((r) => r.task === task).map((r) => ({ rate: r.rate, accuracy: r.result.accuracy }))) }));
}

/** H2 coordinates of the SFT runs: the s-only and t-only scores are accuracies (1 - error). */
export function toySftH2Rows(runs: readonly ToySftRun[]): H2Row[] {
  return runs.map((r) => ({ task: r.task, rate: r.rate, seed: r.seed, s_only: 1 - r.result.errors.s_only, t_only: 1 - r.result.errors.t_only }));
}

// ---- one run from the command line ----------------------------------------------------------

/** Flags of `cli.ts toy-sft` (unchecked; checked here). */
export interface ToySftCommandRequest extends RunRequest {
  /** Result store folder; default `datasets/results/<preset>/toy_sft`. */
  readonly resultsDir?: unknown;
}

/** The task ids `toy-sft` accepts: the study's 1..5 and the extension's pairs. */
export const TOY_SFT_TASK_IDS: readonly number[] = Object.freeze([...new Set([1, 2, 3, 4, 5, ...Object.keys(TOY_EXTENSION_PAIRS).map(Number)])].sort((a, b) => a - b));

/**
 * One run for a batch scheduler: trains (or reuses from the preset's result store, which it also
 * fills) and writes `{ config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch }` to `out`.
 */
export async function runToySftCommand(req: ToySftCommandRequest): Promise<{ out: string; key: string; reused: boolean; config: ToySftConfig; result: FinetuneResult }> {
  const { out, task: id, rate, seed, preset, overrides } = checkRunRequest(req, TOY_SFT_TASK_IDS);
  const p = resolveParams(TOY_SFT_PARAMS, { preset, overrides, env: {} });
  const task: ToyTaskRef = id <= 5 ? id : { id, ...TOY_EXTENSION_PAIRS[id] };
  await initBackend();
  const config = toySftConfig(p, task, rate, seed);
  const key = toySftKey(config.task, rate, seed);
  const store = typeof req.resultsDir === 'string' ? new ResultStore(req.resultsDir) : toySftStore(preset);
  const stored = req.force === true ? undefined : store.get<ToySftConfig, FinetuneResult>(key, config);
  let result: FinetuneResult;
  if (stored) result = stored.result;
  else {
    const t0 = Date.now();
    result = await runToySft(config);
    store.put(key, config, result, Date.now() - t0);
  }
  writeJsonAtomic(out, { config, ...result });
  return { out, key, reused: stored !== undefined, config, result };
}
