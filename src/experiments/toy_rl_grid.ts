/**
 * The synthetic RL grid: tasks x rates x seeds, one result file per run under
 * `datasets/results/<preset>/toy_rl/task<k>/rate<p>/seed<n>.json` (atomic; an interrupted grid
 * resumes), per-iteration statistics as JSON lines beside each result, and the per-partition summary
 * of the study's figure (mean over seeds with a 95% percentile bootstrap band).
 */
import * as fs from 'fs';
import { initBackend } from '../backend';
import { writeJsonAtomic } from '../io/atomic_write';
import { ResultStore } from '../io/result_store';
import { bootstrapCi } from '../stats/index';
import { mean, sem } from '../stats/describe';
import { PARTITIONS } from '../tasks/partitions';
import { TOY_TASKS, type ToyTaskId } from '../tasks/toy_generator';
import type { Partition } from '../tasks/types';
import { createRng } from '../util/rng';
import { runGrid, type GridCell, type GridProgress } from './grid';
import { resolveParams } from './params';
import { datasetsPath, rateTag } from './paths';
import { checkRunRequest, type RunRequest } from './run_request';
import { TOY_RL_PARAMS } from './toy_rl_params';
import { runToyRl, toyRlConfig, type ToyRlConfig, type ToyRlParams, type ToyRlResult } from './toy_rl';

/** What the store keeps per run (the configuration is stored beside it by the store). */
export type ToyRlRunResult = Omit<ToyRlResult, 'config'>;

/** The grid's axes plus everything a run needs. */
export interface ToyRlGridParams extends ToyRlParams {
  readonly preset: string;
  readonly rlTasks: readonly number[];
  readonly rlRates: readonly number[];
  readonly rlSeeds: readonly number[];
}

/** One finished run with its coordinates. */
export interface ToyRlRun {
  readonly task: number;
  readonly rate: number;
  readonly seed: number;
  readonly reused: boolean;
  readonly wallMs: number;
  readonly result: ToyRlRunResult;
}

/** The store of a preset's RL runs. */
export function toyRlStore(preset: string): ResultStore {
  return new ResultStore(datasetsPath('results', preset, 'toy_rl'));
}

/** The cells of the grid, in task, rate, seed order. */
export function toyRlCells(p: ToyRlGridParams): GridCell<ToyRlConfig>[] {
  return p.rlTasks.flatMap((task) =>
    p.rlRates.flatMap((rate) => p.rlSeeds.map((seed) => ({ key: `task${task}/rate${rateTag(rate)}/seed${seed}`, config: toyRlConfig(p, task, rate, seed) }))),
  );
}

/** Hooks of a grid run (notebook: a progress display; CLI: lines). */
export interface ToyRlGridHooks {
  readonly onProgress?: (p: GridProgress<ToyRlConfig, ToyRlRunResult>) => void;
  /** Per-iteration statistics of the run in progress. */
  readonly onStep?: (cell: GridCell<ToyRlConfig>, iteration: number, stats: Record<string, number>) => void;
  readonly store?: ResultStore;
}

/** Runs (or reuses) every run of the grid. */
export async function runToyRlGrid(p: ToyRlGridParams, hooks: ToyRlGridHooks = {}): Promise<ToyRlRun[]> {
  const store = hooks.store ?? toyRlStore(p.preset);
  const results = await runGrid(
    toyRlCells(p),
    store,
    async (cell) => {
      const logFile = store.file(cell.key).replace(/\.json$/, '.steps.jsonl');
      fs.rmSync(logFile, { force: true }); // a rerun of an unfinished run starts its log afresh
      const { config: _config, ...rest } = await runToyRl(cell.config, { logFile, onStep: (i, s) => hooks.onStep?.(cell, i, s) });
      return rest;
    },
    hooks.onProgress,
  );
  return results.map((r) => ({ task: r.config.data.task ?? -1, rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, wallMs: r.wallMs, result: r.result }));
}

/** Reads the runs of a finished grid without computing anything; throws naming the missing runs. */
export function loadToyRlResults(p: ToyRlGridParams, store: ResultStore = toyRlStore(p.preset)): ToyRlRun[] {
  const cells = toyRlCells(p);
  const missing: string[] = [];
  const runs: ToyRlRun[] = [];
  for (const cell of cells) {
    const stored = store.get<ToyRlConfig, ToyRlRunResult>(cell.key, cell.config);
    if (!stored) missing.push(cell.key);
    else runs.push({ task: cell.config.data.task ?? -1, rate: cell.config.data.rate, seed: cell.config.seed, reused: true, wallMs: stored.wallMs, result: stored.result });
  }
  if (missing.length) throw new Error(`loadToyRlResults: ${missing.length} run(s) missing in ${store.dir} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}); run notebook 03 or 'cli.ts toy-rl' first`);
  return runs;
}

/** One point of the study's figure: mean reward over seeds with a 95% band. */
export type ToyRlSummaryRow = { task: number; rate: number; partition: Partition; mean: number; lo: number; hi: number; n: number };

/**
 * Mean evaluation reward per (task, rate, partition) over seeds, with a 95% percentile bootstrap
 * interval over seeds (seeded; with one seed the band collapses to the mean).
 */
export function summariseToyRl(runs: readonly ToyRlRun[], nResamples = 2000): ToyRlSummaryRow[] {
  const groups = new Map<string, ToyRlRun[]>();
  for (const r of runs) {
    const key = `${r.task}|${r.rate}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: ToyRlSummaryRow[] = [];
  for (const [key, group] of groups) {
    const [task, rate] = key.split('|').map(Number);
    for (const partition of PARTITIONS) {
      const values = group.map((r) => r.result.eval[partition]);
      const m = mean(values);
      let lo = m;
      let hi = m;
      if (values.length >= 2 && new Set(values).size > 1) {
        const ci = bootstrapCi(values, mean, { method: 'percentile', nResamples }, createRng(`toy-rl-summary/${key}/${partition}`));
        lo = ci.low;
        hi = ci.high;
      }
      rows.push({ task, rate, partition, mean: m, lo, hi, n: values.length });
    }
  }
  return rows.sort((a, b) => a.task - b.task || a.rate - b.rate || PARTITIONS.indexOf(a.partition) - PARTITIONS.indexOf(b.partition));
}

/** Flags of `cli.ts toy-rl` (unchecked; checked here). */
export type ToyRlCommandRequest = RunRequest;

/**
 * One run for a batch scheduler: trains (or reuses from the preset's result store, which it also
 * fills) and writes `{ config, seed, steps, eval: { both, neither, s_only, t_only }, warnings }` to `out`.
 */
export async function runToyRlCommand(req: ToyRlCommandRequest): Promise<{ out: string; key: string; reused: boolean; result: ToyRlResult }> {
  const { out, task, rate, seed, preset, overrides } = checkRunRequest(req, [1, 2, 3, 4, 5]);
  const p = resolveParams(TOY_RL_PARAMS, { preset, overrides, env: {} });
  await initBackend();
  const cell = { key: `task${task}/rate${rateTag(rate)}/seed${seed}`, config: toyRlConfig(p, task, rate, seed) };
  const store = toyRlStore(preset);
  const stored = req.force === true ? undefined : store.get<ToyRlConfig, ToyRlRunResult>(cell.key, cell.config);
  let run: ToyRlRunResult;
  if (stored) run = stored.result;
  else {
    const t0 = Date.now();
    const { config: _config, ...rest } = await runToyRl(cell.config, { logFile: store.file(cell.key).replace(/\.json$/, '.steps.jsonl') });
    store.put(cell.key, cell.config, rest, Date.now() - t0);
    run = rest;
  }
  const result: ToyRlResult = { config: cell.config, ...run };
  writeJsonAtomic(out, result);
  return { out, key: cell.key, reused: stored !== undefined, result };
}

/** `1 contains-1`: a task's id and target rule, as the figures name it. */
export function toyTaskName(task: number): string {
  return `${task} ${TOY_TASKS[task as ToyTaskId].target}`;
}

/** One row per (task, rate) with the four partition means over seeds: the notebook's results table. */
export function toyRlTable(summary: readonly ToyRlSummaryRow[], name: (task: number) => string = toyTaskName): { task: string; rate: number; seeds: number; both: number; neither: number; s_only: number; t_only: number }[] {
  const rows = new Map<string, { task: string; rate: number; seeds: number; both: number; neither: number; s_only: number; t_only: number }>();
  for (const r of summary) {
    const key = `${r.task}|${r.rate}`;
    const row = rows.get(key) ?? { task: name(r.task), rate: r.rate, seeds: r.n, both: NaN, neither: NaN, s_only: NaN, t_only: NaN };
    row[r.partition] = r.mean;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/**
 * The study's H1 score of RL feature use per run at rate 0: the mean of the t-only and s-only
 * rewards (high only when the policy follows t and ignores s), averaged per task with its SEM over seeds.
 */
export function toyRlFeatureUse(runs: readonly ToyRlRun[], rate = 0): { task: number; score: number; sem: number; n: number }[] {
  const byTask = new Map<number, number[]>();
  for (const r of runs.filter((x) => x.rate === rate)) {
    byTask.set(r.task, [...(byTask.get(r.task) ?? []), (r.result.eval.t_only + r.result.eval.s_only) / 2]);
  }
  return [...byTask.entries()].sort((a, b) => a[0] - b[0]).map(([task, xs]) => ({ task, score: mean(xs), sem: xs.length > 1 ? sem(xs) : NaN, n: xs.length }));
}

/** Mean training reward per iteration and task at `rate` (mean over seeds): rows for `lineChart`; `name` labels the series. */
export function toyRlRewardCurves(runs: readonly ToyRlRun[], rate = 0, name: (task: number) => string = toyTaskName): { x: number; y: number; series: string }[] {
  const out: { x: number; y: number; series: string }[] = [];
  const tasks = [...new Set(runs.map((r) => r.task))].sort((a, b) => a - b);
  for (const task of tasks) {
    const group = runs.filter((r) => r.task === task && r.rate === rate);
    if (group.length === 0) continue;
    const nIter = Math.min(...group.map((r) => r.result.steps.length));
    for (let i = 0; i < nIter; i++) out.push({ x: i + 1, y: mean(group.map((r) => r.result.steps[i]['env/reward_mean'])), series: name(task) });
  }
  return out;
}
