/**
 * The synthetic RL grid: tasks x rates x seeds, one result file per run under
 * `datasets/results/<preset>/toy_rl/task<k>/rate<p>/seed<n>.json` (atomic; an interrupted grid
 * resumes), per-iteration statistics as JSON lines beside each result, and the per-partition summary
 * of the study's figure (mean over seeds with a 95% percentile bootstrap band).
 */
import { TOY_TASKS, type ToyTaskId } from '../../../tasks/toy_generator';
import { RunStore, runGrid, type GridCell, type GridProgress, type GridResult, type RunContext } from '../../../io/run_store';
import type { OnPpoStep } from '../../../rl/ppo_loop';
import { resolveParams } from '../../params/resolve';
import { datasetsPath, rateTag } from '../../../io/paths';
import { checkRunRequest, type RunRequest } from '../../params/run_request';
import { runSingleCell, storeAt, type SingleRun } from '../../single_run';
import { TOY_RL_PARAMS } from './schema';
import { runToyRl, toyRlConfig, type ToyRlConfig, type ToyRlParams, type ToyRlResult } from './run';
import { ConfigError, oneOf } from '../../../util/assert';
import { TOY_EXTENSION_PAIRS, TOY_TASK_AND_PAIR_IDS } from '../../extension/schema';
import { resolveToyDataConfig } from '../../data/toy';
import type { ToyPairTask } from '../../extractability/toy/grid';

/** What the store keeps per run (the configuration is stored beside it by the store). */
export type ToyRlRunResult = Omit<ToyRlResult, 'config'>;

/** The grid's axes (`toyRl.tasks`, `toyRl.rates`, `toyRl.seeds`) plus everything a run needs. */
export interface ToyRlGridParams extends ToyRlParams {
  readonly preset: string;
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
export function toyRlStore(preset: string): RunStore {
  return new RunStore(datasetsPath('results', preset, 'toy_rl'));
}

/** The cells of the grid, in task, rate, seed order. */
export function toyRlCells(p: ToyRlGridParams): GridCell<ToyRlConfig>[] {
  const { tasks, rates, seeds } = p.toyRl;
  return tasks.flatMap((task) => rates.flatMap((rate) => seeds.map((seed) => ({ key: `task${task}/rate${rateTag(rate)}/seed${seed}`, config: toyRlConfig(p, task, rate, seed) }))));
}

/** Hooks of a grid run (notebook: a progress display; CLI: lines). */
export interface ToyRlGridHooks {
  readonly onProgress?: (p: GridProgress<ToyRlConfig, ToyRlRunResult>) => void;
  /** Per-step statistics of the run in progress. */
  readonly onStep?: (cell: GridCell<ToyRlConfig>, ...step: Parameters<OnPpoStep>) => void;
  readonly store?: RunStore;
}

/** The task id of a `task<id>/...` key (study tasks and extension pairs alike). */
const taskOfKey = (key: string): number => Number(/^task(\d+)\//.exec(key)?.[1] ?? NaN);

const toRun = (r: GridResult<ToyRlConfig, ToyRlRunResult>): ToyRlRun => ({ task: taskOfKey(r.key), rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, wallMs: r.wallMs, result: r.result });

/** Trains one cell of a toy RL grid; what the store keeps (the configuration is stored beside it). */
async function computeToyRl(cell: GridCell<ToyRlConfig>, ctx: RunContext, onStep?: ToyRlGridHooks['onStep']): Promise<ToyRlRunResult> {
  const { config: _config, ...rest } = await runToyRl(cell.config, { stepLogFile: ctx.stepLogFile, onStep: (i, n, s) => onStep?.(cell, i, n, s) });
  return rest;
}

/** Runs (or reuses) toy RL cells (keys `task<id>/...`: the study's grid or the extension's rule pairs). */
export async function runToyRlCells(cells: readonly GridCell<ToyRlConfig>[], store: RunStore, hooks: Omit<ToyRlGridHooks, 'store'> = {}): Promise<ToyRlRun[]> {
  const results = await runGrid(cells, store, (cell, ctx) => computeToyRl(cell, ctx, hooks.onStep), hooks.onProgress);
  return results.map(toRun);
}

/** Runs (or reuses) every run of the grid. */
export function runToyRlGrid(p: ToyRlGridParams, hooks: ToyRlGridHooks = {}): Promise<ToyRlRun[]> {
  return runToyRlCells(toyRlCells(p), hooks.store ?? toyRlStore(p.preset), hooks);
}

/** Reads the runs of a finished grid without computing anything; throws naming the missing runs. */
export function loadToyRlResults(p: ToyRlGridParams, store: RunStore = toyRlStore(p.preset)): ToyRlRun[] {
  return store.loadRuns<ToyRlConfig, ToyRlRunResult>(toyRlCells(p), 'toy RL results', `notebook 03 (or 'cli.ts toy-rl') with preset '${p.preset}'`).map(toRun);
}

/** Flags of `cli.ts toy-rl` (unchecked; checked here): the shared ones plus `labelBalance`. */
export interface ToyRlCommandRequest extends RunRequest {
  /** 'balanced': the label-balanced training set of the H2 ablation (label-1 share 50 % at every rate). */
  readonly labelBalance?: unknown;
}

/** Values of `--label-balance`. */
export const LABEL_BALANCES = ['study', 'balanced'] as const;

/**
 * The label-balanced twin of a cell (the H2 ablation of issue 15): the same configuration except a
 * training set whose label-1 share is 50 % at every rate; key `task<k>/rate<p>-balanced/seed<n>`.
 */
export function toyRlBalancedCell(cell: GridCell<ToyRlConfig>): GridCell<ToyRlConfig> {
  const d = cell.config.data;
  const data = resolveToyDataConfig({ target: d.target, spurious: d.spurious, rate: d.rate, seed: d.seed, vocab: d.vocab, length: d.length, trainSize: d.trainSize, testSize: d.testSize, probeSize: d.probeSize, labelBalance: 'balanced' });
  return { key: cell.key.replace(/\/rate([^/]+)\//, '/rate$1-balanced/'), config: { ...cell.config, data } };
}

/**
 * One run for a batch scheduler: trains (or reuses from the result store, which it also fills);
 * with `out`, also writes `{ config, seed, steps, eval: { both, neither, s_only, t_only }, warnings }` there.
 */
export async function runToyRlCommand(req: ToyRlCommandRequest): Promise<SingleRun<ToyRlConfig, ToyRlRunResult, ToyRlResult>> {
  const { out, resultsDir, force, preset } = checkRunRequest(req, TOY_TASK_AND_PAIR_IDS);
  const cell = toyRlCommandCell(req);
  return runSingleCell(cell, storeAt(resultsDir, () => toyRlStore(preset)), (ctx) => computeToyRl(cell, ctx), { force, out, json: (config, run): ToyRlResult => ({ config, ...run }) });
}

/** The cell (key and configuration) a `toy-rl` command line computes. */
export function toyRlCommandCell(req: ToyRlCommandRequest): GridCell<ToyRlConfig> {
  const { task, rate, seed, preset, overrides } = checkRunRequest(req, TOY_TASK_AND_PAIR_IDS);
  const balance = oneOf('labelBalance', req.labelBalance ?? 'study', LABEL_BALANCES);
  const p = resolveParams(TOY_RL_PARAMS, { preset, overrides, env: {} });
  // Study tasks 1..5 as notebook 03's grid; extension pairs (notebook 04) with the same settings.
  const cell = task <= 5 ? toyRlCells({ ...p, toyRl: { ...p.toyRl, tasks: [task], rates: [rate], seeds: [seed] } })[0] : toyRlPairCells(p, [toyExtensionTask(task)], [rate], [seed])[0];
  return balance === 'balanced' ? toyRlBalancedCell(cell) : cell;
}

/** The numbered rule pair of extension id `id` (a study task id 1..5 gives the study's pair). */
export function toyExtensionTask(id: number): ToyPairTask {
  const pair = TOY_EXTENSION_PAIRS[id] ?? TOY_TASKS[id as ToyTaskId];
  if (!pair) throw new ConfigError(`task: ${id} is not allowed; expected a study task 1..5 or an extension pair id ${Object.keys(TOY_EXTENSION_PAIRS).join(', ')}`);
  return { id, ...pair };
}

/** The RL configuration of a rule pair: notebook 03's `toyRlConfig` with the pair's data (same sizes and seeds). */
export function toyRlPairConfig(p: ToyRlParams, task: ToyPairTask, rate: number, seed: number): ToyRlConfig {
  const base = toyRlConfig(p, 1, rate, seed);
  const data = resolveToyDataConfig({ ...p.toyData, target: task.target, spurious: task.spurious, rate });
  return { ...base, data };
}

/** RL cells of rule pairs x rates x seeds, keyed `task<id>/rate<p>/seed<n>` as the study's. */
export function toyRlPairCells(p: ToyRlParams, tasks: readonly ToyPairTask[], rates: readonly number[], seeds: readonly number[]): GridCell<ToyRlConfig>[] {
  return tasks.flatMap((task) => rates.flatMap((rate) => seeds.map((seed) => ({ key: `task${task.id}/rate${rateTag(rate)}/seed${seed}`, config: toyRlPairConfig(p, task, rate, seed) }))));
}
