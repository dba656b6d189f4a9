/**
 * Generalised advantage estimation (Schulman et al. 2016, eq. 16) over padded response tokens:
 * delta_t = r_t + gamma * V_{t+1} - V_t, A_t = delta_t + gamma * lam * A_{t+1}, returns = A + V.
 * Matches TRL 0.7.11 `PPOTrainer.compute_advantages` (values and rewards multiplied by the mask
 * first, V after the last position = 0, returns before whitening, advantages masked-whitened).
 * For whole episodes this equals SB3 1.5's `RolloutBuffer.compute_returns_and_advantage` (RL4LMs).
 */
import * as tf from '@tensorflow/tfjs';
import { maskedWhiten } from '../tensor/masked';
import type { PPOConfig } from './ppo_config';

/** Outputs of `computeAdvantages`, each `[batch, resp]` float32 (caller disposes). */
export interface Advantages {
  /** values * mask: the rollout values that the loss clips against (TRL returns these too). */
  values: tf.Tensor2D;
  /** Advantages; masked-whitened when `advantageNorm` is 'batch_whiten', raw GAE otherwise. */
  advantages: tf.Tensor2D;
  /** Value targets: raw GAE advantages + masked values (computed before any whitening). */
  returns: tf.Tensor2D;
}

/**
 * GAE advantages and returns for a rollout batch. The recursion runs backwards over every
 * position (prompt and padding included, as TRL does); masked positions have zero value and
 * reward, so a right-padded row bootstraps with V = 0 after its last token. With
 * `whitenRewards`, rewards are masked-whitened without shifting the mean first (TRL).
 * @param values `[batch, resp]` value-head outputs at rollout
 * @param rewards `[batch, resp]` per-token rewards (see `computeRewards`)
 * @param mask `[batch, resp]` float 0/1, 1 = response token
 * @returns new tensors (caller disposes)
 */
export function computeAdvantages(
  values: tf.Tensor2D,
  rewards: tf.Tensor2D,
  mask: tf.Tensor2D,
  cfg: Pick<PPOConfig, 'gamma' | 'lam' | 'whitenRewards' | 'advantageNorm'>,
): Advantages {
  return tf.tidy('rl/computeAdvantages', () => {
    const maskedValues = tf.mul(values, mask) as tf.Tensor2D; // [batch, resp]
    let maskedRewards: tf.Tensor = tf.mul(rewards, mask); // [batch, resp]
    // TRL whitens after masking and does not re-mask, so padded positions get a nonzero reward here.
    if (cfg.whitenRewards) maskedRewards = maskedWhiten(maskedRewards, mask, false);
    const valueCols = tf.unstack(maskedValues, 1); // resp x [batch]
    const rewardCols = tf.unstack(maskedRewards, 1); // resp x [batch]
    const respLen = valueCols.length;
    const gammaLam = cfg.gamma * cfg.lam; // float64 product, as Python computes it
    const reversed: tf.Tensor[] = [];
    let lastGaeLam: tf.Tensor = tf.zeros([values.shape[0]]); // [batch]
    for (let t = respLen - 1; t >= 0; t--) {
      const nextValues = t < respLen - 1 ? valueCols[t + 1] : tf.zeros([values.shape[0]]); // [batch]
      const delta = tf.sub(tf.add(rewardCols[t], tf.mul(cfg.gamma, nextValues)), valueCols[t]); // [batch]
      lastGaeLam = tf.add(delta, tf.mul(gammaLam, lastGaeLam)); // [batch]
      reversed.push(lastGaeLam);
    }
    const rawAdvantages = tf.stack(reversed.reverse(), 1) as tf.Tensor2D; // [batch, resp]
    const returns = tf.add(rawAdvantages, maskedValues) as tf.Tensor2D; // [batch, resp]
    const advantages =
      cfg.advantageNorm === 'batch_whiten' ? (maskedWhiten(rawAdvantages, mask) as tf.Tensor2D) : rawAdvantages;
    return { values: maskedValues, advantages, returns };
  });
}
