import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import type { TrainableClassifier } from '../../src/probing/probe_training';
import { finetuneAndEvaluate } from '../../src/sft/classifier_finetune';
import type { Example, Partition } from '../../src/tasks/types';
import { createRng } from '../../src/util/rng';

/** Predicts class 1 iff a row has at least 3 real tokens (read from the attention mask); `bias` only gives the optimizer a variable. */
function lengthClassifier(bias: tf.Variable): TrainableClassifier {
  return {
    logits: (ids, _training, mask) =>
      tf.tidy(() => {
        if (!mask) throw new Error('expected an attention mask for prompts of different lengths');
        const long = tf.cast(tf.greaterEqual(tf.sum(mask, 1), 3), 'float32'); // [batch]
        return tf.add(tf.mul(tf.stack([tf.sub(1, long), long], 1), 10), bias) as tf.Tensor2D; // [batch, classes]
      }),
    trainableVariables: [bias],
    dispose: () => undefined,
  };
}

const ex = (text: string, label: 0 | 1, partition: Partition): Example => ({ text, label, partition });

describe('finetuneAndEvaluate', () => {
  const bias = tf.variable(tf.zeros([2]), true);
  before(async () => {
    await initBackend();
  });
  after(() => bias.dispose());

  it('left-pads prompts of different lengths with the pad id, masks them, and scores the error per partition', async () => {
    const test: Record<Partition, Example[]> = {
      both: [ex('a b c', 1, 'both'), ex('a b c d', 1, 'both')], // long: predicted 1, right
      neither: [ex('a', 0, 'neither'), ex('a b c', 0, 'neither')], // one long: one wrong
      s_only: [ex('a b', 0, 's_only')], // short: right
      t_only: [ex('a', 1, 't_only'), ex('b', 1, 't_only'), ex('a b c', 1, 't_only'), ex('c', 1, 't_only')], // 3 of 4 wrong
    };
    const toIds = (e: Example) => e.text.split(' ').map((w) => w.charCodeAt(0) - 96); // a -> 1, b -> 2, ...
    const r = await finetuneAndEvaluate(lengthClassifier(bias), [ex('a b c', 1, 'both'), ex('a', 0, 'neither')], test, { toIds, padId: 0 }, { epochs: 1, batchSize: 2, learningRate: 0 }, createRng(0));
    assert.deepEqual(r.errors, { both: 0, neither: 0.5, s_only: 0, t_only: 0.75 });
    assert.equal(r.accuracy, 5 / 9);
    assert.equal(r.lossNatsPerEpoch.length, 1);
    await assert.rejects(
      finetuneAndEvaluate(lengthClassifier(bias), [ex('a b c', 1, 'both'), ex('a', 0, 'neither')], test, toIds, { epochs: 1, batchSize: 2, learningRate: 0 }, createRng(0)),
      { message: 'rows[1]: has 1 tokens; expected 3 like rows[0] (no padding)' },
    );
  });
});
