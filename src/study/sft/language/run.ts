/**
 * One run of the supervised (Lovering) baseline on a natural-language task: the pre-trained LM as a
 * sequence classifier (`language_classifier.ts`: a fresh copy, a new head on the last non-pad token,
 * all weights trained with AdamW), fine-tuned with cross-entropy on the rate-p training prompts
 * (label = t), then scored by its error on each held-out partition (validation passages).
 * Randomness: one root `createRng(seed).child('language-sft/task<k>/rate<p>')`; children `model`, `train`.
 */
import { initBackend } from '../../../backend';
import { finetuneAndEvaluate, type FinetuneConfig, type FinetuneResult } from '../../../sft/classifier_finetune';
import { buildLanguageTestSets, buildLanguageTrainingSet, resolveLanguageDataConfig, type LanguageDataConfig } from '../../../tasks/language/language_dataset';
import { checkInt, checkRange } from '../../../util/assert';
import { createRng } from '../../../util/rng';
import { buildLanguageClassifier, checkLanguageInputs, languageModelIdentity, type LanguageModelIdentity, type LanguageModelInputs } from '../../pretraining/model_inputs';
import type { LanguageSftValues } from './schema';

/** Version of a run's computation; bump it when the same config would give different numbers. */
export const LANGUAGE_SFT_VERSION = 1;

/** The parameters `languageSftConfig` reads: the `languageSft` group's data and fine-tuning fields. */
export type LanguageSftParams = Pick<LanguageSftValues, 'data' | 'finetune'>;

/** Everything one SFT run depends on (recorded with its result and compared on reuse). */
export interface LanguageSftConfig {
  /** {@link LANGUAGE_SFT_VERSION} at the time of the run. */
  readonly version: number;
  /** Task id of the authors' code. */
  readonly task: number;
  /** The data: task, rate, sizes, data seed, prompt tokens, corpus and tokenizer fingerprints. */
  readonly data: LanguageDataConfig;
  /** The pre-trained model the classifier starts from. */
  readonly lm: LanguageModelIdentity;
  /** Epochs, minibatch, learning rate, weight decay (AdamW). */
  readonly finetune: FinetuneConfig;
  /** Seed of the head's initialisation, dropout and shuffling. */
  readonly seed: number;
}

/** The configuration of the SFT run (task, rate, seed) on the model and data of `inputs`; `sft` is the `languageSft` group. */
export function languageSftConfig(sft: LanguageSftParams, inputs: Pick<LanguageModelInputs, 'model' | 'tokenizer' | 'corpus'>, task: number, rate: number, seed: number): LanguageSftConfig {
  checkRange('rate', rate, 0, 1);
  checkInt('seed', seed, 0);
  // Probing sets are not used; probeSize is the smallest allowed so the recorded config says so.
  const data = resolveLanguageDataConfig({ task, rate, ...sft.data, probeSize: 2 }, inputs);
  return {
    version: LANGUAGE_SFT_VERSION,
    task: data.task,
    data,
    lm: languageModelIdentity(inputs),
    finetune: { ...sft.finetune },
    seed,
  };
}

/** Trains and scores one classifier on the prompts of `cfg`; frees its tensors (also on error). Initialises the backend if nobody has. */
export async function runLanguageSft(cfg: LanguageSftConfig, inputs: LanguageModelInputs): Promise<FinetuneResult> {
  await initBackend();
  checkLanguageInputs(cfg, inputs);
  const rng = createRng(cfg.seed).child(`language-sft/task${cfg.task}/rate${cfg.data.rate}`);
  const train = buildLanguageTrainingSet(cfg.data, inputs);
  const test = buildLanguageTestSets(cfg.data, inputs);
  const model = buildLanguageClassifier(inputs.model, rng.child('model'));
  try {
    return await finetuneAndEvaluate(model, train, test, { toIds: (e) => inputs.tokenizer.encode(e.text), padId: inputs.tokenizer.padId }, cfg.finetune, rng.child('train'));
  } finally {
    model.dispose();
  }
}
