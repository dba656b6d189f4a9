/**
 * Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_ (used by SB3/RL4LMs with
 * max_grad_norm 0.5): total = sqrt(sum of all squared gradient entries); every gradient is
 * scaled by min(1, maxNorm / (total + 1e-6)). tfjs has no global-norm clip for gradient maps.
 */
import * as tf from '@tensorflow/tfjs';

/** torch's epsilon in the clip coefficient. */
export const CLIP_EPS = 1e-6;

/**
 * Clips `grads` to global norm `maxNorm`.
 * @returns the clipped gradients (same keys) and the norm before clipping `[]`; new tensors, caller disposes.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  return tf.tidy('rl/clipByGlobalNorm', () => {
    const names = Object.keys(grads);
    const sq = names.map((n) => tf.sum(tf.square(grads[n]))); // each []
    const norm = tf.sqrt(tf.addN(sq)) as tf.Scalar; // []
    const coef = tf.minimum(tf.scalar(1), tf.div(maxNorm, tf.add(norm, CLIP_EPS))); // []
    const out: tf.NamedTensorMap = {};
    for (const n of names) out[n] = tf.mul(grads[n], coef);
    return { grads: out, norm };
  });
}

/**
 * The gradients to apply and their global norm before clipping: clipped to `maxNorm` when it is a
 * number (torch clip_grad_norm_), unchanged when it is null (the norm is still reported).
 * @returns new tensors; caller disposes (or calls this inside a tidy)
 */
export function gradientsWithNorm(grads: tf.NamedTensorMap, maxNorm: number | null): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  if (maxNorm !== null) return clipByGlobalNorm(grads, maxNorm);
  return tf.tidy('rl/gradientsWithNorm', () => ({ grads, norm: tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))) as tf.Scalar }));
}
