/**
 * The supervised (Lovering) baseline grid on the natural-language tasks: tasks x rates x seeds, one
 * result file per run under `datasets/results/<preset>/language_sft/task<k>/rate<p>/lm-<model tag>/seed<n>.json`
 * (atomic; an interrupted grid resumes; a run made with another pre-trained model is never reused).
 * Runs have the toy grid's shape (`ToySftRun`), so `toySftFeatureUse`, `toySftTable`,
 * `toySftThresholds` and `toySftH2Rows` (toy_sft_grid.ts) summarise them unchanged.
 */
import { initBackend } from '../backend';
import { writeJsonAtomic } from '../io/atomic_write';
import { ResultStore } from '../io/result_store';
import type { FinetuneResult } from '../sft/classifier_finetune';
import { LANGUAGE_TASK_IDS } from '../tasks/language/prefix_tasks';
import { ConfigError } from '../util/assert';
import { runGrid, type GridCell, type GridProgress } from './grid';
import { identityTag, modelDirs, withLanguageModel, type LanguageModelInputs } from './language_classifier';
import { LANGUAGE_SFT_PARAMS, type LanguageSftParamValues } from './language_probe_params';
import { languageSftConfig, runLanguageSft, type LanguageSftConfig } from './language_sft';
import { resolveParams } from './params';
import { datasetsPath, rateTag } from './paths';
import { checkRunRequest, type RunRequest } from './run_request';
import { sftRunOf, type ToySftRun } from './toy_sft_grid';

/** One finished (or reused) language SFT run: the toy grid's run shape. */
export type LanguageSftRun = ToySftRun;

/** The store of a preset's language SFT runs: `datasets/results/<preset>/language_sft/`. */
export function languageSftStore(preset: string): ResultStore {
  return new ResultStore(datasetsPath('results', preset, 'language_sft'));
}

/** Result-file key of a run: `task<k>/rate<p>/lm-<12 hex of the model identity>/seed<n>`. */
export function languageSftKey(cfg: Pick<LanguageSftConfig, 'task' | 'data' | 'lm' | 'seed'>): string {
  return `task${cfg.task}/rate${rateTag(cfg.data.rate)}/lm-${identityTag(cfg.lm)}/seed${cfg.seed}`;
}

/** The cells tasks x rates x seeds in that nesting (default the axes of `p`), on the model of `inputs`. */
export function languageSftCells(
  p: LanguageSftParamValues,
  inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>,
  tasks: readonly number[] = p.langSftTasks,
  rates: readonly number[] = p.langSftRates,
  seeds: readonly number[] = p.langSftSeeds,
): GridCell<LanguageSftConfig>[] {
  return tasks.flatMap((task) =>
    rates.flatMap((rate) =>
      seeds.map((seed) => {
        const config = languageSftConfig(p, inputs, task, rate, seed);
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
  readonly store?: ResultStore;
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
    const missing: string[] = [];
    const runs: LanguageSftRun[] = [];
    for (const cell of hooks.cells ?? languageSftCells(p, lm)) {
      const stored = store.get<LanguageSftConfig, FinetuneResult>(cell.key, cell.config);
      if (stored) runs.push(sftRunOf({ ...stored, reused: true }));
      else missing.push(cell.key);
    }
    if (missing.length) {
      throw new ConfigError(
        `language SFT results: ${missing.length} run(s) missing in ${store.dir} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}); expected them from 'cli.ts language-sft' or runLanguageSftGrid with the same preset, parameters and pre-trained model`,
      );
    }
    return runs;
  });
}

// ---- one run from the command line ----------------------------------------------------------

/** Flags of `cli.ts language-sft` (unchecked; checked here). */
export interface LanguageSftCommandRequest extends RunRequest {
  /** Result store folder; default `datasets/results/<preset>/language_sft`. */
  readonly resultsDir?: unknown;
  /** Folder holding the pre-trained model's `lm/` and `tokenizer/`; default `datasets/models/<preset>`. */
  readonly modelsDir?: unknown;
}

/**
 * One run for a batch scheduler: trains (or reuses from the preset's result store, which it also
 * fills) and writes `{ config, errors: {both, neither, s_only, t_only}, accuracy, lossNatsPerEpoch }` to `out`.
 */
export async function runLanguageSftCommand(
  req: LanguageSftCommandRequest,
  lm?: LanguageModelInputs,
): Promise<{ out: string; key: string; reused: boolean; config: LanguageSftConfig; result: FinetuneResult }> {
  const { out, task, rate, seed, preset, overrides } = checkRunRequest(req, LANGUAGE_TASK_IDS);
  const p = resolveParams(LANGUAGE_SFT_PARAMS, { preset, overrides, env: {} });
  await initBackend();
  return withLanguageModel(p, { lm, dirs: modelDirs(req.modelsDir) }, async (inputs) => {
    const config = languageSftConfig(p, inputs, task, rate, seed);
    const key = languageSftKey(config);
    const store = typeof req.resultsDir === 'string' ? new ResultStore(req.resultsDir) : languageSftStore(preset);
    const stored = req.force === true ? undefined : store.get<LanguageSftConfig, FinetuneResult>(key, config);
    let result: FinetuneResult;
    if (stored) result = stored.result;
    else {
      const t0 = Date.now();
      result = await runLanguageSft(config, inputs);
      store.put(key, config, result, Date.now() - t0);
    }
    writeJsonAtomic(out, { config, ...result });
    return { out, key, reused: stored !== undefined, config, result };
  });
}
