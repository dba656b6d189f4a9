/**
 * Masked statistics over padded [batch, resp] tensors: mean, variance, whitening, clipping.
 * Matches TRL 0.7.11 `core.py` (`masked_mean`, `masked_var` with Bessel correction, `masked_whiten`,
 * `whiten`, `clip_by_value`); `maskedStandardize` is RL4LMs/SB3's per-minibatch advantage
 * normalisation. Masks are float 0/1 with 1 = real token.
 */
import * as tf from '@tensorflow/tfjs';

/** TRL adds this to the variance before `rsqrt` (core.py `whiten`, `masked_whiten`). */
export const WHITEN_EPS = 1e-8;
/** SB3/RL4LMs add this to the standard deviation (ppo.py `(adv - mean) / (std + 1e-8)`). */
export const STANDARDIZE_EPS = 1e-8;

function mean(values: tf.Tensor, mask: tf.Tensor, axis?: number): tf.Tensor {
  return tf.div(tf.sum(tf.mul(values, mask), axis), tf.sum(mask, axis));
}

// TRL's masked_var: the masked mean of squared deviations, times n / (n - 1) when unbiased.
// tf.moments would give the population variance and no mask, so it is not used here.
function variance(values: tf.Tensor, mask: tf.Tensor, unbiased: boolean): tf.Scalar {
  const centered = tf.sub(values, mean(values, mask));
  const biased = mean(tf.square(centered), mask) as tf.Scalar;
  if (!unbiased) return biased;
  const n = tf.sum(mask); // [] number of real tokens
  return tf.mul(biased, tf.div(n, tf.sub(n, 1)));
}

function whitenWith(values: tf.Tensor, mu: tf.Tensor, sigma2: tf.Tensor, shiftMean: boolean): tf.Tensor {
  const whitened = tf.mul(tf.sub(values, mu), tf.rsqrt(tf.add(sigma2, WHITEN_EPS)));
  return shiftMean ? whitened : tf.add(whitened, mu);
}

/**
 * Mean of `values` over the positions where `mask` is 1: sum(values * mask) / sum(mask).
 * Without `axis` it reduces everything to a scalar; with `axis` it reduces that axis only
 * (TRL `masked_mean(values, mask, axis)`). A mask with no ones gives NaN.
 * @param values any shape, e.g. `[batch, resp]`
 * @param mask same shape, float 0/1
 * @returns new tensor (caller disposes): `[]`, or the shape with `axis` removed
 */
export function maskedMean(values: tf.Tensor, mask: tf.Tensor): tf.Scalar;
export function maskedMean(values: tf.Tensor, mask: tf.Tensor, axis: number): tf.Tensor;
export function maskedMean(values: tf.Tensor, mask: tf.Tensor, axis?: number): tf.Tensor {
  return tf.tidy('tensor/maskedMean', () => mean(values, mask, axis));
}

/**
 * Variance of the masked entries (TRL `masked_var`); `unbiased` (default, as TRL) multiplies by
 * n / (n - 1) with n = sum(mask). TRL raises when n = 0; here n = 0 gives NaN and n = 1 gives
 * NaN or Infinity (TRL's own result for n = 1), so that no host read is needed.
 * @param values any shape, e.g. `[batch, resp]`
 * @param mask same shape, float 0/1
 * @returns new scalar `[]` (caller disposes)
 */
export function maskedVar(values: tf.Tensor, mask: tf.Tensor, unbiased = true): tf.Scalar {
  return tf.tidy('tensor/maskedVar', () => variance(values, mask, unbiased));
}

/**
 * Whitens with the masked mean and Bessel-corrected masked variance:
 * (values - mean) * rsqrt(var + 1e-8), plus the mean back when `shiftMean` is false
 * (TRL `masked_whiten`). Every position is transformed, masked ones included, as in TRL.
 * @param values any shape, e.g. `[batch, resp]`
 * @param mask same shape, float 0/1
 * @returns new tensor of the shape of `values` (caller disposes)
 */
export function maskedWhiten(values: tf.Tensor, mask: tf.Tensor, shiftMean = true): tf.Tensor {
  return tf.tidy('tensor/maskedWhiten', () =>
    whitenWith(values, mean(values, mask), variance(values, mask, true), shiftMean),
  );
}

/**
 * Whitens over all entries with the Bessel-corrected variance (TRL `whiten`):
 * (values - mean) * rsqrt(var + 1e-8), plus the mean back when `shiftMean` is false.
 * @param values any shape
 * @returns new tensor of the same shape (caller disposes)
 */
export function whiten(values: tf.Tensor, shiftMean = true): tf.Tensor {
  return tf.tidy('tensor/whiten', () => {
    const ones = tf.onesLike(values);
    return whitenWith(values, mean(values, ones), variance(values, ones, true), shiftMean);
  });
}

/**
 * SB3/RL4LMs advantage normalisation over the masked entries: (values - mean) / (std + 1e-8),
 * with std the square root of the Bessel-corrected variance (torch `Tensor.std()` default).
 * Differs from `maskedWhiten` in where the epsilon goes (std + eps, not var + eps).
 * @param values any shape, e.g. `[batch, resp]`
 * @param mask same shape, float 0/1
 * @returns new tensor of the shape of `values` (caller disposes)
 */
export function maskedStandardize(values: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.tidy('tensor/maskedStandardize', () => {
    const std = tf.sqrt(variance(values, mask, true)); // []
    return tf.div(tf.sub(values, mean(values, mask)), tf.add(std, STANDARDIZE_EPS));
  });
}

/**
 * Element-wise clamp with tensor (or number) bounds: max(min(x, hi), lo) (TRL `clip_by_value`).
 * When lo > hi the result is lo, as in TRL.
 * @param x any shape; `lo`, `hi` broadcastable to it
 * @returns new tensor of the shape of `x` (caller disposes)
 */
export function clipByValue(x: tf.Tensor, lo: tf.Tensor | number, hi: tf.Tensor | number): tf.Tensor {
  return tf.tidy('tensor/clipByValue', () => tf.maximum(tf.minimum(x, hi), lo));
}
