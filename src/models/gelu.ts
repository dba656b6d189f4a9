/**
 * GELU activation, tanh approximation (Hendrycks & Gimpel 2016; HF `gelu_new`, GPT-2's activation):
 * 0.5 x (1 + tanh(c (x + a x^3))), c = sqrt(2 / pi), a = 0.044715. Computed as the identical
 * x * sigmoid(2c (x + a x^3)) (since 0.5 (1 + tanh u) = sigmoid(2u)) with a hand-written gradient:
 * fewer kernels than the tanh form under autodiff.
 */
import * as tf from '@tensorflow/tfjs';

const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/**
 * Elementwise tanh-approximated GELU.
 * @param x any shape
 * @returns same shape; new tensor, caller disposes
 */
export function geluTanh<T extends tf.Tensor>(x: T): T {
  return tf.tidy('models/geluTanh', () => {
    const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const xIn = args[0] as tf.Tensor;
      const x2 = tf.square(xIn);
      const s = tf.sigmoid(tf.mul(xIn, tf.add(tf.mul(x2, 2 * C * A), 2 * C))); // sigmoid(z), z = 2c (x + a x^3)
      (args[1] as tf.GradSaveFunc)([xIn, x2, s]);
      return {
        value: tf.mul(xIn, s),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sx2, ss] = saved;
          // d/dx [x s(z)] = s + x s (1 - s) dz/dx, with dz/dx = 2c (1 + 3 a x^2)
          const dz = tf.add(tf.mul(sx2, 6 * C * A), 2 * C);
          return [tf.mul(dy, tf.add(ss, tf.mul(tf.mul(sx, tf.mul(ss, tf.sub(1, ss))), dz)))];
        },
      };
    });
    return f(x) as T;
  });
}
