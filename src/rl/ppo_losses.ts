/**
 * The PPO minibatch loss (Schulman et al. 2017, eq. 7 and 9): clipped policy surrogate, value loss,
 * optional entropy bonus, and the statistics TRL logs. Matches TRL 0.7.11 `PPOTrainer.loss`
 * (clipped value loss with factor 0.5, ratio-threshold skip) with the `trl` config, and RL4LMs/SB3
 * 1.5 `PPO.train` (per-minibatch advantage normalisation, plain MSE value loss, no skip) with the
 * `rl4lms` config. Pure: no logging; the trainer reads `skipped` and warns.
 */
import * as tf from '@tensorflow/tfjs';
import { entropyFromLogits } from '../tensor/logprobs';
import { clipByValue, maskedStandardize } from '../tensor/masked';
import type { PPOConfig } from './ppo_config';
import { PPO_LOSS_STAT_NAMES, type PPOLossStatName } from './ppo_stats';

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
  /** `[n_stats]` the statistics in `PPO_LOSS_STAT_NAMES` order: the trainer's one host read. */
  statVector: tf.Tensor1D;
  /** `[]` per-minibatch statistics under TRL's names (without the `ppo/` prefix); views of `statVector`. */
  stats: Record<PPOLossStatName, tf.Scalar>;
}

/**
 * Rows of the stacked masked reduction, in this order; `returns` and `oldValues` last but one and
 * last of the means, so that their variances reuse the means by one slice.
 */
const MEAN_ROWS = ['policy/approxkl', 'policy/policykl', 'policy/clipfrac', 'policy/advantages_mean', 'val/vpred', 'val/error', 'val/clipfrac', 'returns/mean', 'val/mean'] as const;
/** Where each statistic sits in [loss/policy, loss/value, loss/total, policy/entropy, ...MEAN_ROWS, returns/var, val/var]. */
const STAT_ORDER = Int32Array.from(
  PPO_LOSS_STAT_NAMES.map((n) => {
    const head = ['loss/policy', 'loss/value', 'loss/total', 'policy/entropy'].indexOf(n);
    if (head >= 0) return head;
    if (n === 'returns/var') return 4 + MEAN_ROWS.length;
    if (n === 'val/var') return 5 + MEAN_ROWS.length;
    return 4 + (MEAN_ROWS as readonly string[]).indexOf(n);
  }),
);

/**
 * PPO loss and statistics of one minibatch.
 * - policy: ratio = exp(logprobs - oldLogprobs); pg = mean(max(-A * ratio, -A * clip(ratio, 1 +- cliprange)));
 * - value ('clipped', TRL): vf = 0.5 * mean(max((v - R)^2, (clip(v, old +- cliprangeValue) - R)^2));
 *   value ('mse', SB3): vf = mean((v - R)^2);
 * - advantages are standardised here when `advantageNorm` is 'minibatch' (SB3);
 * - when mean(ratio) > ratioThreshold the loss is multiplied by 0 and `skipped` is 1 (TRL);
 * all means are masked means over the minibatch's real tokens. The statistics that take no gradient
 * are one stacked masked reduction (a few kernels instead of ~4 per statistic), with TRL's
 * arithmetic: sum(x * mask) / sum(mask), and the Bessel-corrected two-pass `masked_var`.
 */
export function ppoLoss(
  inputs: PPOLossInputs,
  cfg: Pick<PPOConfig, 'cliprange' | 'cliprangeValue' | 'valueLoss' | 'vfCoef' | 'entCoef' | 'ratioThreshold' | 'advantageNorm'>,
): PPOLossOutput {
  const { oldLogprobs, oldValues, logprobs, vpreds, logits, mask, returns } = inputs;
  if (cfg.valueLoss === 'clipped' && cfg.cliprangeValue === null) throw new Error(`ppoLoss: valueLoss 'clipped' needs a cliprangeValue; got null`);
  return tf.tidy('rl/ppoLoss', () => {
    const nTokens = tf.sum(mask); // [] real tokens
    const mean = (x: tf.Tensor): tf.Scalar => tf.div(tf.sum(tf.mul(x, mask)), nTokens); // masked mean, TRL `masked_mean`
    const advantages = cfg.advantageNorm === 'minibatch' ? maskedStandardize(inputs.advantages, mask) : inputs.advantages; // [batch, resp]

    // Value loss.
    const vfLosses1 = tf.square(tf.sub(vpreds, returns)); // [batch, resp]
    let vfLoss: tf.Scalar;
    let vfClipped: tf.Tensor; // [batch, resp] float 0/1
    if (cfg.valueLoss === 'clipped') {
      const vpredClipped = clipByValue(vpreds, tf.sub(oldValues, cfg.cliprangeValue!), tf.add(oldValues, cfg.cliprangeValue!)); // [batch, resp]
      const vfLosses2 = tf.square(tf.sub(vpredClipped, returns)); // [batch, resp]
      vfLoss = tf.mul(0.5, mean(tf.maximum(vfLosses1, vfLosses2)));
      vfClipped = tf.cast(tf.greater(vfLosses2, vfLosses1), 'float32');
    } else {
      vfLoss = mean(vfLosses1);
      vfClipped = tf.zerosLike(vfLosses1);
    }

    // Policy loss.
    const logRatio = tf.sub(logprobs, oldLogprobs); // [batch, resp]
    const ratio = tf.exp(logRatio); // [batch, resp]
    const negAdvantages = tf.neg(advantages); // [batch, resp]
    const pgLosses = tf.mul(negAdvantages, ratio); // [batch, resp]
    const pgLosses2 = tf.mul(negAdvantages, tf.clipByValue(ratio, 1 - cfg.cliprange, 1 + cfg.cliprange)); // [batch, resp]
    let pgLoss = mean(tf.maximum(pgLosses, pgLosses2));
    const entropy = mean(entropyFromLogits(logits));

    // Statistics without gradient: one [rows, batch, resp] masked reduction, then the two variances.
    const rows = tf.stack([
      tf.mul(tf.square(logRatio), 0.5), // approxkl = 0.5 mean(logRatio^2)
      tf.neg(logRatio), // policykl
      tf.cast(tf.greater(pgLosses2, pgLosses), 'float32'), // clipfrac
      advantages,
      vpreds,
      vfLosses1, // val/error
      vfClipped,
      returns,
      oldValues,
    ]); // [rows, batch, resp]
    const means = tf.div(tf.sum(tf.mul(rows, mask), [1, 2]), nTokens) as tf.Tensor1D; // [rows]
    const nRows = MEAN_ROWS.length;
    const retValMeans = tf.slice(means, [nRows - 2], [2]).reshape([2, 1, 1]); // [2, 1, 1] returns/mean, val/mean
    const centered = tf.sub(tf.slice(rows, [nRows - 2, 0, 0], [2, -1, -1]), retValMeans); // [2, batch, resp]
    const bessel = tf.div(nTokens, tf.sub(nTokens, 1)); // [] n / (n - 1), TRL masked_var(unbiased=True)
    const variances = tf.mul(tf.div(tf.sum(tf.mul(tf.square(centered), mask), [1, 2]), nTokens), bessel); // [2]

    let loss: tf.Scalar = tf.add(pgLoss, tf.mul(cfg.vfCoef, vfLoss));
    if (cfg.entCoef !== 0) loss = tf.sub(loss, tf.mul(cfg.entCoef, entropy));

    // TRL's ratio-threshold skip, kept on the device: multiply by 0 instead of reading avg_ratio.
    // greaterEqual has a zero gradient in tfjs, so the gradient tape passes through it.
    let skipped: tf.Scalar = tf.scalar(0);
    if (cfg.ratioThreshold !== null) {
      // Not a row of the stacked reduction: backprop would then run through the statistics' comparisons.
      const keep = tf.cast(tf.greaterEqual(cfg.ratioThreshold, mean(ratio)), 'float32') as tf.Scalar; // [] 1 = keep
      skipped = tf.sub(1, keep);
      pgLoss = tf.mul(pgLoss, keep);
      vfLoss = tf.mul(vfLoss, keep);
      loss = tf.mul(loss, keep);
    }

    const all = tf.concat([tf.stack([pgLoss, vfLoss, loss, entropy]), means, variances]); // [4 + rows + 2]
    const statVector = tf.gather(all, tf.tensor1d(STAT_ORDER, 'int32')) as tf.Tensor1D; // [n_stats] in PPO_LOSS_STAT_NAMES order
    const views = tf.unstack(statVector) as tf.Scalar[];
    const stats = {} as Record<PPOLossStatName, tf.Scalar>;
    PPO_LOSS_STAT_NAMES.forEach((n, i) => (stats[n] = views[i]));
    return { loss, skipped, statVector, stats };
  });
}
