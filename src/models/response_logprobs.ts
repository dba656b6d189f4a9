/**
 * Log-probabilities (and entropies) of given response tokens under a GPT, from one forward pass over
 * prompt + response: what PPO needs for the old/new/reference policies. Matches TRL 0.7
 * `batched_forward_pass` + `logprobs_from_logits` (logits / temperature, log-softmax, pick the token).
 */
import * as tf from '@tensorflow/tfjs';
import { checkInt, checkRange } from '../util/assert';
import type { Rng } from '../util/rng';
import { entropyFromLogits, logprobsFromLogits } from '../tensor/logprobs';
import type { GPT } from './gpt';

/** Options of `responseLogprobs`. */
export interface ResponseLogprobsOptions {
  /** Logits are divided by it before the log-softmax (TRL does this with the sampling temperature); default 1. */
  readonly temperature?: number;
  /** Also return per-token entropies (nats). Default false. */
  readonly returnEntropy?: boolean;
  /** Also return the hidden states that predict each response token (for a value head on the shared trunk). Default false. */
  readonly returnHidden?: boolean;
  /** Dropout on (needs `rng`); PPO keeps it off. Default false. */
  readonly training?: boolean;
}

/** Result of `responseLogprobs`; new tensors owned by the caller. */
export interface ResponseLogprobs {
  /** [batch, resp] log p(token) in nats. */
  logprobs: tf.Tensor2D;
  /** [batch, resp] entropy of each predictive distribution in nats (with `returnEntropy`). */
  entropy?: tf.Tensor2D;
  /** [batch, resp, d_model] final hidden state at the position before each response token (with `returnHidden`). */
  hidden?: tf.Tensor3D;
}

/**
 * Log-probabilities of the response tokens `inputIds[:, promptLen:]` given everything before them.
 * The logits at positions promptLen-1 .. seq-2 predict them; only those go through the vocabulary
 * projection. Prompts are left-padded to `promptLen` (so every response starts at the same column).
 * Padded response positions get numbers too; mask them with the response mask.
 * @param inputIds [batch, seq] int32, seq = promptLen + resp
 * @param attentionMask [batch, seq] float 0/1 (1 = real token), or undefined (no padding)
 * @param rng dropout seeds when `training`
 */
export function responseLogprobs(
  model: GPT,
  inputIds: tf.Tensor2D,
  attentionMask: tf.Tensor2D | undefined,
  promptLen: number,
  opts: ResponseLogprobsOptions = {},
  rng?: Rng,
): ResponseLogprobs {
  const [batchSize, seqLen] = inputIds.shape;
  checkInt('promptLen', promptLen, 1, seqLen - 1);
  const temperature = checkRange('temperature', opts.temperature ?? 1, 1e-12, Number.MAX_VALUE);
  return tf.tidy('models/responseLogprobs', () => {
    const respLen = seqLen - promptLen;
    const out = model.forward(
      inputIds,
      { attentionMask, training: opts.training, outputStart: promptLen - 1, outputEnd: seqLen - 1, returnHidden: opts.returnHidden },
      rng,
    );
    let logits = out.logits as tf.Tensor3D; // [batch, resp, vocab]
    if (temperature !== 1) logits = tf.div(logits, temperature);
    const targets = tf.slice(inputIds, [0, promptLen], [batchSize, respLen]) as tf.Tensor2D; // [batch, resp] int32
    // Closed-form gradients in both (tensor/logprobs.ts); the label lookup is a one-hot product there.
    const result: ResponseLogprobs = { logprobs: logprobsFromLogits(logits, targets) }; // [batch, resp]
    if (opts.returnEntropy) result.entropy = entropyFromLogits<tf.Tensor2D>(logits); // [batch, resp]
    if (opts.returnHidden) result.hidden = out.hidden;
    return result as unknown as tf.TensorContainer;
  }) as unknown as ResponseLogprobs;
}
