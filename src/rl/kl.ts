/**
 * Per-token KL penalty between the policy and the frozen reference model, the estimators of
 * TRL 0.7.11 `PPOTrainer._kl_penalty`: `kl` (k1 = logp - logp_ref), `abs`, `mse` (0.5 * k1^2) and
 * `full` (the exact KL(pi || ref) over the vocabulary). RL4LMs uses k1 (`raw_log_probs - ref_log_probs`).
 */
import * as tf from '@tensorflow/tfjs';

/** KL estimator names (TRL `kl_penalty`). */
export type KLPenaltyKind = 'kl' | 'abs' | 'mse' | 'full';
export const KL_PENALTY_KINDS: readonly KLPenaltyKind[] = ['kl', 'abs', 'mse', 'full'];

/**
 * Per-token KL penalty of one estimator. `kl`, `abs`, `mse` take the log-probs of the sampled
 * tokens; `full` takes whole log-softmax distributions and sums exp(logp) * (logp - logp_ref)
 * over the vocabulary (TRL's `F.kl_div(ref, logp, log_target=True).sum(-1)`).
 * Not masked: positions outside the response get values too, as in TRL.
 * @param logprobs `[batch, resp]` (or `[batch, resp, vocab]` for `full`), nats
 * @param refLogprobs same shape as `logprobs`, from the reference model
 * @returns new `[batch, resp]` penalty in nats (caller disposes)
 */
export function klPenalty(logprobs: tf.Tensor, refLogprobs: tf.Tensor, kind: KLPenaltyKind): tf.Tensor2D {
  const wantRank = kind === 'full' ? 3 : 2;
  if (logprobs.rank !== wantRank || refLogprobs.rank !== wantRank) {
    throw new Error(
      `klPenalty: kind '${kind}' needs rank-${wantRank} log-probs ${kind === 'full' ? '[batch, resp, vocab]' : '[batch, resp]'}; got [${logprobs.shape.join(', ')}] and [${refLogprobs.shape.join(', ')}]`,
    );
  }
  return tf.tidy('rl/klPenalty', () => {
    const diff = tf.sub(logprobs, refLogprobs); // [batch, resp] or [batch, resp, vocab]
    switch (kind) {
      case 'kl':
        return diff as tf.Tensor2D;
      case 'abs':
        return tf.abs(diff) as tf.Tensor2D;
      case 'mse':
        return tf.mul(0.5, tf.square(diff)) as tf.Tensor2D;
      case 'full':
        return tf.sum(tf.mul(tf.exp(logprobs), diff), -1) as tf.Tensor2D; // [batch, resp]
      default:
        throw new Error(`klPenalty: kind '${String(kind)}' is not allowed; expected one of ${KL_PENALTY_KINDS.join(', ')}`);
    }
  });
}
