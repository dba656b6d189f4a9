/**
 * The stored runs of the language study for `npm run results` (nothing trained or probed here):
 * the MDL runs on the pre-trained and the untrained model, the RL and the SFT runs of a preset's
 * grids, with how many of each grid's runs the stores hold. Needs notebook 05's cached model (its
 * weights identify the runs); without it nothing is loaded.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MANIFEST_FILE } from '../io/manifest';
import type { LanguageCoverage, LanguageRunMs } from '../hypotheses/language_results_report';
import type { LanguageInputs } from '../hypotheses/language_analysis';
import { sftRunOf, type TaskExtractabilityRow } from '../hypotheses/runs';
import type { FinetuneResult } from '../sft/classifier_finetune';
import { languageExtractabilityTable, languageMdlCells, languageMdlStore } from './extractability/language/grid';
import type { LanguageMdlCellConfig, LanguageMdlCellResult } from './extractability/language/probe';
import { randomInitInputs } from './extractability/language/random_init';
import { randomInitMdlCells } from './extractability/language/random_control';
import type { LanguageHypothesesParamValues } from './language_hypotheses_schema';
import { languageModelDir, loadOrTrainLanguageModel } from './pretraining/model';
import { weightsSha256 } from './pretraining/model_inputs';
import { languageRlCells, languageRlStore } from './rl/language/grid';
import type { LanguageRlConfig, LanguageRlResult } from './rl/language/run';
import { languageSftCells, languageSftStore } from './sft/language/grid';
import type { LanguageSftConfig } from './sft/language/run';

/** The loaded inputs of the language analysis with the coverage of each grid, or null when the preset has no cached model. */
export async function loadLanguageRuns(p: LanguageHypothesesParamValues): Promise<{ inputs: LanguageInputs; coverage: LanguageCoverage; runMs: LanguageRunMs; randomInitExtractability: TaskExtractabilityRow[]; modelSha256: string } | null> {
  if (p.lm.hfModelDir === null && !fs.existsSync(path.join(languageModelDir(p.preset), MANIFEST_FILE))) return null;
  const lm = await loadOrTrainLanguageModel(p);
  const control = randomInitInputs(lm, p.languageMdl.randomInitSeed);
  try {
    const mdl = languageMdlStore(p.preset).loadExisting<LanguageMdlCellConfig, LanguageMdlCellResult>(languageMdlCells(p, lm));
    const randomCells = p.languageMdl.models.includes('random') ? randomInitMdlCells(p, control) : [];
    const random = languageMdlStore(p.preset).loadExisting<LanguageMdlCellConfig, LanguageMdlCellResult>(randomCells);
    const rlCells = languageRlCells(p, lm);
    const rl = languageRlStore(p.preset).loadExisting<LanguageRlConfig, LanguageRlResult>(rlCells);
    const sftCells = languageSftCells(p, lm);
    const sft = languageSftStore(p.preset).loadExisting<LanguageSftConfig, FinetuneResult>(sftCells);
    const count = (found: number, total: number) => ({ found, total });
    const ms = (runs: readonly { readonly wallMs: number }[]) => runs.reduce((a, r) => a + r.wallMs, 0);
    return {
      inputs: {
        extractability: languageExtractabilityTable(mdl.runs),
        rl: rl.runs.map((r) => ({ task: r.config.data.task, rate: r.config.data.rate, seed: r.config.seed, reused: r.reused, wallMs: r.wallMs, result: r.result })),
        sft: sft.runs.map(sftRunOf),
      },
      randomInitExtractability: languageExtractabilityTable(random.runs),
      coverage: {
        MDL: count(mdl.runs.length, mdl.runs.length + mdl.missing.length),
        'random-init MDL': count(random.runs.length, randomCells.length),
        RL: count(rl.runs.length, rlCells.length),
        SFT: count(sft.runs.length, sftCells.length),
      },
      runMs: { MDL: ms(mdl.runs), 'random-init MDL': ms(random.runs), RL: ms(rl.runs), SFT: ms(sft.runs) },
      modelSha256: weightsSha256(lm.model),
    };
  } finally {
    control.model.dispose();
    lm.model.dispose();
  }
}

/**
 * Pre-trained models (sha256 of the weights) that the language RL runs stored for `preset` name,
 * with how many runs name each. A torn or foreign file is skipped (the store reports it on use).
 */
export function storedLanguageRlModels(preset: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of languageRlStore(preset).entries()) {
    if (e.hash === undefined) continue;
    try {
      const sha: unknown = JSON.parse(fs.readFileSync(e.file, 'utf8'))?.config?.lm?.weightsSha256;
      if (typeof sha === 'string') counts.set(sha, (counts.get(sha) ?? 0) + 1);
    } catch {
      // not a result file this reader understands
    }
  }
  return counts;
}

/**
 * Why the stored language RL runs cannot be read with the cached model: none of them names it, and
 * some name another (pre-training on a CPU that rounds differently rebuilds another model: README
 * "Backends"); undefined when some runs name the cached model or none are stored.
 */
export function otherModelProblem(cachedSha256: string, stored: ReadonlyMap<string, number>): string | undefined {
  if (stored.size === 0 || stored.has(cachedSha256)) return undefined;
  const others = [...stored.entries()].sort((a, b) => b[1] - a[1]).map(([sha, n]) => `${n} of pre-trained model ${sha.slice(0, 12)}…`).join(', ');
  return `language: the result store's RL runs (${others}) were computed with another pre-trained model than the cached one (${cachedSha256.slice(0, 12)}…); pre-training rounds differently on another CPU or thread count (README "Backends"), so these runs are not this model's: put that model in datasets/models/<preset>/lm (or compute the grids for the cached one) first`;
}

