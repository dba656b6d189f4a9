/**
 * Token log-probabilities and entropies from logits, as TRL 0.7.11 `core.py`
 * (`logprobs_from_logits`, `entropy_from_logits`). The label lookup is a one-hot product rather
 * than `tf.gather`, because the wasm backend has no gradient for gather (UnsortedSegmentSum).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Log-probability of each label under softmax(logits) (TRL `logprobs_from_logits`, gather=True).
 * Differentiable on every backend; allocates a `[batch, resp, vocab]` one-hot, so chunk big batches.
 * @param logits `[batch, resp, vocab]` float32
 * @param labels `[batch, resp]` int32 token ids in [0, vocab)
 * @returns new `[batch, resp]` log-probs in nats (caller disposes)
 */
export function logprobsFromLogits(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy('tensor/logprobsFromLogits', () => {
    const vocabSize = logits.shape[2];
    const logp = tf.logSoftmax(logits); // [batch, resp, vocab]
    // int32 one-hot then cast: tfjs-backend-wasm 4.22's OneHot writes zeros when asked for float32.
    const picked = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), vocabSize), 'float32'); // [batch, resp, vocab]
    return tf.sum(tf.mul(logp, picked), -1) as tf.Tensor2D; // [batch, resp]
  });
}

/**
 * Log-probabilities of the whole vocabulary (TRL `logprobs_from_logits(..., gather=False)`),
 * the input of the `full` KL penalty.
 * @param logits `[batch, resp, vocab]`
 * @returns new `[batch, resp, vocab]` log-probs in nats (caller disposes)
 */
export function fullLogprobsFromLogits(logits: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy('tensor/fullLogprobsFromLogits', () => tf.logSoftmax(logits) as tf.Tensor3D);
}

/**
 * Entropy of softmax(logits) per position, logsumexp(logits) - sum(softmax(logits) * logits)
 * (TRL `entropy_from_logits`, same formula so float32 rounding matches).
 * @param logits `[batch, resp, vocab]`
 * @returns new `[batch, resp]` entropies in nats (caller disposes)
 */
export function entropyFromLogits(logits: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy('tensor/entropyFromLogits', () => {
    const probs = tf.softmax(logits); // [batch, resp, vocab]
    return tf.sub(tf.logSumExp(logits, -1), tf.sum(tf.mul(probs, logits), -1)) as tf.Tensor2D; // [batch, resp]
  });
}
