/**
 * The natural-language episode: a left-padded batch of prompts goes in, the policy samples a
 * response, and the sentiment reward scores prompt + response with the study's sign rule (the
 * authors' `trl_run.py` decodes query and response and scores their concatenation). Host-side text
 * handling only; the tensors are built by `promptBatch`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Label } from '../tasks/types';
import { ConfigError } from '../util/assert';
import { sentimentScore, signedReward } from './sentiment_reward';

/** A tokenizer the episode needs: encode prompts, decode responses, and its special ids. */
export interface EpisodeTokenizer {
  encode(text: string): number[];
  decode(ids: readonly number[], opts?: { skipSpecialTokens?: boolean }): string;
  readonly eosId: number;
  readonly padId: number;
}

/** Token rows left-padded to the longest one: `ids` [n, len] with `padId`, `mask` [n, len] 1 = real token. */
export interface PaddedRows {
  readonly ids: Int32Array;
  readonly mask: Float32Array;
  readonly n: number;
  readonly len: number;
}

/** Left-pads `rows` (each non-empty) to the longest row, so every response starts at the same column. */
export function leftPad(rows: readonly (readonly number[])[], padId: number): PaddedRows {
  const n = rows.length;
  if (n === 0) throw new ConfigError('rows: is empty; expected at least one prompt');
  const len = Math.max(...rows.map((r) => r.length));
  const ids = new Int32Array(n * len).fill(padId);
  const mask = new Float32Array(n * len);
  rows.forEach((row, i) => {
    if (row.length === 0) throw new ConfigError(`rows[${i}]: is empty; expected at least one token`);
    const offset = i * len + (len - row.length);
    ids.set(row, offset);
    mask.fill(1, offset, offset + row.length);
  });
  return { ids, mask, n, len };
}

/** The tensors of a prompt batch: ids [batch, prompt] int32 and mask [batch, prompt] float (null when nothing is padded). Caller disposes. */
export function promptBatch(prompts: readonly string[], tok: EpisodeTokenizer): { ids: tf.Tensor2D; mask: tf.Tensor2D | null } {
  const padded = leftPad(prompts.map((p) => tok.encode(p)), tok.padId);
  const ids = tf.tensor2d(padded.ids, [padded.n, padded.len], 'int32');
  const anyPad = padded.mask.some((m) => m === 0);
  return { ids, mask: anyPad ? tf.tensor2d(padded.mask, [padded.n, padded.len], 'float32') : null };
}

/** The text of a sampled response: its first `length` tokens without special tokens (EOS ends it). */
export function responseText(tok: EpisodeTokenizer, ids: ArrayLike<number>, length: number): string {
  const kept: number[] = [];
  for (let j = 0; j < length; j++) if (ids[j] !== tok.eosId && ids[j] !== tok.padId) kept.push(ids[j]);
  return tok.decode(kept, { skipSpecialTokens: true });
}

/** A sentiment score of a text: VADER's compound (`sentimentScore`) or a classifier's logit. */
export type SentimentScorer = (text: string) => number;

/** The text the reward model reads: prompt + response (the study's TRL script) or the response alone. */
export const REWARD_TEXTS = ['prompt+response', 'response'] as const;
export type RewardText = (typeof REWARD_TEXTS)[number];

/**
 * Rewards of a batch: `score(prompt + response)` (or `score(response)` with `rewardOn: 'response'`)
 * signed by each prompt's label (`signedReward`); `texts` are always prompt + response.
 */
export function episodeRewards(
  tok: EpisodeTokenizer,
  prompts: readonly string[],
  labels: readonly Label[],
  responses: readonly ArrayLike<number>[],
  lengths: readonly number[],
  score: SentimentScorer = sentimentScore,
  rewardOn: RewardText = 'prompt+response',
): { rewards: number[]; texts: string[] } {
  const replies = prompts.map((_, i) => responseText(tok, responses[i], lengths[i]));
  const texts = prompts.map((p, i) => p + replies[i]);
  const scored = rewardOn === 'response' ? replies : texts;
  return { rewards: scored.map((t, i) => signedReward(score(t), labels[i])), texts };
}
