/**
 * Token log-probabilities and entropies from logits, as TRL 0.7.11 `core.py`
 * (`logprobs_from_logits`, `entropy_from_logits`), each with a hand-written gradient: at the study's
 * sizes every kernel is one native call, and autodiff of log-softmax + one-hot product + sum (or of
 * softmax + logsumexp) issues several times the kernels of the closed forms used here. The label
 * lookup is a one-hot product rather than `tf.gather` (no gather gradient on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from './one_hot';

/** Shifted logits z - max(z) and log(sum(exp(z - max z))) over the last axis; no tidy (private). */
function shiftedLogSumExp(z: tf.Tensor): { shifted: tf.Tensor; expShifted: tf.Tensor; sumExp: tf.Tensor; logSumExp: tf.Tensor } {
  const shifted = tf.sub(z, tf.max(z, -1, true)); // [..., vocab]
  const expShifted = tf.exp(shifted); // [..., vocab]
  const sumExp = tf.sum(expShifted, -1, true); // [..., 1]
  return { shifted, expShifted, sumExp, logSumExp: tf.log(sumExp) }; // logSumExp [..., 1], relative to the max
}

/**
 * Log-probability of each label under softmax(logits) (TRL `logprobs_from_logits`, gather=True):
 * z[label] - logsumexp(z). Gradient: dy * (onehot(label) - softmax(z)), 3 kernels.
 * @param logits `[..., vocab]` float32, e.g. `[batch, resp, vocab]` or `[batch, classes]`
 * @param labels `[...]` int32 ids in [0, vocab), the shape of `logits` without its last axis
 * @returns new `[...]` log-probs in nats (caller disposes)
 */
export function logprobsFromLogits<T extends tf.Tensor>(logits: tf.Tensor, labels: T): T {
  return tf.tidy('tensor/logprobsFromLogits', () => {
    const vocabSize = logits.shape[logits.rank - 1];
    const picked = oneHotFloat(labels, vocabSize); // [..., vocab] float 0/1
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const z = args[0] as tf.Tensor;
      const { shifted, expShifted, sumExp, logSumExp } = shiftedLogSumExp(z);
      // picked must be saved, not captured: tensors of the forward tidy are gone by backward time.
      (args[1] as tf.GradSaveFunc)([expShifted, sumExp, picked]);
      return {
        value: tf.sub(tf.sum(tf.mul(shifted, picked), -1, true), logSumExp), // [..., 1]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [e, s, oh] = saved;
          return tf.mul(dy, tf.sub(oh, tf.div(e, s))); // [..., vocab]; dy [..., 1] broadcasts
        },
      };
    });
    return f(logits).reshape(labels.shape) as T; // [...]
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
 * Entropy of softmax(logits) per position, H = logsumexp(z) - sum(softmax(z) * z) (TRL
 * `entropy_from_logits`), computed on max-shifted logits (the same number; the shift cancels).
 * Gradient: dH/dz = p * (logsumexp(z) - H - z), 4 kernels.
 * @param logits `[..., vocab]`, e.g. `[batch, resp, vocab]`
 * @returns new `[...]` entropies in nats (caller disposes)
 */
export function entropyFromLogits<T extends tf.Tensor>(logits: tf.Tensor): T {
  return tf.tidy('tensor/entropyFromLogits', () => {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const z = args[0] as tf.Tensor;
      const { shifted, expShifted, sumExp, logSumExp } = shiftedLogSumExp(z);
      const probs = tf.div(expShifted, sumExp); // [..., vocab]
      const entropy = tf.sub(logSumExp, tf.sum(tf.mul(probs, shifted), -1, true)); // [..., 1]
      (args[1] as tf.GradSaveFunc)([probs, shifted, logSumExp, entropy]);
      return {
        value: entropy,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [p, sh, lse, h] = saved;
          return tf.mul(tf.mul(dy, p), tf.sub(tf.sub(lse, h), sh)); // [..., vocab]
        },
      };
    });
    return f(logits).reshape(logits.shape.slice(0, -1)) as T; // [...]
  });
}
