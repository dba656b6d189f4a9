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
import { languageRlCells, languageRlStore } from './rl/language/grid';
import type { LanguageRlConfig, LanguageRlResult } from './rl/language/run';
import { languageSftCells, languageSftStore } from './sft/language/grid';
import type { LanguageSftConfig } from './sft/language/run';

/** The loaded inputs of the language analysis with the coverage of each grid, or null when the preset has no cached model. */
export async function loadLanguageRuns(p: LanguageHypothesesParamValues): Promise<{ inputs: LanguageInputs; coverage: LanguageCoverage; runMs: LanguageRunMs; randomInitExtractability: TaskExtractabilityRow[] } | null> {
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
    };
  } finally {
    control.model.dispose();
    lm.model.dispose();
  }
}
