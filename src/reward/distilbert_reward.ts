/**
 * The study's reward: the POSITIVE-class logit of a DistilBERT sentiment classifier
 * (lvwerra/distilbert-imdb, label 1 = POSITIVE) on each text, as TRL 0.4's gpt2-sentiment example
 * computes it (`pipeline("sentiment-analysis", ..., function_to_apply="none")`, then `output[1]["score"]`):
 * raw logits, no softmax. Texts longer than the model's positions are truncated (the pipeline would
 * fail on them instead).
 */
import * as tf from '@tensorflow/tfjs';
import type { DistilBertClassifier } from '../models/distilbert';
import { loadHfDistilBert } from '../models/hf_distilbert_import';
import type { WordPieceTokenizer } from '../tokenizer/wordpiece';
import { ConfigError } from '../util/assert';

/** A loaded DistilBERT classifier and what the reward needs to read it. */
export interface DistilBertRewardModel {
  readonly model: DistilBertClassifier;
  readonly tokenizer: WordPieceTokenizer;
  /** The column of the positive class (see {@link positiveLabelIndex}). */
  readonly positiveIndex: number;
}

/** Texts per forward pass; HF pipeline batch_size in the study's TRL example is 16. */
export const DISTILBERT_REWARD_BATCH = 16;

/**
 * The index of the positive class: the label named POSITIVE (any case; `id2label` of distilbert-imdb is
 * {0: NEGATIVE, 1: POSITIVE}), or 1 for a two-class model with generic names (LABEL_0, LABEL_1).
 * Throws a ConfigError naming the labels otherwise.
 */
export function positiveLabelIndex(labels: readonly string[]): number {
  const named = labels.findIndex((l) => l.toUpperCase() === 'POSITIVE' || l.toUpperCase() === 'POS');
  if (named >= 0) return named;
  if (labels.length === 2 && labels.every((l, i) => l === `LABEL_${i}`)) return 1;
  throw new ConfigError(`id2label: ${JSON.stringify(labels)} has no POSITIVE label; expected a sentiment classifier such as lvwerra/distilbert-imdb`);
}

/**
 * Loads a DistilBERT sentiment classifier folder (see `loadHfDistilBert`) as a reward model; the caller
 * disposes `model`. Throws a ConfigError naming a missing file or a model without a POSITIVE label.
 */
export function loadDistilBertReward(dir: string): DistilBertRewardModel {
  const { model, tokenizer, labels } = loadHfDistilBert(dir);
  try {
    return { model, tokenizer, positiveIndex: positiveLabelIndex(labels) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * The positive-class logit of each text (the study's reward R), in `batchSize` forward passes over
 * right-padded batches; padding does not change a text's logit.
 * @returns one number per text (logit, nats of odds against the other class for two classes)
 */
export function distilBertRewards(rm: DistilBertRewardModel, texts: readonly string[], batchSize = DISTILBERT_REWARD_BATCH): number[] {
  const out: number[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = rm.tokenizer.encodeBatch(texts.slice(start, start + batchSize));
    const positive = tf.tidy('reward/distilbertBatch', () => {
      const ids = tf.tensor2d(batch.inputIds, undefined, 'int32'); // [batch, seq] int32
      const mask = tf.tensor2d(batch.attentionMask); // [batch, seq]
      const logits = rm.model.classify(ids, mask); // [batch, classes]
      return tf.squeeze(tf.slice(logits, [0, rm.positiveIndex], [-1, 1]), [1]); // [batch]
    });
    // sync: one host read per batch
    out.push(...(positive.dataSync() as Float32Array));
    positive.dispose();
  }
  return out;
}

/** A one-text scorer (`(text) => reward`) over {@link distilBertRewards}, for code that scores texts one by one. */
export function distilBertScorer(rm: DistilBertRewardModel): (text: string) => number {
  return (text: string) => distilBertRewards(rm, [text])[0];
}
