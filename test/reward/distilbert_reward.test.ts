/**
 * The DistilBERT reward on the tiny random classifier of test/reference/gen_distilbert_fixture.py:
 * the reward of each text is HF's POSITIVE logit (column 1 of the fixture's logits), whatever the batching.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { distilBertRewards, distilBertScorer, loadDistilBertReward, positiveLabelIndex } from '../../src/reward/distilbert_reward';

const DIR = path.join(__dirname, '..', 'fixtures', 'models', 'tiny_distilbert');
const TOL = 1e-4;
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as { texts: { texts: string[]; logits: number[][] } };

describe('DistilBERT reward (positive-class logit)', () => {
  before(async () => {
    await initBackend();
  });

  it(`gives HF's POSITIVE logit of each text within ${TOL}, in batches of 16, 3 and 1`, () => {
    const rm = loadDistilBertReward(DIR);
    assert.equal(rm.positiveIndex, 1);
    const want = expected.texts.logits.map((row) => row[1]);
    for (const batchSize of [16, 3, 1]) {
      const got = distilBertRewards(rm, expected.texts.texts, batchSize);
      assert.equal(got.length, want.length);
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < TOL, `batch ${batchSize}, text ${i}: ${g} vs ${want[i]}`));
    }
    const score = distilBertScorer(rm);
    assert.ok(Math.abs(score(expected.texts.texts[2]) - want[2]) < TOL);
    rm.model.dispose();
  });

  it('leaves no tensor behind and returns [] for no texts', () => {
    const rm = loadDistilBertReward(DIR);
    const before = tf.memory().numTensors;
    distilBertRewards(rm, expected.texts.texts, 3);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(distilBertRewards(rm, []), []);
    rm.model.dispose();
  });

  it('finds the positive class by name, or takes 1 of two generic labels, and names the labels otherwise', () => {
    assert.equal(positiveLabelIndex(['NEGATIVE', 'POSITIVE']), 1);
    assert.equal(positiveLabelIndex(['positive', 'negative']), 0);
    assert.equal(positiveLabelIndex(['LABEL_0', 'LABEL_1']), 1);
    assert.throws(() => positiveLabelIndex(['toxic', 'clean']), /^ConfigError: id2label: \["toxic","clean"\] has no POSITIVE label/);
  });
});
