/**
 * Key/value cache for incremental decoding: the keys and values of every past position, per layer,
 * so that a decoding step runs the transformer on the new token only (HF `past_key_values`).
 *
 * Grown by concatenation, not preallocated: tfjs tensors are immutable, so writing one column into a
 * preallocated [batch, heads, max, head_dim] buffer would itself copy the whole buffer (a `where` or
 * a mask-multiply-add, 2-3 ops) every step. `tf.concat` is one op per tensor and copies only the
 * live prefix, and the attention matmuls then run over the live length instead of the maximum with
 * a mask. Contexts here are short (19 toy, <= 64 language), so the O(length^2) copying is noise.
 */
import * as tf from '@tensorflow/tfjs';

/** Past keys and values of every layer; immutable, each decoding step returns a new one. */
export interface KVCache {
  /** Per layer: [batch, heads, past, head_dim] keys. */
  readonly keys: readonly tf.Tensor4D[];
  /** Per layer: [batch, heads, past, head_dim] values. */
  readonly values: readonly tf.Tensor4D[];
}

/** Number of cached positions (0 for an empty or missing cache). */
export function cacheLength(cache: KVCache | undefined): number {
  return cache && cache.keys.length > 0 ? cache.keys[0].shape[2] : 0;
}

/**
 * Appends this step's keys/values of one layer to its cached ones along the position axis.
 * @param past [batch, heads, past, head_dim] cached keys (or values) of the layer, or undefined
 * @param current [batch, heads, seq, head_dim] keys (or values) of the new positions
 * @returns [batch, heads, past + seq, head_dim]; new tensor (or `current` itself when there is no past)
 */
export function appendToCache(past: tf.Tensor4D | undefined, current: tf.Tensor4D): tf.Tensor4D {
  if (!past) return current;
  return tf.concat([past, current], 2); // [batch, heads, past + seq, head_dim]
}

/** Disposes every tensor of `cache` (carry: call on the previous cache once the next one exists). */
export function disposeCache(cache: KVCache | undefined): void {
  if (!cache) return;
  for (const t of cache.keys) t.dispose();
  for (const t of cache.values) t.dispose();
}
