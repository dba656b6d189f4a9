/**
 * The synthetic RL environment of Cruz et al. (docs/study.md "RL on synthetic tasks"): a prompt is one
 * example's 10 symbols; the policy writes 5 tokens; the reward counts the steps of a strictly
 * ascending (label 1) or descending (label 0) run from the first generated digit, divided by 4.
 * Vocabulary: symbols 0..V-1 are token ids 0..V-1, then pad and unk (the study's 12 tokens at V = 10).
 * EOS: the vocabulary has none, so every episode is exactly `TOY_RESPONSE_TOKENS` tokens long (the
 * study's "up to 5" never stops early); pad/unk can still be sampled and are skipped by the reward.
 * Evaluation: mean reward per partition on held-out prompts (`evaluatePartitions`).
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import { generate } from '../models/sampling';
import { PARTITIONS } from '../tasks/partitions';
import type { Example, Partition } from '../tasks/types';
import type { Rng } from '../util/rng';
import { toyRewardFromTokenIds } from './toy_reward';

/** Response tokens per episode (docs/study.md: the policy samples up to 5 tokens; no EOS, so exactly 5). */
export const TOY_RESPONSE_TOKENS = 5;

/** Token ids of the toy policy for a vocabulary of `vocab` symbols. */
export interface ToyVocab {
  /** Symbols 0..vocab-1 map to ids 0..vocab-1. */
  readonly symbols: number;
  /** Padding id (= vocab); never in prompts, which all have the same length. */
  readonly padId: number;
  /** Unknown-token id (= vocab + 1). */
  readonly unkId: number;
  /** Rows of the embedding: symbols + pad + unk. */
  readonly size: number;
}

/** The toy vocabulary for `vocab` symbols (docs/study.md: 10 digits + pad/unk = 12). */
export function toyVocab(vocab: number): ToyVocab {
  return { symbols: vocab, padId: vocab, unkId: vocab + 1, size: vocab + 2 };
}

/** Token ids of an example's text (`"3 5 1 ..."`). */
export function promptIds(example: Pick<Example, 'text'>): number[] {
  return example.text.split(' ').map(Number);
}

/**
 * The reward of each response: token ids that are digits 0..9 are read as digits (the study's
 * policy writes digits; with a larger vocabulary, symbols above 9 are not digits), others are
 * skipped as the authors' decoding does (`skip_special_tokens`, non-integers dropped).
 * @param responses one array of token ids per episode
 */
export function toyScores(responses: readonly ArrayLike<number>[], labels: readonly (0 | 1)[]): number[] {
  const digitOf = (id: number): number | null => (id >= 0 && id <= 9 ? id : null);
  return responses.map((ids, i) => toyRewardFromTokenIds(ids, labels[i], digitOf));
}

/** `n` prompts drawn uniformly with replacement from `pool` (RL4LMs samples training prompts at random). */
export function samplePrompts(pool: readonly Example[], n: number, rng: Rng): Example[] {
  if (pool.length === 0) throw new Error('samplePrompts: the prompt pool is empty');
  return Array.from({ length: n }, () => pool[rng.int(pool.length)]);
}

/**
 * Something that answers prompts: the trained policy (`policyResponder`) or, in tests, a stub.
 * @returns one array of `TOY_RESPONSE_TOKENS` token ids per prompt
 */
export type ToyResponder = (prompts: readonly (readonly number[])[], rng: Rng) => Promise<Int32Array[]>;

/** The policy as a responder: `generate` with the KV cache, temperature `temperature` (study: 1), no top-k/top-p, no EOS. */
export function policyResponder(policy: GPT, temperature = 1, responseTokens = TOY_RESPONSE_TOKENS): ToyResponder {
  return async (prompts, rng) => {
    const query = tf.tensor2d(prompts.map((p) => [...p]), undefined, 'int32'); // [batch, prompt] int32
    const gen = await generate(policy, query, undefined, { maxNewTokens: responseTokens, temperature }, rng);
    // sync: the response ids, once per call.
    const flat = (await gen.tokens.data()) as Int32Array;
    for (const t of [query, gen.tokens, gen.logprobs, gen.mask]) t.dispose();
    return prompts.map((_, i) => flat.slice(i * responseTokens, (i + 1) * responseTokens));
  };
}

/**
 * Mean reward per partition on held-out prompts: the first `promptsPerPartition` examples of each
 * test set (test sets are generated in random order), answered by `respond` with the child rng
 * `<partition>` of `rng`, scored against each example's label. An empty partition gives NaN.
 */
export async function evaluatePartitions(
  respond: ToyResponder,
  testSets: Readonly<Record<Partition, readonly Example[]>>,
  promptsPerPartition: number,
  rng: Rng,
): Promise<Record<Partition, number>> {
  const out = {} as Record<Partition, number>;
  for (const partition of PARTITIONS) {
    const examples = testSets[partition].slice(0, promptsPerPartition);
    if (examples.length === 0) {
      out[partition] = NaN;
      continue;
    }
    const responses = await respond(examples.map(promptIds), rng.child(partition));
    const scores = toyScores(responses, examples.map((e) => e.label));
    out[partition] = scores.reduce((a, b) => a + b, 0) / scores.length;
  }
  return out;
}
