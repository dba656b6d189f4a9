/**
 * The supervised (Lovering) baseline grid on the natural-language tasks: tasks x rates x seeds, one
 * result file per run under `datasets/results/<preset>/language_sft/task<k>/rate<p>/lm-<model tag>/seed<n>.json`
 * (atomic; an interrupted grid resumes; a run made with another pre-trained model is never reused).
 * Runs have the toy grid's shape (`SftRun`), so `sftFeatureUse`, `sftTable`,
 * `sftThresholds` and `sftH2Rows` (toy_sft_grid.ts) summarise them unchanged.
 */
import { initBackend } from '../../../backend';
import { RunStore } from '../../../io/run_store';
import type { FinetuneResult } from '../../../sft/classifier_finetune';
import { LANGUAGE_TASK_IDS } from '../../../tasks/language/prefix_tasks';
import { runGrid, type GridCell, type GridProgress } from '../../../io/run_store';
import { identityTag, modelDirs, withLanguageModel, type LanguageModelInputs } from '../../pretraining/model_inputs';
import { LANGUAGE_SFT_PARAMS, type LanguageSftParamValues } from './schema';
import { languageSftConfig, runLanguageSft, type LanguageSftConfig } from './run';
import { resolveParams } from '../../params/resolve';
import { datasetsPath, rateTag } from '../../../io/paths';
import { checkRunRequest, type RunRequest } from '../../params/run_request';
import { runSingleCell, storeAt, type SingleRun } from '../../single_run';
import { sftRunOf, type SftRun } from '../../../hypotheses/runs';
import { sftRunJson, type SftRunJson } from '../run_json';

/** One finished (or reused) language SFT run: the toy grid's run shape. */
export type LanguageSftRun = SftRun;

/** The store of a preset's language SFT runs: `datasets/results/<preset>/language_sft/`. */
export function languageSftStore(preset: string): RunStore {
  return new RunStore(datasetsPath('results', preset, 'language_sft'));
}

/** Result-file key of a run: `task<k>/rate<p>/lm-<12 hex of the model identity>/seed<n>`. */
export function languageSftKey(cfg: Pick<LanguageSftConfig, 'task' | 'data' | 'lm' | 'seed'>): string {
  return `task${cfg.task}/rate${rateTag(cfg.data.rate)}/lm-${identityTag(cfg.lm)}/seed${cfg.seed}`;
}

/** The cells tasks x rates x seeds in that nesting (default the axes of `p`), on the model of `inputs`. */
export function languageSftCells(
  p: LanguageSftParamValues,
  inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>,
  tasks: readonly number[] = p.languageSft.tasks,
  rates: readonly number[] = p.languageSft.rates,
  seeds: readonly number[] = p.languageSft.seeds,
): GridCell<LanguageSftConfig>[] {
  return tasks.flatMap((task) =>
    rates.flatMap((rate) =>
      seeds.map((seed) => {
        const config = languageSftConfig(p.languageSft, inputs, task, rate, seed);
        return { key: languageSftKey(config), config };
      }),
    ),
  );
}

/** Hooks of a grid run (and of {@link loadLanguageSftResults}). */
export interface LanguageSftGridHooks {
  readonly onProgress?: (g: GridProgress<LanguageSftConfig, FinetuneResult>) => void;
  /** The pre-trained model, tokenizer and corpus; default `loadOrTrainLanguageModel(p)` (cached after notebook 05), disposed afterwards. */
  readonly lm?: LanguageModelInputs;
  /** Default {@link languageSftStore} of the preset. */
  readonly store?: RunStore;
  /** The runs to do instead of {@link languageSftCells} of the params. */
  readonly cells?: readonly GridCell<LanguageSftConfig>[];
}


/** Runs (or reuses) every run of the grid, in cell order. */
export async function runLanguageSftGrid(p: LanguageSftParamValues, hooks: LanguageSftGridHooks = {}): Promise<LanguageSftRun[]> {
  await initBackend();
  return withLanguageModel(p, { lm: hooks.lm }, async (lm) => {
    const store = hooks.store ?? languageSftStore(p.preset);
    const results = await runGrid(hooks.cells ?? languageSftCells(p, lm), store, (cell) => runLanguageSft(cell.config, lm), hooks.onProgress);
    return results.map(sftRunOf);
  });
}

/**
 * Reads the runs of a finished grid without training anything (the model is loaded, or taken from
 * `hooks.lm`, only to name the runs); throws naming the missing runs.
 */
export async function loadLanguageSftResults(p: LanguageSftParamValues, hooks: Pick<LanguageSftGridHooks, 'lm' | 'store' | 'cells'> = {}): Promise<LanguageSftRun[]> {
  return withLanguageModel(p, { lm: hooks.lm }, (lm) => {
    const store = hooks.store ?? languageSftStore(p.preset);
    const cells = hooks.cells ?? languageSftCells(p, lm);
    return store.loadRuns<LanguageSftConfig, FinetuneResult>(cells, 'language SFT results', `notebook 08 or 'cli.ts language-sft' with preset '${p.preset}', the same pre-trained model`).map(sftRunOf);
  });
}

// ---- one run from the command line ----------------------------------------------------------

/** Flags of `cli.ts language-sft` (unchecked; checked here). */
export interface LanguageSftCommandRequest extends RunRequest {
  /** Folder holding the pre-trained model's `lm/` and `tokenizer/`; default `datasets/models/<preset>`. */
  readonly modelsDir?: unknown;
}

/**
 * One run for a batch scheduler: trains (or reuses from the result store, which it also fills);
 * with `out`, also writes `{ config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch }` there.
 */
export async function runLanguageSftCommand(req: LanguageSftCommandRequest, lm?: LanguageModelInputs): Promise<SingleRun<LanguageSftConfig, FinetuneResult, SftRunJson<LanguageSftConfig>>> {
  const { out, resultsDir, force, preset, overrides } = checkRunRequest(req, LANGUAGE_TASK_IDS);
  const p = resolveParams(LANGUAGE_SFT_PARAMS, { preset, overrides, env: {} });
  await initBackend();
  return withLanguageModel(p, { lm, dirs: modelDirs(req.modelsDir) }, (inputs) => {
    const cell = languageSftCommandCell(req, inputs);
    return runSingleCell(cell, storeAt(resultsDir, () => languageSftStore(preset)), () => runLanguageSft(cell.config, inputs), { force, out, json: sftRunJson });
  });
}

/** The cell (key and configuration) a `language-sft` command line computes on the pre-trained model of `inputs`. */
export function languageSftCommandCell(req: LanguageSftCommandRequest, inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>): GridCell<LanguageSftConfig> {
  const { task, rate, seed, preset, overrides } = checkRunRequest(req, LANGUAGE_TASK_IDS);
  const config = languageSftConfig(resolveParams(LANGUAGE_SFT_PARAMS, { preset, overrides, env: {} }).languageSft, inputs, task, rate, seed);
  return { key: languageSftKey(config), config };
}
