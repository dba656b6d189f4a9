/**
 * Layer normalisation (Ba et al. 2016) over the last axis, as torch.nn.LayerNorm (population
 * variance, eps inside the square root), with a hand-written gradient: about half the kernels of
 * tfjs autodiff, and kernel dispatch dominates at the study's sizes.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * LayerNorm(x) = (x - mean) / sqrt(var + eps) * g + b, per row.
 * @param x [rows, d_model]; g, b [d_model]
 * @returns [rows, d_model]; new tensor, caller disposes
 */
export function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor2D {
  return tf.tidy('models/layerNorm', () => normalise(x, g, b, eps, (t) => tf.sum(t, 0)) as tf.Tensor2D);
}

/**
 * S LayerNorms of one width in one call, their parameters stacked on a leading axis (see
 * `stackedLinear`); slice s is bit for bit `layerNorm(x[s], g[s], b[s])` on the native backend when
 * each slice fills whole vector registers (rl/stacked_actor_critic.ts `stackingIsExact`).
 * @param x [S, rows, d_model]; g, b [S, 1, d_model]
 * @returns [S, rows, d_model]; new tensor, caller disposes
 */
export function stackedLayerNorm(x: tf.Tensor3D, g: tf.Tensor3D, b: tf.Tensor3D, eps: number): tf.Tensor3D {
  return tf.tidy('models/stackedLayerNorm', () => normalise(x, g, b, eps, (t) => tf.sum(t, 1, true)) as tf.Tensor3D);
}

/** The normalisation and its hand-written gradient; `sumRows` reduces a [..., rows, d_model] gradient to the parameters' shape. No tidy. */
function normalise(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number, sumRows: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, gIn, bIn] = args as tf.Tensor[];
    const mean = tf.mean(xIn, -1, true); // [..., rows, 1]
    const xc = tf.sub(xIn, mean); // [..., rows, d_model]
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps)); // [..., rows, 1]
    const xhat = tf.mul(xc, rstd); // [..., rows, d_model]
    (args[3] as tf.GradSaveFunc)([xhat, rstd, gIn]);
    return {
      value: tf.add(tf.mul(xhat, gIn), bIn),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sXhat, sRstd, sG] = saved;
        const dxhat = tf.mul(dy, sG); // [..., rows, d_model]
        // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
        const inner = tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(sXhat, tf.mean(tf.mul(dxhat, sXhat), -1, true)));
        return [tf.mul(sRstd, inner), sumRows(tf.mul(dy, sXhat)), sumRows(dy)];
      },
    };
  });
  return f(x, g, b) as tf.Tensor;
}
