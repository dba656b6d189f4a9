/**
 * The toy extractability grid (Cruz et al. 2023; Lovering et al. 2021, section 3): MDL(s) and
 * MDL(t) for every toy task and probe seed. Each run is one cell of a resumable grid, cached in its
 * own result file under `datasets/results/<preset>/toy_mdl/<task>/<feature>/<probe>/seed<n>.json`
 * (atomic writes), so notebook 02, the `toy-mdl` command and the hypotheses notebook share them.
 * Also the summaries those notebooks show: relative extractability per task, per-block curves, and
 * the original code's arithmetic beside ours.
 */
import { initBackend } from '../../../backend';
import { RunStore } from '../../../io/run_store';
import { GPT_CONFIGS } from '../../../models/gpt';
import { TOY_PROBE_CONFIG } from '../../../models/probe_encoder';
import type { LoveringMdlResult } from '../../../probing/lovering_mdl';
import { onlineCodeJson, type OnlineCodeBlockEvent, type OnlineCodeResult } from '../../../probing/online_code';
import { blockCurve, extractabilityBar, relativeExtractability, taskExtractability } from '../../../probing/extractability';
import type { ProbeTrainingConfig } from '../../../probing/probe_training';
import { TOY_PROBE_TRAINING } from '../../../probing/probe_training';
import type { ProbeFeature } from '../../../tasks/probing_sets';
import { TOY_TASK_IDS, prepareToyTask, toyTaskPair } from '../../../tasks/toy_generator';
import type { Example, RuleName, TaskPair } from '../../../tasks/types';
import { ConfigError, checkInt, oneOf } from '../../../util/assert';
import { type GridCell, type GridResult } from '../../../io/run_store';
import { runSteppedGridCountingReuse, type SteppedProgress } from '../../grid_progress';
import { datasetsPath } from '../../../io/paths';
import { PRESET_NAMES, withOverride, type PresetName } from '../../params/presets';
import { resolveParams } from '../../params/resolve';
import { checkProbeRequest, type ProbeRunRequest } from '../../params/run_request';
import { runSingleCell, storeAt, type SingleRun } from '../../single_run';
import { buildToyProbingSet, resolveToyDataConfig } from '../../data/toy';
import { runToyLoveringMdl, runToyMdl, type ToyProbeModel } from './probe';
import { TOY_MDL_PARAMS, TOY_PROBE_KINDS, type ToyMdlParamValues } from './schema';
import { TOY_EXTENSION_PAIRS, TOY_TASK_AND_PAIR_IDS } from '../../extension/schema';
import type { MdlCurveRow, TaskExtractabilityRow } from '../../../hypotheses/runs';

/** Version of a cell's computation; bump it when the same config would give different numbers. */
export const TOY_MDL_VERSION = 1;
/** The two probed features, in the order runs are listed. */
export const TOY_MDL_FEATURES: readonly ProbeFeature[] = Object.freeze(['s', 't'] as const);

/** `online`: the correct codelength (online_code.ts). `lovering`: the original code's `total_mdl` (lovering_mdl.ts). */
export type ToyMdlMethod = 'online' | 'lovering';

/** The parameters a grid needs (notebook 02's resolved parameters have them all). */
export type ToyMdlGridParams = Omit<ToyMdlParamValues, 'preset'>;

/** Everything that determines one run's numbers (recorded in its result file and compared on reuse). */
export interface ToyMdlCellConfig {
  /** {@link TOY_MDL_VERSION} at the time of the run. */
  readonly version: number;
  readonly method: ToyMdlMethod;
  /** Study task 1..5, or the id of a rule pair beyond the paper's ({@link ToyPairTask}). */
  readonly task: number;
  /** Target rule t of the task. */
  readonly target: RuleName;
  /** Spurious rule s of the task. */
  readonly spurious: RuleName;
  /** Probed feature: s (s-only vs neither) or t (both vs s-only). */
  readonly feature: ProbeFeature;
  /** Probe seed. */
  readonly seed: number;
  /** The probing set: generator seed, vocabulary, sequence length, examples N. */
  readonly data: { readonly seed: number; readonly vocab: number; readonly length: number; readonly probeSize: number };
  /** The probe model and its full configuration. */
  readonly model: ToyProbeModel;
  /** How each block's probe is trained. */
  readonly training: ProbeTrainingConfig;
}

/** What a run stores: the codelength of its method, and the backend that computed it. */
export interface ToyMdlCellResult {
  /** tfjs backend of the run (`tensorflow`, `wasm`, `cpu`): numbers differ across backends by float rounding. */
  readonly backend: string;
  /** With method `online`: the online code. */
  readonly online?: OnlineCodeResult;
  /** With method `lovering`: the original code's total. */
  readonly lovering?: LoveringMdlResult;
}

/** One finished (or reused) run of the grid. */
export type ToyMdlRun = GridResult<ToyMdlCellConfig, ToyMdlCellResult>;

/** Progress in blocks of the online code (11 per run; a reused run counts all at once, in `reused` too). */
export type ToyMdlProgress = SteppedProgress;

/** The probe model of `params`: the toy encoder or the toy policy's GPT trunk, at the preset's size. */
export function toyProbeModelOf(data: Pick<ToyMdlGridParams['toyData'], 'vocab' | 'length'>, model: ToyMdlGridParams['toyMdl']['model']): ToyProbeModel {
  const { dModel, nLayer, nHead, dFF } = model.config;
  if (model.kind === 'encoder') {
    return { kind: 'encoder', config: { ...TOY_PROBE_CONFIG, dModel, nLayer, nHead, vocabSize: data.vocab, maxLen: data.length, dFF } };
  }
  // The toy policy reads the V symbols plus pad/unk (docs/study.md: vocab 12 for 10 digits); its feed-forward is GPT-2's 4 x dModel.
  const policy = GPT_CONFIGS.toyPolicy;
  return { kind: 'policy', config: { ...policy, dModel, nLayer, nHead, vocabSize: data.vocab + 2, nPositions: Math.max(policy.nPositions, data.length) } };
}

/** A numbered rule pair beyond the study's tasks (the hypotheses notebook's extension); `id` keys its results. */
export type ToyPairTask = TaskPair & { readonly id: number };

/** A task of a grid: a study task id 1..5, or a numbered rule pair. */
export type ToyTaskRef = number | ToyPairTask;

/**
 * The id and rule pair of `task`. A pair's id must not be a study task id unless it names that
 * task's rules; the pair must be one the generator can make (checked by `prepareToyTask`).
 */
export function resolveToyTaskRef(task: ToyTaskRef): ToyPairTask {
  if (typeof task !== 'object') return { id: task, ...toyTaskPair(task) };
  checkInt('task.id', task.id, 1);
  prepareToyTask(task);
  const study = (TOY_TASK_IDS as readonly number[]).includes(task.id) ? toyTaskPair(task.id) : null;
  if (study && (study.target !== task.target || study.spurious !== task.spurious)) {
    throw new ConfigError(`task.id: ${task.id} is study task ${task.id} (${study.target} vs ${study.spurious}), not ${task.target} vs ${task.spurious}; expected an id above ${TOY_TASK_IDS[TOY_TASK_IDS.length - 1]}`);
  }
  return { id: task.id, target: task.target, spurious: task.spurious };
}

/** The configuration of one run; `task` is a study task id or a numbered rule pair. */
export function toyMdlCellConfig(params: ToyMdlGridParams, task: ToyTaskRef, feature: ProbeFeature, seed: number, method: ToyMdlMethod = 'online'): ToyMdlCellConfig {
  const pair = resolveToyTaskRef(task);
  if (feature !== 's' && feature !== 't') throw new ConfigError(`feature: ${JSON.stringify(feature)} is not allowed; expected one of s, t`);
  const training: ProbeTrainingConfig = { ...TOY_PROBE_TRAINING, ...params.toyMdl.training };
  return {
    version: TOY_MDL_VERSION,
    method,
    task: pair.id,
    target: pair.target,
    spurious: pair.spurious,
    feature,
    seed,
    data: { seed: params.toyData.seed, vocab: params.toyData.vocab, length: params.toyData.length, ...params.toyMdl.data },
    model: toyProbeModelOf(params.toyData, params.toyMdl.model),
    training,
  };
}

/** Result-file key of a run: `task<k>/<feature>/<probe>/seed<n>`, with `-lovering` for the original arithmetic. */
export function toyMdlCellKey(cfg: Pick<ToyMdlCellConfig, 'task' | 'feature' | 'model' | 'seed' | 'method'>): string {
  return `task${cfg.task}/${cfg.feature}/${cfg.model.kind}/seed${cfg.seed}${cfg.method === 'lovering' ? '-lovering' : ''}`;
}

/**
 * The grid's runs: online codes for tasks x features x probe seeds (in that nesting), then, with
 * `loveringVariant`, the original arithmetic for `curveTask` (both features, every seed).
 * `curveTask` must be one of `tasks` (its curves are drawn from the grid's runs).
 */
export function toyMdlCells(params: ToyMdlGridParams): GridCell<ToyMdlCellConfig>[] {
  const { tasks, seeds, curveTask, loveringVariant } = params.toyMdl;
  if (!tasks.includes(curveTask)) {
    throw new ConfigError(`toyMdl.curveTask: ${curveTask} is not allowed; expected one of toyMdl.tasks ${tasks.join(', ')}`);
  }
  const configs: ToyMdlCellConfig[] = [];
  for (const task of tasks) for (const feature of TOY_MDL_FEATURES) for (const seed of seeds) configs.push(toyMdlCellConfig(params, task, feature, seed));
  if (loveringVariant) {
    for (const feature of TOY_MDL_FEATURES) for (const seed of seeds) configs.push(toyMdlCellConfig(params, curveTask, feature, seed, 'lovering'));
  }
  return configs.map((config) => ({ key: toyMdlCellKey(config), config }));
}

/**
 * Online-code runs for arbitrary tasks (study ids or numbered rule pairs) x features x `seeds`,
 * with the probe, sizes and training of `params`: comparable with the study tasks' runs.
 */
export function toyMdlPairCells(params: ToyMdlGridParams, tasks: readonly ToyTaskRef[], seeds: readonly number[]): GridCell<ToyMdlCellConfig>[] {
  const configs: ToyMdlCellConfig[] = [];
  for (const task of tasks) for (const feature of TOY_MDL_FEATURES) for (const seed of seeds) configs.push(toyMdlCellConfig(params, task, feature, seed));
  return configs.map((config) => ({ key: toyMdlCellKey(config), config }));
}

/** The probing set of a run (`probe_<feature>` stream of the task's data seed; equal to notebook 01's file when N matches). */
export function toyMdlProbingSet(cfg: Pick<ToyMdlCellConfig, 'target' | 'spurious' | 'feature' | 'data'>): Example[] {
  // By rules, not task id: the data streams are keyed by the rule names, so a study task gives the same set either way.
  const dataCfg = resolveToyDataConfig({ target: cfg.target, spurious: cfg.spurious, rate: 0, ...cfg.data, trainSize: cfg.data.probeSize, testSize: 1 });
  return buildToyProbingSet(dataCfg, cfg.feature);
}

/** Runs one cell: builds its probing set and computes its method's codelength. The CLI and the grid both call this. */
export async function runToyMdlCell(cfg: ToyMdlCellConfig, onBlock?: (event: OnlineCodeBlockEvent) => void): Promise<ToyMdlCellResult> {
  const backend = (await initBackend()).backend;
  const request = { examples: toyMdlProbingSet(cfg), model: cfg.model, epochs: cfg.training.epochs, training: cfg.training, seed: cfg.seed };
  if (cfg.method === 'lovering') return { backend, lovering: await runToyLoveringMdl(request) };
  return { backend, online: await runToyMdl({ ...request, onBlock }) };
}

/** The result store of a preset: `datasets/results/<preset>/toy_mdl/`. */
export function toyMdlStore(preset: string): RunStore {
  return new RunStore(datasetsPath('results', preset, 'toy_mdl'));
}

/** Options of {@link runToyMdlGrid}. */
export interface ToyMdlGridOptions {
  /** Where results are cached; default {@link toyMdlStore} of `preset`. */
  readonly store?: RunStore;
  /** The runs to do instead of {@link toyMdlCells} of the params (e.g. {@link toyMdlPairCells}). */
  readonly cells?: readonly GridCell<ToyMdlCellConfig>[];
  /** Progress after every block and every reused run (e.g. a notebook `ProgressDisplay.update`). */
  readonly onProgress?: (p: ToyMdlProgress) => void;
}

const BLOCKS_PER_RUN = 11;

function cellLabel(cfg: ToyMdlCellConfig): string {
  const what = cfg.method === 'lovering' ? "original code's total_mdl" : `${cfg.feature} probe`;
  return `task ${cfg.task} ${cfg.target}, ${what}, seed ${cfg.seed}`;
}

/**
 * Runs (or reuses) every run of {@link toyMdlCells} for `params`, one result file each, and
 * returns them all in cell order. An interrupted grid resumes where it stopped; a run whose
 * configuration changed is recomputed.
 */
export async function runToyMdlGrid(params: ToyMdlGridParams & { readonly preset: string }, opts: ToyMdlGridOptions = {}): Promise<ToyMdlRun[]> {
  const cells = opts.cells ?? toyMdlCells(params);
  const store = opts.store ?? toyMdlStore(params.preset);
  return runSteppedGridCountingReuse(cells, store, BLOCKS_PER_RUN, (cell, onStep) => runToyMdlCell(cell.config, (e) => onStep(e.index)), cellLabel, opts.onProgress);
}

/** Options of {@link loadToyMdlResults}. */
export interface LoadToyMdlOptions {
  /** Where results are cached; default {@link toyMdlStore} of `preset`. */
  readonly store?: RunStore;
  /** Return the runs that exist instead of throwing when some are missing; default false. */
  readonly allowMissing?: boolean;
}

/**
 * The stored runs of notebook 02's grid, for later notebooks (H1): the runs of `params` (default:
 * the preset's own parameters, without overrides). Reads only; throws one line naming the missing
 * runs unless `allowMissing`.
 */
export function loadToyMdlResults(preset: PresetName | string, params?: ToyMdlGridParams, opts: LoadToyMdlOptions = {}): ToyMdlRun[] {
  const p = params ?? resolveParams(TOY_MDL_PARAMS, { preset: PRESET_NAMES.includes(preset as PresetName) ? preset : 'laptop', env: {} });
  const store = opts.store ?? toyMdlStore(preset);
  const cells = toyMdlCells(p);
  if (opts.allowMissing) return store.loadExisting<ToyMdlCellConfig, ToyMdlCellResult>(cells).runs;
  return store.loadRuns<ToyMdlCellConfig, ToyMdlCellResult>(cells, 'toy MDL results', `notebook 02 with preset '${preset}'`);
}

// ---- summaries ------------------------------------------------------------------------------

function onlineRuns(runs: readonly ToyMdlRun[]): ToyMdlRun[] {
  return runs.filter((r) => r.config.method === 'online' && r.result.online !== undefined);
}

/** One row per task (in first-seen order): MDL(s), MDL(t) and their ratio with standard errors over probe seeds. */
export function toyExtractabilityTable(runs: readonly ToyMdlRun[]): TaskExtractabilityRow[] {
  const online = onlineRuns(runs);
  const tasks = [...new Set(online.map((r) => r.config.task))];
  const summaries = online.map((r) => {
    const o = r.result.online as OnlineCodeResult;
    return { task: r.config.task, feature: r.config.feature, seed: r.config.seed, codelengthBits: o.codelengthBits, compression: o.compression };
  });
  return tasks.flatMap((task) => {
    const e = taskExtractability(summaries, task);
    if (!e) return [];
    const first = online.find((r) => r.config.task === task) as ToyMdlRun;
    return [{ task, target: first.config.target, probe: first.config.model.kind, ...e }];
  });
}

/** The task label of the figures: `1 contains-1`. */
export const toyTaskLabel = (row: { task: number; target: string }): string => `${row.task} ${row.target}`;

/** Bars of `extractabilityChart` (viz/specs.ts): ratio +- 1 SEM, the lower end kept above 0 for the log axis. */
export function toyExtractabilityBars(rows: readonly TaskExtractabilityRow[]): { task: string; ratio: number; lo: number; hi: number }[] {
  return rows.map((r) => ({ task: toyTaskLabel(r), ...extractabilityBar(r.relMdl, r.relMdlSem) }));
}

/** Points of `mdlCurveChart` for one task: each non-empty block, per feature, averaged over probe seeds. */
export function toyMdlCurveRows(runs: readonly ToyMdlRun[], task: number): MdlCurveRow[] {
  const online = onlineRuns(runs).filter((r) => r.config.task === task);
  if (online.length === 0) return [];
  return TOY_MDL_FEATURES.flatMap((feature) =>
    blockCurve(online.filter((r) => r.config.feature === feature).map((r) => r.result.online as OnlineCodeResult)).map((point) => ({ task: toyTaskLabel(online[0].config), feature, ...point })),
  );
}

/** One row of the comparison of our codelength with the original code's arithmetic (a type alias so rows pass to `showTable`). */
export type LoveringComparisonRow = {
  feature: string;
  seed: number;
  /** Our online codelength, bits. */
  codelengthBits: number;
  /** N log2 2 = N bits. */
  uniformBits: number;
  compression: number;
  /** The original `total_mdl`: block 1 in bits plus later blocks' batch-averaged nat sums. Not a codelength. */
  loveringTotalMixedUnits: number;
  /** Examples the original class zip kept. */
  loveringNUsed: number;
};

/** Our codelength beside the original code's `total_mdl` for the runs of `task` that have both, by feature and seed. */
export function loveringComparisonRows(runs: readonly ToyMdlRun[], task: number): LoveringComparisonRow[] {
  const lovering = runs.filter((r) => r.config.task === task && r.config.method === 'lovering' && r.result.lovering !== undefined);
  return lovering.flatMap((lr) => {
    const ours = onlineRuns(runs).find((r) => r.config.task === task && r.config.feature === lr.config.feature && r.config.seed === lr.config.seed);
    if (!ours) return [];
    const online = ours.result.online as OnlineCodeResult;
    const original = lr.result.lovering as LoveringMdlResult;
    return [{
      feature: lr.config.feature,
      seed: lr.config.seed,
      codelengthBits: online.codelengthBits,
      uniformBits: online.uniformBits,
      compression: online.compression,
      loveringTotalMixedUnits: original.totalMdlMixedUnits,
      loveringNUsed: original.nUsed,
    }];
  });
}

/** Relative extractability of `task` both ways: from our codelengths and from the original `total_mdl`, over the seeds that have both. */
export function loveringRelativeExtractability(rows: readonly LoveringComparisonRow[]): { method: string; relMdl: number; relMdlSem: number | null; seeds: number }[] {
  const pick = (key: 'codelengthBits' | 'loveringTotalMixedUnits') => {
    const s = new Map(rows.filter((r) => r.feature === 's').map((r) => [r.seed, r[key]]));
    const t = new Map(rows.filter((r) => r.feature === 't').map((r) => [r.seed, r[key]]));
    const seeds = [...s.keys()].filter((k) => t.has(k)).sort((a, b) => a - b);
    return { seeds, s: seeds.map((k) => s.get(k) as number), t: seeds.map((k) => t.get(k) as number) };
  };
  const out: { method: string; relMdl: number; relMdlSem: number | null; seeds: number }[] = [];
  for (const [method, key] of [['online code, bits (ours)', 'codelengthBits'], ["original code's total_mdl (mixed units)", 'loveringTotalMixedUnits']] as const) {
    const p = pick(key);
    if (p.seeds.length === 0) continue;
    const rel = relativeExtractability(p.s, p.t);
    out.push({ method, relMdl: rel.mean, relMdlSem: rel.sem, seeds: p.seeds.length });
  }
  return out;
}

/** Table of every run (task, feature, seed, codelength, compression, reused, wall time), for the notebook. */
export function toyMdlRunTable(runs: readonly ToyMdlRun[]): { task: number; feature: string; method: string; seed: number; bits: number; compression: number | null; reused: boolean; wallS: number }[] {
  return runs.map((r) => ({
    task: r.config.task,
    feature: r.config.feature,
    method: r.config.method,
    seed: r.config.seed,
    bits: r.result.online?.codelengthBits ?? r.result.lovering?.totalMdlMixedUnits ?? NaN,
    compression: r.result.online?.compression ?? null,
    reused: r.reused,
    wallS: r.wallMs / 1000,
  }));
}

// ---- one run from the command line ----------------------------------------------------------

/** The flags of `toy-mdl`, as the CLI parsed them (checked here). */
export interface ToyMdlCommandRequest extends ProbeRunRequest {
  /** encoder | policy; default the preset's. */
  readonly probe?: unknown;
  /** online (default) | lovering: the original code's total_mdl (the grid's `loveringVariant` cells). */
  readonly method?: unknown;
}

/**
 * One probe run of notebook 02's grid from the command line: the online codelength of `feature`
 * for `task` and probe `seed` with the preset's sizes and epochs (the same function and cache as the
 * notebook, so batch runs fill the notebook's result store); with `out`, also writes
 * `{codelengthBits, uniformBits, compression, n, blocks: [{size, bits, accuracy}]}` there.
 * Bad flags throw one-line ConfigErrors.
 */
export async function runToyMdlCommand(req: ToyMdlCommandRequest): Promise<SingleRun<ToyMdlCellConfig, ToyMdlCellResult, OnlineCodeResult | LoveringMdlResult>> {
  const { out, resultsDir, force, preset } = checkToyMdlRequest(req);
  const cell = toyMdlCommandCell(req);
  const json = (_c: ToyMdlCellConfig, r: ToyMdlCellResult): OnlineCodeResult | LoveringMdlResult => (r.lovering ?? onlineCodeJson(r.online as OnlineCodeResult));
  return runSingleCell(cell, storeAt(resultsDir, () => toyMdlStore(preset)), () => runToyMdlCell(cell.config), { force, out, json });
}

const checkToyMdlRequest = (req: ToyMdlCommandRequest) => checkProbeRequest(req, '1..5 (or an extension pair id)', (t) => oneOf('task', t, TOY_TASK_AND_PAIR_IDS), TOY_MDL_FEATURES);

/** Study tasks 1..5 and the extension's numbered rule pairs. */
function toyMdlTaskRef(id: number): ToyTaskRef {
  return id <= TOY_TASK_IDS.length ? id : { id, ...TOY_EXTENSION_PAIRS[id] };
}

/** The cell (key and configuration) a `toy-mdl` command line computes. */
export function toyMdlCommandCell(req: ToyMdlCommandRequest): GridCell<ToyMdlCellConfig> {
  const { task, feature, seed, preset, overrides } = checkToyMdlRequest(req);
  const params = resolveParams(TOY_MDL_PARAMS, { preset, overrides: req.probe === undefined ? overrides : withOverride(overrides, 'toyMdl.model.kind', oneOf('probe', req.probe, TOY_PROBE_KINDS)), env: {} });
  const config = toyMdlCellConfig(params, toyMdlTaskRef(task), feature, seed, oneOf('method', req.method ?? 'online', ['online', 'lovering'] as const));
  return { key: toyMdlCellKey(config), config };
}
