/**
 * The language extractability grid (Cruz et al. 2023, "Extractability" of the natural-language
 * tasks): MDL(s) and MDL(t) for every task and probe seed, each probe the pre-trained LM as a
 * sequence classifier. Each run is one cell of a resumable grid, cached in its own result file under
 * `datasets/results/<preset>/language_mdl/task<k>/<feature>/lm-<model tag>/seed<n>.json` (atomic
 * writes); the configuration it records names the LM by its weights' hash, so a retrained model never
 * reuses another model's results. Also the summaries notebook 06 shows, shaped like the toy grid's so
 * the hypotheses code takes them unchanged (`TaskExtractabilityRow`, `MdlCurveRow`).
 */
import { initBackend } from '../../../backend';
import { RunStore } from '../../../io/run_store';
import { blockCurve, extractabilityBar, taskExtractability } from '../../../probing/extractability';
import { onlineCodeJson, type OnlineCodeBlockEvent, type OnlineCodeResult } from '../../../probing/online_code';
import type { ProbeFeature } from '../../../tasks/probing_sets';
import { getPrefixTask } from '../../../tasks/language/prefix_tasks';
import { identityTag, modelDirs, withLanguageModel, type LanguageModelInputs } from '../../pretraining/model_inputs';
import { languageMdlCellConfig, languageMdlProbingSet, runLanguageMdlCell, type LanguageMdlCellConfig, type LanguageMdlCellResult, type LanguageMdlGridParams } from './probe';
import { LANGUAGE_MDL_PARAMS, type LanguageMdlParamValues } from './schema';
import { PROBED_MODELS, randomInitInputs, type ProbedModel } from './random_init';
import { oneOf } from '../../../util/assert';
import { type GridCell, type GridResult } from '../../../io/run_store';
import { runSteppedGridCountingReuse, type SteppedProgress } from '../../grid_progress';
import { resolveParams } from '../../params/resolve';
import { checkProbeRequest, type ProbeRunRequest } from '../../params/run_request';
import { runSingleCell, storeAt, type SingleRun } from '../../single_run';
import { datasetsPath } from '../../../io/paths';
import type { TaskExtractabilityRow, MdlCurveRow } from '../../../hypotheses/runs';

/** The two probed features, in the order runs are listed. */
export const LANGUAGE_MDL_FEATURES: readonly ProbeFeature[] = Object.freeze(['s', 't'] as const);
/** Blocks of the online code per run (Voita & Titov's 11). */
const BLOCKS_PER_RUN = 11;
/** `probe` column of the summaries: the pre-trained LM as a classifier. */
export const LANGUAGE_PROBE_NAME = 'lm';

/** One finished (or reused) run of the grid. */
export type LanguageMdlRun = GridResult<LanguageMdlCellConfig, LanguageMdlCellResult>;

/** Progress in blocks of the online code (11 per run; a reused run counts all at once, in `reused` too). */
export type LanguageMdlProgress = SteppedProgress;

/** Result-file key of a run: `task<k>/<feature>/lm-<12 hex of the model identity>/seed<n>`. */
export function languageMdlCellKey(cfg: Pick<LanguageMdlCellConfig, 'task' | 'feature' | 'lm' | 'seed'>): string {
  return `task${cfg.task}/${cfg.feature}/lm-${identityTag(cfg.lm)}/seed${cfg.seed}`;
}

/** The grid's runs: tasks x features x probe seeds, in that nesting, on the model of `inputs`. */
export function languageMdlCells(p: LanguageMdlGridParams, inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>): GridCell<LanguageMdlCellConfig>[] {
  const cells: GridCell<LanguageMdlCellConfig>[] = [];
  for (const task of p.languageMdl.tasks) {
    for (const feature of LANGUAGE_MDL_FEATURES) {
      for (const seed of p.languageMdl.seeds) {
        const config = languageMdlCellConfig(p, inputs, task, feature, seed);
        cells.push({ key: languageMdlCellKey(config), config });
      }
    }
  }
  return cells;
}

/** The result store of a preset: `datasets/results/<preset>/language_mdl/`. */
export function languageMdlStore(preset: string): RunStore {
  return new RunStore(datasetsPath('results', preset, 'language_mdl'));
}

/** Options of {@link runLanguageMdlGrid} and {@link loadLanguageMdlResults}. */
export interface LanguageMdlGridOptions {
  /** The pre-trained model, tokenizer and corpus; default `loadOrTrainLanguageModel(p)` (cached after notebook 05), disposed afterwards. */
  readonly lm?: LanguageModelInputs;
  /** Where results are cached; default {@link languageMdlStore} of the preset. */
  readonly store?: RunStore;
  /** The runs to do instead of {@link languageMdlCells} of the params. */
  readonly cells?: readonly GridCell<LanguageMdlCellConfig>[];
  /** Progress after every block and every reused run (e.g. a notebook `ProgressDisplay.update`). */
  readonly onProgress?: (p: LanguageMdlProgress) => void;
  /** {@link loadLanguageMdlResults} only: return the runs that exist instead of throwing when some are missing. */
  readonly allowMissing?: boolean;
}

function cellLabel(cfg: LanguageMdlCellConfig): string {
  return `task ${cfg.task} ${cfg.feature}, seed ${cfg.seed}`;
}

/**
 * Runs (or reuses) every run of {@link languageMdlCells} for `p`, one result file each, and returns
 * them all in cell order. An interrupted grid resumes where it stopped; a run whose configuration
 * changed (parameters, pre-trained model, tokenizer, corpus) is recomputed.
 */
export async function runLanguageMdlGrid(p: LanguageMdlParamValues, opts: LanguageMdlGridOptions = {}): Promise<LanguageMdlRun[]> {
  await initBackend();
  return withLanguageModel(p, { lm: opts.lm }, (lm) => {
    const cells = opts.cells ?? languageMdlCells(p, lm);
    const store = opts.store ?? languageMdlStore(p.preset);
    return runSteppedGridCountingReuse(cells, store, BLOCKS_PER_RUN, (cell, onStep) => runLanguageMdlCell(cell.config, lm, (e: OnlineCodeBlockEvent) => onStep(e.index)), cellLabel, opts.onProgress);
  });
}

/**
 * The stored runs of notebook 06's grid for `p` (default model: the preset's, loaded and disposed
 * here), for later notebooks (H1). Reads only; throws one line naming the missing runs unless `allowMissing`.
 */
export async function loadLanguageMdlResults(p: LanguageMdlParamValues, opts: LanguageMdlGridOptions = {}): Promise<LanguageMdlRun[]> {
  return withLanguageModel(p, { lm: opts.lm }, (lm) => {
    const store = opts.store ?? languageMdlStore(p.preset);
    const cells = opts.cells ?? languageMdlCells(p, lm);
    if (opts.allowMissing) return store.loadExisting<LanguageMdlCellConfig, LanguageMdlCellResult>(cells).runs;
    return store.loadRuns<LanguageMdlCellConfig, LanguageMdlCellResult>(cells, 'language MDL results', `notebook 06 or 'cli.ts language-mdl' with preset '${p.preset}', the same pre-trained model`);
  });
}

// ---- summaries ------------------------------------------------------------------------------

/**
 * One row per task (in first-seen order): MDL(s), MDL(t), compressions and the relative
 * extractability MDL(s) / MDL(t) (mean over paired seeds, with SEM). The rows have the toy grid's
 * shape (`TaskExtractabilityRow`, `target` = the target feature in words, `probe` = 'lm'), so
 * `h1Points` and `toyExtractabilityBars` take them.
 */
export function languageExtractabilityTable(runs: readonly LanguageMdlRun[]): TaskExtractabilityRow[] {
  const tasks = [...new Set(runs.map((r) => r.config.task))];
  const summaries = runs.map((r) => ({ task: r.config.task, feature: r.config.feature, seed: r.config.seed, codelengthBits: r.result.online.codelengthBits, compression: r.result.online.compression }));
  return tasks.flatMap((task): TaskExtractabilityRow[] => {
    const e = taskExtractability(summaries, task);
    if (!e) return [];
    const first = runs.find((r) => r.config.task === task) as LanguageMdlRun;
    return [{ task, target: first.config.target, probe: LANGUAGE_PROBE_NAME, ...e }];
  });
}

/** The task label of the language figures: `task 22`. */
export const languageTaskLabel = (row: { task: number }): string => `task ${row.task}`;

/** Bars of `extractabilityChart` (viz/probe_specs.ts): ratio +- 1 SEM, the lower end kept above 0 for the log axis. */
export function languageExtractabilityBars(rows: readonly TaskExtractabilityRow[]): { task: string; ratio: number; lo: number; hi: number }[] {
  return rows.map((r) => ({ task: languageTaskLabel(r), ...extractabilityBar(r.relMdl, r.relMdlSem) }));
}

/** Points of `mdlCurveChart`: every non-empty block of every task (default all) and feature, averaged over probe seeds. */
export function languageMdlCurveRows(runs: readonly LanguageMdlRun[], tasks?: readonly number[]): MdlCurveRow[] {
  const wanted = tasks ?? [...new Set(runs.map((r) => r.config.task))];
  return wanted.flatMap((task) =>
    LANGUAGE_MDL_FEATURES.flatMap((feature) =>
      blockCurve(runs.filter((r) => r.config.task === task && r.config.feature === feature).map((r) => r.result.online)).map((point) => ({ task: languageTaskLabel({ task }), feature, ...point })),
    ),
  );
}

/** Table of every run (task, feature, seed, codelength, compression, reused, wall time), for the notebook. */
export function languageMdlRunTable(runs: readonly LanguageMdlRun[]): { task: number; feature: string; seed: number; bits: number; uniformBits: number; compression: number; reused: boolean; wallS: number }[] {
  return runs.map((r) => ({
    task: r.config.task,
    feature: r.config.feature,
    seed: r.config.seed,
    bits: r.result.online.codelengthBits,
    uniformBits: r.result.online.uniformBits,
    compression: r.result.online.compression,
    reused: r.reused,
    wallS: r.wallMs / 1000,
  }));
}

/** One example prompt per task, feature and class of the probing sets (a type alias so rows pass to `showTable`). */
export type LanguageProbeExampleRow = { task: number; feature: string; class: number; partition: string; prompt: string };

/** The first `perClass` prompts of each class of every probing set of `p`'s tasks (seed 0's sets; all seeds share them). */
export function languageProbingExamples(p: LanguageMdlGridParams, inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>, perClass = 1): LanguageProbeExampleRow[] {
  return p.languageMdl.tasks.flatMap((task) =>
    LANGUAGE_MDL_FEATURES.flatMap((feature) => {
      const set = languageMdlProbingSet(languageMdlCellConfig(p, inputs, task, feature, 0), inputs);
      return [1, 0].flatMap((label) =>
        set.filter((e) => e.label === label).slice(0, perClass).map((e) => ({ task, feature, class: label, partition: e.partition, prompt: e.text })),
      );
    }),
  );
}

// ---- one run from the command line ----------------------------------------------------------

/** The flags of `language-mdl`, as the CLI parsed them (checked here). */
export interface LanguageMdlCommandRequest extends ProbeRunRequest {
  /** Folder holding the pre-trained model's `lm/` and `tokenizer/`; default `datasets/models/<preset>`. */
  readonly modelsDir?: unknown;
  /** 'pretrained' (default) or 'random': the untrained control of the same shape (seed `languageMdl.randomInitSeed`). */
  readonly model?: unknown;
}

/** The `--model` of a command: 'pretrained' unless given; one line naming the allowed values otherwise. */
const probedModelOf = (req: LanguageMdlCommandRequest): ProbedModel => oneOf('model', req.model ?? 'pretrained', PROBED_MODELS);

/**
 * Runs `body` on `model`: the pre-trained `lm` itself, or the random-initialisation control built
 * from it (disposed after `body`, also on error).
 */
async function withProbedModel<T>(model: ProbedModel, p: LanguageMdlParamValues, lm: LanguageModelInputs, body: (inputs: LanguageModelInputs) => T | Promise<T>): Promise<T> {
  if (model === 'pretrained') return body(lm);
  const control = randomInitInputs(lm, p.languageMdl.randomInitSeed);
  try {
    return await body(control);
  } finally {
    control.model.dispose();
  }
}

/**
 * One probe run of notebook 06's grid from the command line: the online codelength of `feature` for
 * `task` and probe `seed` with the preset's sizes, on the preset's pre-trained LM (trained first if
 * not cached). Same function and cache as the notebook; with `out`, also writes the documented JSON there.
 */
export async function runLanguageMdlCommand(req: LanguageMdlCommandRequest, lm?: LanguageModelInputs): Promise<SingleRun<LanguageMdlCellConfig, LanguageMdlCellResult, OnlineCodeResult>> {
  const dirs = modelDirs(req.modelsDir);
  const { out, resultsDir, force, preset, overrides } = checkLanguageMdlRequest(req);
  const p = resolveParams(LANGUAGE_MDL_PARAMS, { preset, overrides, env: {} });
  await initBackend();
  const model = probedModelOf(req); // a bad value stops before the model is loaded
  return withLanguageModel(p, { lm, dirs }, (loaded) =>
    withProbedModel(model, p, loaded, (inputs) => {
      const cell = languageMdlCellOf(req, inputs);
      return runSingleCell(cell, storeAt(resultsDir, () => languageMdlStore(preset)), () => runLanguageMdlCell(cell.config, inputs), { force, out, json: (_c, r) => onlineCodeJson(r.online) });
    }),
  );
}

const checkLanguageMdlRequest = (req: LanguageMdlCommandRequest) => checkProbeRequest(req, '1, 2, 5, 22 or 23 (or another prefix task id)', (t) => getPrefixTask(t).id, LANGUAGE_MDL_FEATURES);

/** The cell (key and configuration) of a `language-mdl` command line on the model `inputs` holds. */
function languageMdlCellOf(req: LanguageMdlCommandRequest, inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>): GridCell<LanguageMdlCellConfig> {
  const { task, feature, seed, preset, overrides } = checkLanguageMdlRequest(req);
  const config = languageMdlCellConfig(resolveParams(LANGUAGE_MDL_PARAMS, { preset, overrides, env: {} }), inputs, task, feature, seed);
  return { key: languageMdlCellKey(config), config };
}

/**
 * The cell (key and configuration) a `language-mdl` command line computes, given the pre-trained
 * model `lm`: on `lm` itself, or with `--model random` on the untrained control built from it.
 */
export async function languageMdlCommandCell(req: LanguageMdlCommandRequest, lm: LanguageModelInputs): Promise<GridCell<LanguageMdlCellConfig>> {
  const { preset, overrides } = checkLanguageMdlRequest(req);
  const p = resolveParams(LANGUAGE_MDL_PARAMS, { preset, overrides, env: {} });
  return withProbedModel(probedModelOf(req), p, lm, (inputs) => languageMdlCellOf(req, inputs));
}
