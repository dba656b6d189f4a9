/**
 * Decoupled weight decay (Loshchilov & Hutter; torch.optim.AdamW): before the Adam update every
 * parameter is multiplied by (1 - lr * weightDecay). tfjs has Adam but no AdamW, so the trainer
 * calls this right before `optimizer.applyGradients`.
 */
import * as tf from '@tensorflow/tfjs';

/** Shrinks every variable in place: v <- v * (1 - lr * weightDecay) (nothing when that factor is 1 in float32). */
export function decoupledWeightDecay(variables: readonly tf.Variable[], learningRate: number, weightDecay: number): void {
  const factor = 1 - learningRate * weightDecay;
  // In float32 a factor that rounds to 1 leaves every weight unchanged (torch's p.mul_(1 - lr * wd)
  // rounds the same way): e.g. the study's lr 1e-4 x wd 1e-6. Skip the no-op multiplications.
  if (Math.fround(factor) === 1) return;
  tf.tidy('rl/decoupledWeightDecay', () => {
    for (const v of variables) v.assign(tf.mul(v, factor));
  });
}
