import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { entropyFromLogits, fullLogprobsFromLogits, logprobsFromLogits } from '../../src/tensor/logprobs';
import { assertClose, assertNoLeak, loadFixture, t } from './test_utils';

const fx = loadFixture('rl', 'trl_core');
const logits = (): tf.Tensor3D => t(fx.inputs.logits) as tf.Tensor3D; // [3, 5, 11]
const labels = (): tf.Tensor2D => tf.tensor2d(fx.inputs.labels, undefined, 'int32'); // [3, 5]

describe('log-probs and entropy against TRL 0.7.11 core.py (rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  it('logprobsFromLogits equals logprobs_from_logits (gather)', () => {
    tf.tidy(() => assertClose(logprobsFromLogits(logits(), labels()), fx.logprobs_from_logits, 'logprobs'));
  });

  it('fullLogprobsFromLogits equals logprobs_from_logits(gather=False)', () => {
    tf.tidy(() => assertClose(fullLogprobsFromLogits(logits()), fx.logprobs_full, 'full'));
  });

  it('entropyFromLogits equals entropy_from_logits', () => {
    tf.tidy(() => assertClose(entropyFromLogits(logits()), fx.entropy_from_logits, 'entropy'));
  });
});

describe('log-probs: oracle properties', () => {
  before(async () => {
    await initBackend();
  });

  it('the gradient of a picked log-prob is onehot(label) - softmax, on every backend', () => {
    tf.tidy(() => {
      const x = logits();
      const y = labels();
      const grad = tf.grad((l: tf.Tensor) => tf.sum(logprobsFromLogits(l as tf.Tensor3D, y)))(x);
      const expected = tf.sub(tf.cast(tf.oneHot(y, 11), 'float32'), tf.softmax(x));
      assertClose(grad, expected.arraySync() as number[][][], 'grad');
    });
  });

  it('the entropy of uniform logits is log(vocab), of a near one-hot is ~0', () => {
    tf.tidy(() => {
      assertClose(entropyFromLogits(tf.zeros([1, 2, 7]) as tf.Tensor3D), [[Math.log(7), Math.log(7)]], 'uniform');
      const peaked = tf.tensor3d([[[50, 0, 0, 0]]]);
      assertClose(entropyFromLogits(peaked), [[0]], 'peaked');
    });
  });

  it('keeps tf.memory().numTensors flat over repeated calls', () => {
    const x = logits();
    const y = labels();
    assertNoLeak(() => logprobsFromLogits(x, y));
    assertNoLeak(() => fullLogprobsFromLogits(x));
    assertNoLeak(() => entropyFromLogits(x));
    tf.dispose([x, y]);
  });
});

/** Max relative difference (value and gradient, scaled by 1 + max |reference|) of sum(f(z) * w) against sum(ref(z) * w). */
function gradError(f: (z: tf.Tensor) => tf.Tensor, ref: (z: tf.Tensor) => tf.Tensor, z: tf.Tensor, seed: number): number {
  return tf.tidy(() => {
    const w = tf.randomNormal(f(z).shape, 0, 1, 'float32', seed);
    const a = tf.valueAndGrad((x: tf.Tensor) => tf.sum(tf.mul(f(x), w)) as tf.Scalar)(z);
    const b = tf.valueAndGrad((x: tf.Tensor) => tf.sum(tf.mul(ref(x), w)) as tf.Scalar)(z);
    const rel = (u: tf.Tensor, v: tf.Tensor) => tf.max(tf.abs(tf.sub(u, v))).dataSync()[0] / (1 + tf.max(tf.abs(v)).dataSync()[0]);
    return Math.max(rel(a.value, b.value), rel(a.grad, b.grad));
  });
}

describe('log-prob and entropy heads: hand-written gradients against autodiff of the plain formulas', () => {
  before(async () => {
    await initBackend();
  });

  const z = (): tf.Tensor3D => tf.randomNormal([4, 6, 13], 0, 4, 'float32', 21) as tf.Tensor3D; // [batch, resp, vocab]
  const y = (): tf.Tensor2D => tf.randomUniform([4, 6], 0, 13, 'int32', 22) as tf.Tensor2D; // [batch, resp] int32

  it('logprobsFromLogits: value and gradient equal sum(logSoftmax(z) * onehot) under tf.grad (1e-5 relative)', () => {
    const [x, labels] = [z(), y()];
    const ref = (l: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(l), tf.cast(tf.oneHot(labels, 13), 'float32')), -1);
    const err = gradError((l) => logprobsFromLogits(l, labels), ref, x, 23);
    assert.ok(err < 1e-5, `relative error ${err}`);
    tf.dispose([x, labels]);
  });

  it('logprobsFromLogits takes [batch, classes] logits and [batch] labels (the classifier cross-entropy)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([5, 3], 0, 2, 'float32', 24);
      const labels = tf.tensor1d([0, 2, 1, 1, 0], 'int32');
      const ref = (l: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(l), tf.cast(tf.oneHot(labels, 3), 'float32')), -1);
      assert.deepEqual(logprobsFromLogits(x, labels).shape, [5]);
      const err = gradError((l) => logprobsFromLogits(l, labels), ref, x, 25);
      assert.ok(err < 1e-5, `relative error ${err}`);
    });
  });

  it('entropyFromLogits: value and gradient equal logsumexp(z) - sum(softmax(z) * z) under tf.grad (1e-5 relative)', () => {
    const x = z();
    const ref = (l: tf.Tensor) => tf.sub(tf.logSumExp(l, -1), tf.sum(tf.mul(tf.softmax(l), l), -1));
    const err = gradError((l) => entropyFromLogits(l), ref, x, 26);
    assert.ok(err < 1e-5, `relative error ${err}`);
    tf.dispose(x);
  });

  it('keeps tf.memory().numTensors flat over repeated gradient calls', () => {
    const [x, labels] = [z(), y()];
    assertNoLeak(() => tf.grad((l: tf.Tensor) => tf.sum(logprobsFromLogits(l, labels)))(x));
    assertNoLeak(() => tf.grad((l: tf.Tensor) => tf.sum(entropyFromLogits(l)))(x));
    tf.dispose([x, labels]);
  });
});
