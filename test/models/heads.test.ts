import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT } from '../../src/models/gpt';
import { ClassificationHead, GPTClassifier, ValueHead, ValueNetwork, lastTokenIndex } from '../../src/models/heads';
import { createRng } from '../../src/util/rng';
import { TINY, maxAbsDiff, randomIds } from './tiny_models';

describe('heads', () => {
  before(async () => {
    await initBackend();
  });

  it('ValueHead maps [batch, n, d_model] to [batch, n] with dropout only when training', () => {
    const head = ValueHead.init(32, createRng(1));
    assert.deepEqual([...head.namedWeights().keys()], ['v_head.summary.weight', 'v_head.summary.bias']);
    const bound = 1 / Math.sqrt(32); // torch Linear init
    assert.ok(head.namedWeights().get('v_head.summary.weight')!.dataSync().every((v) => Math.abs(v) <= bound));
    const hidden = tf.randomNormal([2, 5, 32], 0, 1, 'float32', 2) as tf.Tensor3D;
    const evalV = head.forward(hidden);
    assert.deepEqual(evalV.shape, [2, 5]);
    // Reference: hidden . w + b on the host.
    const w = head.namedWeights().get('v_head.summary.weight')!.dataSync();
    const b = head.namedWeights().get('v_head.summary.bias')!.dataSync()[0];
    const h = hidden.arraySync();
    const v = evalV.arraySync();
    for (let i = 0; i < 2; i++) for (let t = 0; t < 5; t++) {
      const ref = h[i][t].reduce((s, x, k) => s + x * w[k], b);
      assert.ok(Math.abs(v[i][t] - ref) < 1e-5);
    }
    const trainA = head.forward(hidden, true, createRng(3));
    const trainB = head.forward(hidden, true, createRng(3));
    assert.equal(maxAbsDiff(trainA, trainB), 0);
    assert.ok(maxAbsDiff(trainA, evalV) > 1e-4);
    const copy = ValueHead.fromTensors(head.namedWeights());
    const copyV = copy.forward(hidden);
    assert.equal(maxAbsDiff(copyV, evalV), 0);
    tf.dispose([hidden, evalV, trainA, trainB, copyV]);
    head.dispose();
    copy.dispose();
  });

  it('ValueNetwork gives [batch, resp] values from its own trunk at the positions before each response token', () => {
    const net = ValueNetwork.init(TINY, createRng(4));
    assert.ok(net.namedWeights().has('value_head.weight'));
    assert.equal(net.trainableVariables.length, net.trunk.trainableVariables.length); // + value head - unused untied lm_head
    const ids = randomIds(2, 8, TINY.vocabSize, createRng(5));
    const values = net.values(ids, undefined, 5);
    assert.deepEqual(values.shape, [2, 3]);
    const hidden = net.trunk.forward(ids, { returnHidden: true }).hidden!; // [2, 8, 32]
    const w = net.namedWeights().get('value_head.weight')!;
    const ref = tf.matMul(hidden.slice([0, 4, 0], [2, 3, 32]).reshape([6, 32]), w, false, true).reshape([2, 3]);
    assert.ok(maxAbsDiff(values, ref) < 1e-5);
    tf.dispose([ids, values, hidden, ref]);
    net.dispose();
  });

  it('finds the last real token for left and right padding', () => {
    const mask = tf.tensor2d([[0, 0, 1, 1], [1, 1, 0, 0], [1, 1, 1, 1]]);
    const idx = lastTokenIndex(mask);
    assert.deepEqual(Array.from(idx.dataSync()), [3, 1, 3]);
    tf.dispose([mask, idx]);
  });

  it('GPTClassifier gives the same class logits for a sequence unpadded, left-padded and right-padded (1e-5 abs)', () => {
    const clf = new GPTClassifier(GPT.init(TINY, createRng(6)), ClassificationHead.init(32, 2, createRng(7)));
    const real = randomIds(1, 4, TINY.vocabSize, createRng(8), 1);
    const alone = clf.forward(real);
    assert.deepEqual(alone.shape, [1, 2]);
    const pads = tf.zeros([1, 3], 'int32');
    const left = clf.forward(tf.concat([pads, real], 1) as tf.Tensor2D, tf.tensor2d([[0, 0, 0, 1, 1, 1, 1]]));
    const right = clf.forward(tf.concat([real, pads], 1) as tf.Tensor2D, tf.tensor2d([[1, 1, 1, 1, 0, 0, 0]]));
    assert.ok(maxAbsDiff(left, alone) < 1e-5 && maxAbsDiff(right, alone) < 1e-5);
    assert.ok(Math.abs(alone.dataSync()[0] - alone.dataSync()[1]) > 0);
    tf.dispose([real, alone, pads, left, right]);
    clf.dispose();
  });

  it('GPTClassifier trains every weight through the last-token selection', () => {
    const clf = new GPTClassifier(GPT.init(TINY, createRng(9)), ClassificationHead.init(32, 3, createRng(10)));
    const ids = randomIds(4, 5, TINY.vocabSize, createRng(11));
    const mask = tf.tensor2d([[1, 1, 1, 1, 1], [0, 1, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 1, 1, 1]]);
    const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, clf.forward(ids, mask)) as tf.Scalar, clf.trainableVariables);
    for (const v of clf.trainableVariables) assert.ok(tf.max(tf.abs(grads[v.name])).dataSync()[0] > 0, `zero gradient for a ${v.shape} weight`);
    tf.dispose([ids, mask, labels, value, ...Object.values(grads)]);
    clf.dispose();
  });
});
