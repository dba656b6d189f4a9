/**
 * The affine layer of GPT-2 (HF `Conv1D`, weight [in, out]): y = x W + b, as one fused matmul, with
 * a hand-written gradient because of a backend difference (see `matMulT`).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * a^T b or a b^T. The wasm backend (tfjs 4.22) runs matmuls with a transpose flag outside XNNPACK,
 * 10-40x slower than the plain product (x^T dy for [960, 256] x [960, 1024]: 515 ms vs 12 ms with an
 * explicit transpose first), so on wasm the transpose is materialised; tensorflow and cpu take the flags.
 * @param a [m, k] (or [k, m] with transposeA); b [k, n] (or [n, k] with transposeB)
 * @returns [m, n]; no tidy (callers are gradient functions inside a tidy)
 */
export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (tf.getBackend() === 'wasm') {
    return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
  }
  return tf.matMul(a, b, transposeA, transposeB);
}

/**
 * x W + b in the fewest kernel calls for the backend. tfjs-node has no fused matmul: its
 * `_FusedMatMul` is a matmul plus an add after tfjs-core has reshaped both operands and the result to
 * 3-D, and every reshape there is a TensorFlow op call (~20 us each), so matMul + add is 2 calls
 * instead of 5 (measured 69 us vs 217 us for [32, 128] x [128, 128]). wasm and cpu have a real fused
 * kernel (XNNPACK with bias on wasm) and free reshapes.
 * @param x [rows, in]; w [in, out]; b [out]
 * @returns [rows, out]; no tidy (private helper of `linear`)
 */
function affine(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (tf.getBackend() === 'tensorflow') return tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  return tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D;
}

/**
 * y = x W + b with gradients dx = dy W^T, dW = x^T dy, db = sum(dy) through `matMulT`.
 * @param x [rows, in]; w [in, out]; b [out]
 * @returns [rows, out]; new tensor, caller disposes
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy('models/linear', () => {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xIn, wIn, bIn] = args as tf.Tensor2D[];
      (args[3] as tf.GradSaveFunc)([xIn, wIn]);
      return {
        value: affine(xIn, wIn, bIn as unknown as tf.Tensor1D), // [rows, out]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sw] = saved as tf.Tensor2D[];
          const dy2 = dy as tf.Tensor2D;
          return [matMulT(dy2, sw, false, true), matMulT(sx, dy2, true, false), tf.sum(dy2, 0)];
        },
      };
    });
    return f(x, w, b) as tf.Tensor2D;
  });
}

/**
 * S affine layers of one shape in one call, their weights stacked on a leading axis (S networks run
 * side by side, e.g. RL4LMs' policy and value trunks in the PPO update): y[s] = x[s] W[s] + b[s],
 * gradients dx = dy W^T, dW = x^T dy, db = sum over rows of dy, per slice. BatchMatMulV2 runs each
 * slice as its own product, so on the native backend slice s is bit for bit `linear(x[s], W[s], b[s])`
 * when the product is above oneDNN's small-product kernel (rl/stacked_actor_critic.ts
 * `stackingIsExact`; test/models/stacked_gpt.test.ts), in half the kernel calls for S = 2.
 * @param x [S, rows, in]; w [S, in, out]; b [S, 1, out]
 * @returns [S, rows, out]; new tensor, caller disposes
 */
export function stackedLinear(x: tf.Tensor3D, w: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy('models/stackedLinear', () => {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xIn, wIn, bIn] = args as tf.Tensor3D[];
      (args[3] as tf.GradSaveFunc)([xIn, wIn]);
      const value = tf.getBackend() === 'tensorflow' ? tf.add(tf.matMul(xIn, wIn), bIn) : tf.fused.matMul({ a: xIn, b: wIn, bias: bIn });
      return {
        value: value as tf.Tensor3D, // [S, rows, out]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sw] = saved as tf.Tensor3D[];
          const dy3 = dy as tf.Tensor3D;
          return [batchMatMulT(dy3, sw, false, true), batchMatMulT(sx, dy3, true, false), tf.sum(dy3, 1, true)]; // [S, rows, in], [S, in, out], [S, 1, out]
        },
      };
    });
    return f(x, w, b) as tf.Tensor3D;
  });
}

/** `matMulT` per slice of a leading batch axis: [S, m, k] x [S, k, n] with optional transposes of the last two axes; no tidy. */
function batchMatMulT(a: tf.Tensor3D, b: tf.Tensor3D, transposeA: boolean, transposeB: boolean): tf.Tensor3D {
  if (tf.getBackend() === 'wasm') {
    return tf.matMul(transposeA ? tf.transpose(a, [0, 2, 1]) : a, transposeB ? tf.transpose(b, [0, 2, 1]) : b);
  }
  return tf.matMul(a, b, transposeA, transposeB);
}

/**
 * y = x E^T: the output projection onto a [vocab, d_model] embedding table (tied `wte` or `lm_head`,
 * HF Linear layout), with gradients through `matMulT`.
 * @param x [rows, d_model]; table [vocab, d_model]
 * @returns [rows, vocab]; new tensor, caller disposes
 */
export function projectOntoTable(x: tf.Tensor2D, table: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy('models/projectOntoTable', () => {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [xIn, eIn] = args as tf.Tensor2D[];
      (args[2] as tf.GradSaveFunc)([xIn, eIn]);
      return {
        value: matMulT(xIn, eIn, false, true), // [rows, vocab]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, se] = saved as tf.Tensor2D[];
          const dy2 = dy as tf.Tensor2D;
          return [tf.matMul(dy2, se), matMulT(dy2, sx, true, false)]; // [rows, d_model], [vocab, d_model]
        },
      };
    });
    return f(x, table) as tf.Tensor2D;
  });
}
