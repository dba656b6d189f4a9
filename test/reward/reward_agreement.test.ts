/**
 * Agreement metrics on hand-worked confusion tables (the arithmetic is in each test's comment).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rewardAgreement, signAgreement } from '../../src/reward/reward_agreement';

const close = (a: number, b: number, label: string) => assert.ok(Math.abs(a - b) < 1e-12, `${label}: ${a} vs ${b}`);

describe('rewardAgreement', () => {
  it('balanced table: tp 2, fn 1, fp 1, tn 2 gives accuracy 2/3, balanced 2/3, kappa (2/3 - 1/2) / (1/2) = 1/3', () => {
    const r = rewardAgreement([2, -1, 0.5, -3, 1, -0.2], [1, 1, 0, 0, 1, 0]);
    assert.deepEqual(r.confusion, { tp: 2, fn: 1, fp: 1, tn: 2 });
    close(r.accuracy, 2 / 3, 'accuracy');
    close(r.balancedAccuracy, 2 / 3, 'balanced');
    close(r.cohenKappa, 1 / 3, 'kappa');
    assert.equal(r.n, 6);
  });

  it('skewed table: tp 3, fn 0, fp 1, tn 1 gives accuracy 0.8, balanced (1 + 1/2) / 2 = 0.75, kappa (0.8 - 0.56) / 0.44 = 6/11', () => {
    // p_e = P(label 1) P(pred 1) + P(label 0) P(pred 0) = 3/5 * 4/5 + 2/5 * 1/5 = 14/25 = 0.56
    const r = rewardAgreement([1, 1, 1, 1, -1], [1, 1, 1, 0, 0]);
    assert.deepEqual(r.confusion, { tp: 3, fn: 0, fp: 1, tn: 1 });
    close(r.accuracy, 0.8, 'accuracy');
    close(r.balancedAccuracy, 0.75, 'balanced');
    close(r.cohenKappa, 6 / 11, 'kappa');
  });

  it('gives kappa -1 for perfect disagreement on balanced labels, and NaN when both sides hold one class', () => {
    close(rewardAgreement([1, -1], [0, 1]).cohenKappa, -1, 'kappa');
    const one = rewardAgreement([1, 2, 3], [1, 1, 1]);
    assert.equal(one.accuracy, 1);
    assert.equal(one.balancedAccuracy, 1);
    assert.ok(Number.isNaN(one.cohenKappa));
  });

  it('predicts 1 only above the threshold: a score equal to it predicts 0', () => {
    assert.deepEqual(rewardAgreement([0, 0.5], [0, 1]).confusion, { tp: 1, fn: 0, fp: 0, tn: 1 });
    assert.deepEqual(rewardAgreement([0, 0.5], [0, 1], 0.5).confusion, { tp: 0, fn: 1, fp: 0, tn: 1 });
  });

  it('names the bad argument in one line', () => {
    assert.throws(() => rewardAgreement([1, 2], [1]), /^ConfigError: labels: 1 labels for 2 scores; expected one label per score$/);
    assert.throws(() => rewardAgreement([1, NaN], [1, 0]), /scores\[1\]: NaN is not a finite number/);
    assert.throws(() => rewardAgreement([1], [2 as 0]), /labels\[0\]: 2 is not allowed; expected 0 or 1/);
    assert.throws(() => rewardAgreement([], []), /scores: empty/);
  });
});

describe('signAgreement', () => {
  it('drops pairs where the reference is 0 and reads its sign as the label: accuracy 2/3, balanced 1/2, kappa 0', () => {
    // kept (0.5 | +2 -> 1), (3 | -1 -> 0), (1 | +4 -> 1): predictions 1, 1, 1; tp 2, fp 1.
    // p_e = P(label 1) P(pred 1) + P(label 0) P(pred 0) = 2/3 * 1 + 1/3 * 0 = 2/3 = accuracy, so kappa 0.
    const r = signAgreement([0.5, -2, 3, 1], [2, 0, -1, 4]);
    assert.equal(r.nNeutral, 1);
    assert.equal(r.n, 3);
    assert.deepEqual(r.confusion, { tp: 2, fn: 0, fp: 1, tn: 0 });
    close(r.accuracy, 2 / 3, 'accuracy');
    close(r.balancedAccuracy, 0.5, 'balanced');
    close(r.cohenKappa, 0, 'kappa');
  });

  it('rejects all-neutral references and mismatched lengths in one line', () => {
    assert.throws(() => signAgreement([1, 2], [0, 0]), /referenceScores: all 0 \(neutral\)/);
    assert.throws(() => signAgreement([1, 2], [1]), /referenceScores: 1 scores for 2 scores/);
  });
});
