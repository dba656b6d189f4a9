/**
 * The PPO minibatch loss (Schulman et al. 2017, eq. 7 and 9): clipped policy surrogate, value loss,
 * optional entropy bonus, and the statistics TRL logs. Matches TRL 0.7.11 `PPOTrainer.loss`
 * (clipped value loss with factor 0.5, ratio-threshold skip) with the `trl` config, and RL4LMs/SB3
 * 1.5 `PPO.train` (per-minibatch advantage normalisation, plain MSE value loss, no skip) with the
 * `rl4lms` config. Pure: no logging; the trainer reads `skipped` and warns.
 */
import * as tf from '@tensorflow/tfjs';
import { entropyFromLogits } from '../tensor/logprobs';
import { clipByValue, maskedMean, maskedStandardize, maskedVar } from '../tensor/masked';
import type { PPOConfig } from './ppo_config';
import type { PPOLossStatName } from './ppo_stats';

/** Inputs of one minibatch; every `[batch, resp]` tensor is aligned with `mask`. */
export interface PPOLossInputs {
  /** `[batch, resp]` log-probs of the sampled tokens under the rollout (behaviour) policy. */
  oldLogprobs: tf.Tensor2D;
  /** `[batch, resp]` rollout values, masked (`computeAdvantages(...).values`). */
  oldValues: tf.Tensor2D;
  /** `[batch, resp]` log-probs of the same tokens under the current policy (differentiable). */
  logprobs: tf.Tensor2D;
  /** `[batch, resp]` current value predictions (differentiable). */
  vpreds: tf.Tensor2D;
  /** `[batch, resp, vocab]` current policy logits, for the entropy. */
  logits: tf.Tensor3D;
  /** `[batch, resp]` float 0/1, 1 = response token. */
  mask: tf.Tensor2D;
  /** `[batch, resp]` advantages (whitened over the batch for TRL, raw GAE for RL4LMs). */
  advantages: tf.Tensor2D;
  /** `[batch, resp]` value targets. */
  returns: tf.Tensor2D;
}

/** Output of `ppoLoss`: new tensors, the caller disposes them (or keeps them past a gradient tape). */
export interface PPOLossOutput {
  /** `[]` the loss to minimise: pg + vfCoef * vf - entCoef * entropy (times 0 when skipped). */
  loss: tf.Scalar;
  /** `[]` float 1 when the minibatch was skipped by `ratioThreshold` (TRL), else 0. */
  skipped: tf.Scalar;
  /** `[]` per-minibatch statistics under TRL's names (without the `ppo/` prefix). */
  stats: Record<PPOLossStatName, tf.Scalar>;
}

/**
 * PPO loss and statistics of one minibatch.
 * - policy: ratio = exp(logprobs - oldLogprobs); pg = mean(max(-A * ratio, -A * clip(ratio, 1 +- cliprange)));
 * - value ('clipped', TRL): vf = 0.5 * mean(max((v - R)^2, (clip(v, old +- cliprangeValue) - R)^2));
 *   value ('mse', SB3): vf = mean((v - R)^2);
 * - advantages are standardised here when `advantageNorm` is 'minibatch' (SB3);
 * - when mean(ratio) > ratioThreshold the loss is multiplied by 0 and `skipped` is 1 (TRL);
 * all means are masked means over the minibatch's real tokens.
 */
export function ppoLoss(
  inputs: PPOLossInputs,
  cfg: Pick<PPOConfig, 'cliprange' | 'cliprangeValue' | 'valueLoss' | 'vfCoef' | 'entCoef' | 'ratioThreshold' | 'advantageNorm'>,
): PPOLossOutput {
  const { oldLogprobs, oldValues, logprobs, vpreds, logits, mask, returns } = inputs;
  return tf.tidy('rl/ppoLoss', () => {
    const advantages = cfg.advantageNorm === 'minibatch' ? maskedStandardize(inputs.advantages, mask) : inputs.advantages; // [batch, resp]

    // Value loss.
    const vfLosses1 = tf.square(tf.sub(vpreds, returns)); // [batch, resp]
    let vfLoss: tf.Scalar;
    let vfClipfrac: tf.Scalar;
    if (cfg.valueLoss === 'clipped') {
      if (cfg.cliprangeValue === null) throw new Error(`ppoLoss: valueLoss 'clipped' needs a cliprangeValue; got null`);
      const vpredClipped = clipByValue(vpreds, tf.sub(oldValues, cfg.cliprangeValue), tf.add(oldValues, cfg.cliprangeValue)); // [batch, resp]
      const vfLosses2 = tf.square(tf.sub(vpredClipped, returns)); // [batch, resp]
      vfLoss = tf.mul(0.5, maskedMean(tf.maximum(vfLosses1, vfLosses2), mask));
      vfClipfrac = maskedMean(tf.cast(tf.greater(vfLosses2, vfLosses1), 'float32'), mask);
    } else {
      vfLoss = maskedMean(vfLosses1, mask);
      vfClipfrac = tf.scalar(0);
    }

    // Policy loss.
    const logRatio = tf.sub(logprobs, oldLogprobs); // [batch, resp]
    const ratio = tf.exp(logRatio); // [batch, resp]
    const pgLosses = tf.mul(tf.neg(advantages), ratio); // [batch, resp]
    const pgLosses2 = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - cfg.cliprange, 1 + cfg.cliprange)); // [batch, resp]
    let pgLoss = maskedMean(tf.maximum(pgLosses, pgLosses2), mask);
    const pgClipfrac = maskedMean(tf.cast(tf.greater(pgLosses2, pgLosses), 'float32'), mask);

    const entropy = maskedMean(entropyFromLogits(logits), mask);
    let loss: tf.Scalar = tf.add(pgLoss, tf.mul(cfg.vfCoef, vfLoss));
    if (cfg.entCoef !== 0) loss = tf.sub(loss, tf.mul(cfg.entCoef, entropy));

    // TRL's ratio-threshold skip, kept on the device: multiply by 0 instead of reading avg_ratio.
    // greaterEqual has a zero gradient in tfjs, so the gradient tape passes through it.
    let skipped: tf.Scalar = tf.scalar(0);
    if (cfg.ratioThreshold !== null) {
      const keep = tf.cast(tf.greaterEqual(cfg.ratioThreshold, maskedMean(ratio, mask)), 'float32'); // [] 1 = keep
      skipped = tf.sub(1, keep);
      pgLoss = tf.mul(pgLoss, keep);
      vfLoss = tf.mul(vfLoss, keep);
      loss = tf.mul(loss, keep);
    }

    const stats: Record<PPOLossStatName, tf.Scalar> = {
      'loss/policy': pgLoss,
      'loss/value': vfLoss,
      'loss/total': loss,
      'policy/entropy': entropy,
      'policy/approxkl': tf.mul(0.5, maskedMean(tf.square(logRatio), mask)),
      'policy/policykl': maskedMean(tf.neg(logRatio), mask),
      'policy/clipfrac': pgClipfrac,
      'policy/advantages_mean': maskedMean(advantages, mask),
      'returns/mean': maskedMean(returns, mask),
      'returns/var': maskedVar(returns, mask),
      'val/vpred': maskedMean(vpreds, mask),
      'val/error': maskedMean(vfLosses1, mask),
      'val/clipfrac': vfClipfrac,
      'val/mean': maskedMean(oldValues, mask),
      'val/var': maskedVar(oldValues, mask),
    };
    return { loss, skipped, stats };
  });
}
