/**
 * The random-initialisation control of the language MDL probes (issue 16; not in the study): the
 * same probes on an untrained model of the pre-trained model's shape (GPT-2 init, seeded), so the
 * part of a feature's extractability that pre-training gives shows as the gap between the two. The
 * control's runs are ordinary language MDL runs: their configuration records the untrained model's
 * weights hash, so they sit in the same store under their own keys and never mix with the
 * pre-trained model's.
 */
import type { TaskExtractabilityRow } from '../../../hypotheses/runs';
import type { LanguageModelInputs } from '../../pretraining/model_inputs';
import { randomInitInputs, type ProbedModel } from './random_init';
import { languageExtractabilityTable, languageMdlCells, runLanguageMdlGrid, type LanguageMdlGridOptions, type LanguageMdlRun } from './grid';
import type { LanguageMdlParamValues } from './schema';


/**
 * Runs (or reuses) the MDL grid on every model of `p.langMdlModels`: the pre-trained one with
 * `p.langMdlSeeds`, the untrained control with `p.langMdlRandomSeeds`. Returns the runs per model
 * (an empty list for a model not asked for). `opts.lm` is the pre-trained model (kept by the caller).
 */
export async function runLanguageMdlModels(p: LanguageMdlParamValues, lm: LanguageModelInputs, opts: Omit<LanguageMdlGridOptions, 'lm' | 'cells'> = {}): Promise<Record<ProbedModel, LanguageMdlRun[]>> {
  const out: Record<ProbedModel, LanguageMdlRun[]> = { pretrained: [], random: [] };
  if (p.langMdlModels.includes('pretrained')) out.pretrained = await runLanguageMdlGrid(p, { ...opts, lm });
  if (p.langMdlModels.includes('random')) {
    const control = randomInitInputs(lm, p.langMdlRandomInitSeed);
    try {
      const cells = languageMdlCells({ ...p, langMdlSeeds: p.langMdlRandomSeeds }, control);
      out.random = await runLanguageMdlGrid(p, { ...opts, lm: control, cells });
    } finally {
      control.model.dispose();
    }
  }
  return out;
}

/** One row per task of the control table (a type alias so rows pass to `showTable`). */
export type ExtractabilityControlRow = {
  task: number;
  'MDL(s)/MDL(t), pre-trained': number;
  'MDL(s)/MDL(t), random init': number;
  'MDL(t) bits, pre-trained': number;
  'MDL(t) bits, random init': number;
  /** log(rel pre-trained) - log(rel random): above 0, pre-training made t relatively more extractable. */
  'log ratio gain from pre-training': number;
};

/** Relative extractability of each task on both models (tasks in the pre-trained table's order; NaN where a model has no row). */
export function extractabilityControlTable(pretrained: readonly TaskExtractabilityRow[], random: readonly TaskExtractabilityRow[]): ExtractabilityControlRow[] {
  const tasks = [...new Set([...pretrained, ...random].map((r) => r.task))];
  return tasks.map((task) => {
    const a = pretrained.find((r) => r.task === task);
    const b = random.find((r) => r.task === task);
    return {
      task,
      'MDL(s)/MDL(t), pre-trained': a?.relMdl ?? NaN,
      'MDL(s)/MDL(t), random init': b?.relMdl ?? NaN,
      'MDL(t) bits, pre-trained': a?.mdlTBits ?? NaN,
      'MDL(t) bits, random init': b?.mdlTBits ?? NaN,
      'log ratio gain from pre-training': a && b ? Math.log(a.relMdl) - Math.log(b.relMdl) : NaN,
    };
  });
}

/** The control table straight from the runs of both models. */
export function extractabilityControlFromRuns(runs: Record<ProbedModel, readonly LanguageMdlRun[]>): ExtractabilityControlRow[] {
  return extractabilityControlTable(languageExtractabilityTable(runs.pretrained), languageExtractabilityTable(runs.random));
}
