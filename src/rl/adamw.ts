/**
 * Decoupled weight decay (Loshchilov & Hutter; torch.optim.AdamW): before the Adam update every
 * parameter is multiplied by (1 - lr * weightDecay). tfjs has Adam but no AdamW, so the trainer
 * calls this right before `optimizer.applyGradients`.
 */
import * as tf from '@tensorflow/tfjs';

/** Shrinks every variable in place: v <- v * (1 - lr * weightDecay). */
export function decoupledWeightDecay(variables: readonly tf.Variable[], learningRate: number, weightDecay: number): void {
  if (weightDecay === 0) return;
  const factor = 1 - learningRate * weightDecay;
  tf.tidy('rl/decoupledWeightDecay', () => {
    for (const v of variables) v.assign(tf.mul(v, factor));
  });
}
