/**
 * The random-initialisation control of the language MDL probes (issue 16; not in the study): the
 * same probes on an untrained model of the pre-trained model's shape (GPT-2 init, seeded), so the
 * part of a feature's extractability that pre-training gives shows as the gap between the two. The
 * control's runs are ordinary language MDL runs: their configuration records the untrained model's
 * weights hash, so they sit in the same store under their own keys and never mix with the
 * pre-trained model's.
 */
import { extractabilityControlTable, type ExtractabilityControlRow } from '../../../hypotheses/random_init_control';
import type { LanguageModelInputs } from '../../pretraining/model_inputs';
import { randomInitInputs, type ProbedModel } from './random_init';
import { languageExtractabilityTable, languageMdlCells, runLanguageMdlGrid, type LanguageMdlGridOptions, type LanguageMdlRun } from './grid';
import type { LanguageMdlParamValues, LanguageMdlValues } from './schema';
import type { LanguageMdlCellConfig, LanguageMdlGridParams } from './probe';
import type { GridCell } from '../../../io/run_store';

/** The control's cells: the probes of `p`'s tasks and features on the untrained model `control`, with the control's own probe seeds. */
export function randomInitMdlCells(p: { readonly languageMdl: LanguageMdlGridParams['languageMdl'] & Pick<LanguageMdlValues, 'randomSeeds'> }, control: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>): GridCell<LanguageMdlCellConfig>[] {
  return languageMdlCells({ languageMdl: { ...p.languageMdl, seeds: p.languageMdl.randomSeeds } }, control);
}

/**
 * Runs (or reuses) the MDL grid on every model of `p.languageMdl.models`: the pre-trained one with
 * `languageMdl.seeds`, the untrained control with `languageMdl.randomSeeds`. Returns the runs per model
 * (an empty list for a model not asked for). `opts.lm` is the pre-trained model (kept by the caller).
 */
export async function runLanguageMdlModels(p: LanguageMdlParamValues, lm: LanguageModelInputs, opts: Omit<LanguageMdlGridOptions, 'lm' | 'cells'> = {}): Promise<Record<ProbedModel, LanguageMdlRun[]>> {
  const out: Record<ProbedModel, LanguageMdlRun[]> = { pretrained: [], random: [] };
  if (p.languageMdl.models.includes('pretrained')) out.pretrained = await runLanguageMdlGrid(p, { ...opts, lm });
  if (p.languageMdl.models.includes('random')) {
    const control = randomInitInputs(lm, p.languageMdl.randomInitSeed);
    try {
      const cells = randomInitMdlCells(p, control);
      out.random = await runLanguageMdlGrid(p, { ...opts, lm: control, cells });
    } finally {
      control.model.dispose();
    }
  }
  return out;
}

/** The control table straight from the runs of both models. */
export function extractabilityControlFromRuns(runs: Record<ProbedModel, readonly LanguageMdlRun[]>): ExtractabilityControlRow[] {
  return extractabilityControlTable(languageExtractabilityTable(runs.pretrained), languageExtractabilityTable(runs.random));
}
