/**
 * Per-token rewards of an RLHF episode: -beta * KL on every position, plus the sequence score on
 * the last real response token. Matches TRL 0.7.11 `PPOTrainer.compute_rewards`; RL4LMs builds the
 * same sum (task reward at the final step + per-token `-kl_coeff * (logp - logp_ref)`).
 */
import * as tf from '@tensorflow/tfjs';
import { KLPenaltyKind, klPenalty } from './kl';
import type { PPOConfig } from './ppo_config';

/** The three outputs of `computeRewards`, each `[batch, resp]` float32 (caller disposes). */
export interface TokenRewards {
  /** Total reward: nonScoreRewards plus the score on the last real token. */
  rewards: tf.Tensor2D;
  /** -klCoef * kls on every position (TRL `non_score_reward`). */
  nonScoreRewards: tf.Tensor2D;
  /** The per-token KL penalty of `cfg.klPenalty` (TRL `kls`), nats. */
  kls: tf.Tensor2D;
}

// One-hot of the last position whose mask is 1 (TRL `mask.nonzero()[-1]`). Holes in the mask are
// fine; a row without ones puts its score on position 0 (TRL would raise there).
function lastTokenOneHot(mask: tf.Tensor2D): tf.Tensor2D {
  const respLen = mask.shape[1];
  const position = tf.range(1, respLen + 1, 1, 'float32'); // [resp] 1-based
  const lastIndex = tf.argMax(tf.mul(mask, position), 1); // [batch] int32
  // int32 one-hot then cast: tfjs-backend-wasm 4.22's OneHot writes zeros when asked for float32.
  return tf.cast(tf.oneHot(lastIndex, respLen), 'float32') as tf.Tensor2D; // [batch, resp]
}

/**
 * One-hot marker of each row's last real token: 1 at the last position where `mask` is 1.
 * @param mask `[batch, resp]` float 0/1
 * @returns new `[batch, resp]` float 0/1 (caller disposes)
 */
export function lastTokenMask(mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy('rl/lastTokenMask', () => lastTokenOneHot(mask));
}

/**
 * Per-token rewards = -klCoef * KL(logprobs, refLogprobs) everywhere, plus `scores[b]` added at the
 * last position of row b where `mask` is 1 (TRL `compute_rewards`). Positions outside the mask keep
 * their KL term, as in TRL (GAE multiplies by the mask later).
 * @param scores `[batch]` sequence scores (reward-model output)
 * @param logprobs `[batch, resp]` sampled-token log-probs of the policy at rollout (`[batch, resp, vocab]` for `full`)
 * @param refLogprobs same shape, reference model
 * @param mask `[batch, resp]` float 0/1, 1 = response token
 * @param klCoef the KL coefficient beta (the controller's current value)
 * @returns new tensors (caller disposes)
 */
export function computeRewards(
  scores: tf.Tensor1D,
  logprobs: tf.Tensor,
  refLogprobs: tf.Tensor,
  mask: tf.Tensor2D,
  klCoef: number,
  cfg: Pick<PPOConfig, 'klPenalty'>,
): TokenRewards {
  return tf.tidy('rl/computeRewards', () => {
    const kls = klPenalty(logprobs, refLogprobs, cfg.klPenalty as KLPenaltyKind); // [batch, resp]
    const nonScoreRewards = tf.mul(kls, -klCoef) as tf.Tensor2D; // [batch, resp]
    const atLast = tf.mul(lastTokenOneHot(mask), tf.expandDims(scores, 1)); // [batch, resp]
    const rewards = tf.add(nonScoreRewards, atLast) as tf.Tensor2D; // [batch, resp]
    return { rewards, nonScoreRewards, kls };
  });
}
