import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afinnScore } from '../../src/reward/afinn_scorer';
import { rewardScaleRow, rewardValidationRows } from '../../src/reward/reward_validation';
import { labelledSentimentSentences } from '../../src/reward/sentiment_sentences';

describe('reward validation table', () => {
  const heldOut = ['A good, happy day.', 'A terrible, sad loss.', 'The committee met on Tuesday.', 'Good fun.'];

  it('a scorer that says positive to everything: accuracy = share of positives, balanced accuracy 0.5, kappa 0', () => {
    const sentences = labelledSentimentSentences();
    const positives = sentences.filter((s) => s.label === 1).length;
    const rows = rewardValidationRows((texts) => texts.map(() => 1), heldOut);
    assert.equal(rows[0].n, sentences.length);
    assert.equal(rows[0].accuracy, positives / sentences.length);
    assert.equal(rows[0]['balanced accuracy'], 0.5);
    assert.equal(rows[0]['Cohen kappa'], 0);
    // AFINN: +6, -5, 0, +7 -> 3 non-neutral, 2 positive; "always positive" agrees on 2 of 3.
    assert.equal(rows[1].n, 3);
    assert.equal(rows[1].accuracy, 2 / 3);
    assert.match(rows[1].note, /^1 of 4 passages left out/);
  });

  it('AFINN agrees with itself: sign accuracy 1 and kappa 1', () => {
    const rows = rewardValidationRows((texts) => texts.map(afinnScore), heldOut);
    assert.equal(rows[1].accuracy, 1);
    assert.equal(rows[1]['Cohen kappa'], 1);
  });

  it('leaves the AFINN row out when every held-out passage is neutral', () => {
    assert.equal(rewardValidationRows((t) => t.map(() => 1), ['The committee met on Tuesday.']).length, 1);
  });

  it('the scale row: threshold 0.7 needs a signed reward of 0.4 x scale; |score| > 2.8 for 2 of 5; median |score| 2', () => {
    const row = rewardScaleRow([-3, -1, 0.5, 2, 4], 2.8);
    assert.ok(Math.abs(row['signed reward at the threshold'] - 1.12) < 1e-12);
    assert.equal(row['share |score| > scale'], 0.4);
    assert.equal(row['median |score|'], 2);
  });
});
