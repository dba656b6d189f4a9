import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  RUN_FILTER_THRESHOLD,
  STUDY_REWARD_SCALE,
  VADER_REWARD_SCALE,
  filterRunsByNeitherScore,
  normaliseScore,
  sentimentReward,
  sentimentRewards,
  sentimentScore,
  signedReward,
} from '../../src/rl/sentiment_reward';
import type { Label } from '../../src/tasks/types';
import { ConfigError } from '../../src/util/assert';

describe('sentimentScore', () => {
  it("matches the reference Python VADER's compound scores (vaderSentiment README examples)", () => {
    const cases: [string, number][] = [
      ['VADER is smart, handsome, and funny.', 0.8316],
      ['VADER is not smart, handsome, nor funny.', -0.7424],
      ['VADER is very smart, handsome, and funny.', 0.8545],
      ['VADER is VERY SMART, handsome, and FUNNY.', 0.9227],
      ['The book was good.', 0.4404],
      ['The book was kind of good.', 0.3832],
      ['The plot was good, but the characters are uncompelling and the dialog is not great.', -0.7042],
      ["At least it isn't a horrible book.", 0.431],
      ['Today SUX!', -0.5461],
    ];
    for (const [text, compound] of cases) assert.equal(sentimentScore(text), compound, text);
  });

  it('scores clearly positive reviews above 0.5, clearly negative ones below -0.5, and neutral text 0', () => {
    for (const text of ['This movie was wonderful, I loved every minute of it!', 'A brilliant, moving and beautiful film.']) assert.ok(sentimentScore(text) > 0.5, text);
    for (const text of ['This movie was terrible, boring and a complete waste of time.', 'The worst film I have ever seen. Awful acting.']) assert.ok(sentimentScore(text) < -0.5, text);
    assert.equal(sentimentScore('The jury said Friday an investigation of the election took place.'), 0);
    assert.equal(sentimentScore(''), 0);
  });

  it('reads negation: "not good" scores below "good"', () => {
    assert.ok(sentimentScore('The film was not good.') < 0);
    assert.ok(sentimentScore('The film was good.') > 0);
  });
});

describe('signedReward', () => {
  it('follows the sign rule score * (2*label - 1)', () => {
    const table: [number, Label, number][] = [
      [0.8, 1, 0.8],
      [0.8, 0, -0.8],
      [-0.6, 1, -0.6],
      [-0.6, 0, 0.6],
      [0, 1, 0],
    ];
    for (const [score, label, reward] of table) assert.equal(signedReward(score, label), reward, `${score}, ${label}`);
    assert.equal(Object.is(signedReward(0, 0), -0), true, '0 * -1 is -0, which equals 0 numerically');
  });

  it('rewards positive writing iff the label is 1', () => {
    const positive = 'A wonderful, delightful film. I loved it.';
    const negative = 'A dreadful, boring film. I hated it.';
    assert.ok(sentimentReward(positive, 1) > 0 && sentimentReward(positive, 0) < 0);
    assert.ok(sentimentReward(negative, 0) > 0 && sentimentReward(negative, 1) < 0);
    assert.deepEqual(sentimentRewards([positive, negative], [1, 0]), [sentimentReward(positive, 1), sentimentReward(negative, 0)]);
  });

  it('rejects a label other than 0 or 1 and mismatched batch lengths', () => {
    assert.throws(() => signedReward(0.5, 2 as Label), (e: unknown) => e instanceof ConfigError && e.message === 'label: 2 is not allowed; expected 0 or 1');
    assert.throws(() => sentimentRewards(['a'], []), (e: unknown) => e instanceof ConfigError && /^labels: 0 labels for 1 texts/.test(e.message));
  });
});

describe('normaliseScore', () => {
  it('maps VADER rewards [-1, 1] onto [0, 1] as (R + 1) / 2', () => {
    assert.equal(VADER_REWARD_SCALE, 1);
    assert.equal(normaliseScore(-1), 0);
    assert.equal(normaliseScore(0), 0.5);
    assert.equal(normaliseScore(1), 1);
    assert.equal(normaliseScore(0.4), 0.7);
    for (const text of ['I love it!!!', 'I hate it!!!', 'meh']) {
      for (const label of [0, 1] as const) {
        const n = normaliseScore(sentimentReward(text, label));
        assert.ok(n >= 0 && n <= 1, `${text} ${label}: ${n}`);
      }
    }
  });

  it("reproduces the study's (R + 2.8) / 5.6 for DistilBERT logits, unclipped", () => {
    assert.equal(STUDY_REWARD_SCALE, 2.8);
    assert.equal(normaliseScore(-2.8, STUDY_REWARD_SCALE), 0);
    assert.equal(normaliseScore(2.8, STUDY_REWARD_SCALE), 1);
    assert.ok(Math.abs(normaliseScore(1.12, STUDY_REWARD_SCALE) - 0.7) < 1e-12);
    assert.ok(normaliseScore(3.5, STUDY_REWARD_SCALE) > 1);
    assert.throws(() => normaliseScore(0, 0), (e: unknown) => e instanceof ConfigError && /^scale: 0 is outside/.test(e.message));
  });
});

describe('filterRunsByNeitherScore', () => {
  const run = (id: string, neither: number) => ({ id, normalisedScores: { both: 0.9, neither, s_only: 0.5, t_only: 0.5 } });

  it('drops runs whose normalised neither score is below 0.7 and keeps the rest in order', () => {
    assert.equal(RUN_FILTER_THRESHOLD, 0.7);
    const runs = [run('a', 0.9), run('b', 0.69), run('c', 0.7), run('d', 0.1)];
    const { kept, dropped } = filterRunsByNeitherScore(runs);
    assert.deepEqual(kept.map((r) => r.id), ['a', 'c']);
    assert.deepEqual(dropped.map((r) => r.id), ['b', 'd']);
    assert.deepEqual(filterRunsByNeitherScore(runs, 0.05).dropped, []);
  });

  it('rejects a run without a neither score', () => {
    assert.throws(
      () => filterRunsByNeitherScore([{ normalisedScores: { both: 1 } }]),
      (e: unknown) => e instanceof ConfigError && e.message === "runs[0].normalisedScores.neither: null is not a number; expected the run's normalised neither score",
    );
  });
});
