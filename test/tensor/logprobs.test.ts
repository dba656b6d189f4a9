import { before, describe, it } from 'node:test';
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
