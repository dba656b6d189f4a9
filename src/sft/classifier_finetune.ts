/**
 * Supervised fine-tuning baseline (Lovering et al. 2021): the same model the RL policy starts from,
 * with a classification head on the last token, fine-tuned on the rate-p training set, then scored
 * on the held-out partitions. Training reuses the probe trainer (Adam, seeded shuffles, one tidy per
 * step); only the data and the evaluation differ. Prompts of different token lengths (the language
 * tasks) are left-padded with the tokenizer's pad id and masked.
 */
import type { TrainableClassifier } from '../probing/probe_training';
import { evaluateClassifier, tokenizedSet, trainClassifier } from '../probing/probe_training';
import { PARTITIONS } from '../tasks/partitions';
import type { Example, Partition } from '../tasks/types';
import type { Rng } from '../util/rng';
import { partitionErrors, testAccuracy } from './partition_error';

/** Fine-tuning settings. */
export interface FinetuneConfig {
  /** Passes over the training set. */
  readonly epochs: number;
  /** Minibatch size. */
  readonly batchSize: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  /** Decoupled (AdamW) weight decay on every trainable variable; absent or 0: Adam (the toy baseline). */
  readonly weightDecay?: number;
}

/** How examples become token rows: ids per example, and the pad id when rows differ in length. */
export interface ExampleEncoding {
  /** Token ids of an example. */
  readonly toIds: (e: Example) => number[];
  /** Pad id for left padding with an attention mask (`tokenizedSet`); absent: rows must have equal length. */
  readonly padId?: number;
}

/** What a fine-tuning run measures. */
export interface FinetuneResult {
  /** Error per held-out partition. */
  readonly errors: Record<Partition, number>;
  /** Accuracy over all held-out partitions. */
  readonly accuracy: number;
  /** Mean training loss per epoch, nats. */
  readonly lossNatsPerEpoch: number[];
}

/**
 * Fine-tunes `model` on `train` and scores it on `test`; `encode` maps an example to token ids
 * (a function, or an {@link ExampleEncoding} with a pad id for rows of different lengths).
 * The model stays the caller's (not disposed here).
 */
export async function finetuneAndEvaluate(
  model: TrainableClassifier,
  train: readonly Example[],
  test: Readonly<Record<Partition, readonly Example[]>>,
  encode: ((e: Example) => number[]) | ExampleEncoding,
  cfg: FinetuneConfig,
  rng: Rng,
): Promise<FinetuneResult> {
  const { toIds, padId } = typeof encode === 'function' ? { toIds: encode, padId: undefined } : encode;
  const pack = (set: readonly Example[]) => tokenizedSet(set.map(toIds), set.map((e) => e.label), padId);
  const { lossNatsPerEpoch } = await trainClassifier(model, pack(train), cfg, rng);
  const correct = {} as Record<Partition, boolean[]>;
  for (const p of PARTITIONS) {
    const set = test[p];
    correct[p] = set.length === 0 ? [] : [...(await evaluateClassifier(model, pack(set), 256)).correct];
  }
  return { errors: partitionErrors(correct), accuracy: testAccuracy(correct), lossNatsPerEpoch };
}
