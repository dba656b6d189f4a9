/**
 * One-hot float32 encoding of integer ids, the one backend difference of label lookups (log-prob
 * heads, cross-entropy, classifier pick) written once.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * One-hot float32 encoding of integer ids. On wasm (tfjs 4.22) `tf.oneHot(..., 'float32')` writes the
 * int32 bit pattern of 1 (a denormal float, ~1.4e-45), so there the int32 result is cast instead;
 * tensorflow and cpu produce float32 directly (one op).
 * @param ids [...] int32
 * @returns [..., depth] float32 0/1; new tensor, caller disposes
 */
export function oneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy('tensor/oneHotFloat', () =>
    tf.getBackend() === 'wasm' ? tf.cast(tf.oneHot(ids, depth), 'float32') : tf.oneHot(ids, depth, 1, 0, 'float32'),
  );
}
