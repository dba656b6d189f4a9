/**
 * The synthetic RL environment of Cruz et al. (STUDY.md "RL on synthetic tasks"): a prompt is one
 * example's 10 symbols; the policy writes up to 5 tokens; the reward counts the steps of a strictly
 * ascending (label 1) or descending (label 0) run from the first generated digit, divided by 4.
 * Vocabulary: symbols 0..V-1 are token ids 0..V-1, then pad and unk (the study's 12 tokens at V = 10).
 */
import type { Example } from '../tasks/types';
import type { Rng } from '../util/rng';
import { toyRewardFromTokenIds } from './toy_reward';

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

/** The toy vocabulary for `vocab` symbols (STUDY.md: 10 digits + pad/unk = 12). */
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
