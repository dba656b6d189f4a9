/**
 * Supervised fine-tuning baseline (Lovering et al. 2021): the same model the RL policy starts from,
 * with a classification head on the last token, fine-tuned on the rate-p training set, then scored
 * on the held-out partitions. Training reuses the probe trainer (Adam, seeded shuffles, one tidy per
 * step); only the data and the evaluation differ.
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
 * Fine-tunes `model` on `train` and scores it on `test`; `toIds` maps an example to token ids.
 * The model stays the caller's (not disposed here).
 */
export async function finetuneAndEvaluate(
  model: TrainableClassifier,
  train: readonly Example[],
  test: Readonly<Record<Partition, readonly Example[]>>,
  toIds: (e: Example) => number[],
  cfg: FinetuneConfig,
  rng: Rng,
): Promise<FinetuneResult> {
  const data = tokenizedSet(train.map(toIds), train.map((e) => e.label));
  const { lossNatsPerEpoch } = await trainClassifier(model, data, cfg, rng);
  const correct = {} as Record<Partition, boolean[]>;
  for (const p of PARTITIONS) {
    const set = test[p];
    correct[p] = set.length === 0 ? [] : [...(await evaluateClassifier(model, tokenizedSet(set.map(toIds), set.map((e) => e.label)), 256)).correct];
  }
  return { errors: partitionErrors(correct), accuracy: testAccuracy(correct), lossNatsPerEpoch };
}
