/** Hand-written gradients (LayerNorm, GELU, linear, output projection, embedding) against tfjs autodiff of the plain formulas. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { embedTokens, oneHotFloat } from '../../src/models/embedding';
import { geluTanh } from '../../src/models/gelu';
import { layerNorm } from '../../src/models/layer_norm';
import { linear, projectOntoTable } from '../../src/models/linear';
import { maxAbsDiff } from './tiny_models';

/** Max relative difference of value and all gradients of f vs ref for a scalar loss sum(f(...) * w). */
function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, ref: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], seed: number): number {
  return tf.tidy(() => {
    const outShape = f(...inputs).shape;
    const w = tf.randomNormal(outShape, 0, 1, 'float32', seed);
    const loss = (g: (...xs: tf.Tensor[]) => tf.Tensor) => (...xs: tf.Tensor[]) => tf.sum(tf.mul(g(...xs), w)) as tf.Scalar;
    const a = tf.valueAndGrads(loss(f))(inputs);
    const b = tf.valueAndGrads(loss(ref))(inputs);
    let worst = Math.abs(a.value.dataSync()[0] - b.value.dataSync()[0]) / (1 + Math.abs(b.value.dataSync()[0]));
    a.grads.forEach((g, i) => {
      const scale = 1 + tf.max(tf.abs(b.grads[i])).dataSync()[0];
      worst = Math.max(worst, maxAbsDiff(g, b.grads[i]) / scale);
    });
    return worst;
  });
}

describe('GPT layers', () => {
  before(async () => {
    await initBackend();
  });

  it('LayerNorm matches the plain formula in value and gradient (1e-5 relative)', () => {
    const x = tf.randomNormal([6, 16], 1, 3, 'float32', 1);
    const g = tf.randomNormal([16], 1, 0.3, 'float32', 2);
    const b = tf.randomNormal([16], 0, 0.3, 'float32', 3);
    const ref = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
      const { mean, variance } = tf.moments(xi, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(xi, mean), tf.sqrt(tf.add(variance, 1e-5))), gi), bi);
    };
    const err = compare((xi, gi, bi) => layerNorm(xi as tf.Tensor2D, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5), ref, [x, g, b], 4);
    assert.ok(err < 1e-5, `relative error ${err}`);
    tf.dispose([x, g, b]);
  });

  it('GELU equals 0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) in value and gradient (1e-5 relative)', () => {
    const x = tf.randomNormal([5, 12], 0, 3, 'float32', 5);
    const ref = (xi: tf.Tensor) =>
      tf.mul(tf.mul(0.5, xi), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(xi, tf.mul(0.044715, tf.pow(xi, 3)))))));
    const err = compare((xi) => geluTanh(xi), ref, [x], 6);
    assert.ok(err < 1e-5, `relative error ${err}`);
    tf.dispose(x);
  });

  it('linear and the output projection match plain matmuls in value and gradient (1e-5 relative)', () => {
    const x = tf.randomNormal([7, 8], 0, 1, 'float32', 7);
    const w = tf.randomNormal([8, 5], 0, 1, 'float32', 8);
    const b = tf.randomNormal([5], 0, 1, 'float32', 9);
    const e = tf.randomNormal([11, 8], 0, 1, 'float32', 10);
    const errLinear = compare((xi, wi, bi) => linear(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D), (xi, wi, bi) => tf.add(tf.matMul(xi, wi), bi), [x, w, b], 11);
    const errProj = compare((xi, ei) => projectOntoTable(xi as tf.Tensor2D, ei as tf.Tensor2D), (xi, ei) => tf.matMul(xi, tf.transpose(ei)), [x, e], 12);
    assert.ok(errLinear < 1e-5 && errProj < 1e-5, `relative errors ${errLinear}, ${errProj}`);
    tf.dispose([x, w, b, e]);
  });

  it('embedding lookup matches a one-hot matmul in value and table gradient, repeated ids included', () => {
    const table = tf.randomNormal([9, 4], 0, 1, 'float32', 13);
    const ids = tf.tensor1d([0, 3, 3, 8, 1, 3], 'int32');
    const err = compare((t) => embedTokens(ids, t as tf.Tensor2D), (t) => tf.matMul(oneHotFloat(ids, 9), t), [table], 14);
    assert.ok(err < 1e-6, `relative error ${err}`);
    tf.dispose([table, ids]);
  });

  it('builds float32 one-hot rows of exact zeros and ones', () => {
    const oh = oneHotFloat(tf.tensor1d([2, 0], 'int32'), 3);
    assert.equal(oh.dtype, 'float32');
    assert.deepEqual(oh.arraySync(), [[0, 0, 1], [1, 0, 0]]);
    oh.dispose();
  });
});
