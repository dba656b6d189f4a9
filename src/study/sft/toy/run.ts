/**
 * One run of the supervised (Lovering) baseline on a synthetic task: the RL policy's architecture
 * (`GPT`), randomly initialised as in the RL study, with a classification head on the last token
 * (`GPTClassifier`, adapted by `buildToyProbeModel`), fine-tuned with cross-entropy on the rate-p
 * training set, then scored by its error on each held-out partition.
 * Randomness: one root `createRng(seed).child('toy-sft/task<k>/rate<p>')`; children `model`, `train`.
 */
import type { GPTConfig } from '../../../models/gpt';
import { finetuneAndEvaluate, type FinetuneConfig, type FinetuneResult } from '../../../sft/classifier_finetune';
import { createRng } from '../../../util/rng';
import { buildToyTestSets, buildToyTrainingSet, resolveToyDataConfig, type ToyDataConfig } from '../../data/toy';
import { buildToyProbeModel, symbolIds } from '../../extractability/toy/probe';
import { resolveToyTaskRef, type ToyTaskRef } from '../../extractability/toy/grid';
import type { ParamValues } from '../../params/presets';
import { toyPolicyModel } from '../../rl/toy/run';
import type { TOY_RL_GROUP, TOY_RUN_DATA_PARAMS } from '../../rl/toy/schema';
import type { TOY_SFT_GROUP } from './schema';

/** Everything one SFT run depends on (recorded with its result and compared on reuse). */
export interface ToySftConfig {
  /** Study task 1..5, or the id of an extension rule pair (the rules are in `data`). */
  readonly task: number;
  /** The data: rules, rate, sizes, data seed. */
  readonly data: ToyDataConfig;
  /** The classifier's trunk: the toy policy's GPT at the preset's size. */
  readonly model: GPTConfig;
  /** Epochs, minibatch, learning rate. */
  readonly finetune: FinetuneConfig;
  /** Seed of initialisation, dropout and shuffling. */
  readonly seed: number;
}

/** The parameters `toySftConfig` reads: the data, the RL grid's policy shape and the `toySft` group (notebook 04's resolved parameters have them all). */
export interface ToySftParams {
  readonly toyData: Pick<ParamValues<typeof TOY_RUN_DATA_PARAMS>, 'seed' | 'vocab' | 'length' | 'testSize'>;
  readonly toyRl: Pick<ParamValues<typeof TOY_RL_GROUP>, 'model'>;
  readonly toySft: ParamValues<typeof TOY_SFT_GROUP>;
}

/** The configuration of SFT run (task, rate, seed); `task` is a study task id or a numbered rule pair. */
export function toySftConfig(p: ToySftParams, task: ToyTaskRef, rate: number, seed: number): ToySftConfig {
  const pair = resolveToyTaskRef(task);
  const { vocab, length, testSize } = p.toyData;
  // The training set is generated at the SFT size (`toySft.data.trainSize`), so its rate-p composition is exact; probing sets are not used.
  const data = resolveToyDataConfig({ target: pair.target, spurious: pair.spurious, rate, seed: p.toyData.seed, vocab, length, testSize, probeSize: 2, ...p.toySft.data });
  // The classifier reads the prompt only (no response); GPT-2's dropout is active while training.
  const model = toyPolicyModel(vocab, length, p.toyRl.model);
  return { task: pair.id, data, model, finetune: { ...p.toySft.finetune }, seed };
}

/** Trains and scores one classifier; frees its tensors (also on error). */
export async function runToySft(cfg: ToySftConfig): Promise<FinetuneResult> {
  const rng = createRng(cfg.seed).child(`toy-sft/task${cfg.task}/rate${cfg.data.rate}`);
  const train = buildToyTrainingSet(cfg.data);
  const test = buildToyTestSets(cfg.data);
  const model = buildToyProbeModel({ kind: 'policy', config: cfg.model }, rng.child('model'));
  try {
    return await finetuneAndEvaluate(model, train, test, (e) => symbolIds(e.text, cfg.data.vocab), cfg.finetune, rng.child('train'));
  } finally {
    model.dispose();
  }
}
