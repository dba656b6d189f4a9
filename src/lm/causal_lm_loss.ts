/**
 * The pre-training objective: mean next-token cross-entropy in nats over every position of packed
 * windows (GPT-2, nanoGPT `F.cross_entropy(logits.view(-1, V), targets.view(-1))`). Inputs are a
 * window's first `seq` tokens, targets its last `seq` (shifted by one); packing leaves no padding.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../models/gpt';
import { logprobsFromLogits } from '../tensor/logprobs';
import type { Rng } from '../util/rng';

/**
 * Sum of -log p(next token) in nats over all positions of `windows`, and the number of predicted tokens.
 * @param windows [batch, seq + 1] int32 token ids
 * @param training dropout on (needs `rng` when the model's dropout > 0)
 * @returns `sumNats` [] (new tensor, caller disposes) and `nTokens` = batch * seq
 */
export function causalLmNllSum(model: GPT, windows: tf.Tensor2D, training: boolean, rng?: Rng): { sumNats: tf.Scalar; nTokens: number } {
  const [batchSize, windowLen] = windows.shape;
  const seqLen = windowLen - 1;
  const sumNats = tf.tidy('lm/causalLmNllSum', () => {
    const inputIds = tf.slice(windows, [0, 0], [batchSize, seqLen]) as tf.Tensor2D; // [batch, seq] int32
    const targets = tf.slice(windows, [0, 1], [batchSize, seqLen]) as tf.Tensor2D; // [batch, seq] int32
    const logits = model.forward(inputIds, { training }, rng).logits as tf.Tensor3D; // [batch, seq, vocab]
    const logp = logprobsFromLogits(logits, targets); // [batch, seq] nats
    return tf.neg(tf.sum(logp)) as tf.Scalar; // [] sum of -ln p
  });
  return { sumNats, nTokens: batchSize * seqLen };
}

/**
 * Mean next-token cross-entropy in nats per predicted token (the training loss).
 * @param windows [batch, seq + 1] int32
 * @returns [] nats; new tensor, caller disposes
 */
export function causalLmLossNats(model: GPT, windows: tf.Tensor2D, training: boolean, rng?: Rng): tf.Scalar {
  return tf.tidy('lm/causalLmLossNats', () => {
    const { sumNats, nTokens } = causalLmNllSum(model, windows, training, rng);
    return tf.div(sumNats, nTokens) as tf.Scalar;
  });
}
