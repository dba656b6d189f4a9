import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { correlationRows, h1ChartPoints, h1Correlations, h1Curve, h1Points, minExactRankPValue } from '../../src/hypotheses/h1';
import type { TaskExtractabilityRow } from '../../src/hypotheses/runs';

const ext = (task: number, relMdl: number) => ({ task, relMdl, relMdlSem: 0.01 }) as unknown as TaskExtractabilityRow;

describe('H1', () => {
  it('joins extractability and feature use by task, dropping tasks missing on either side', () => {
    const pts = h1Points([ext(1, 0.9), ext(2, 0.2), ext(3, 0.1)], [{ task: 1, score: 0.8, sem: 0.1, n: 2 }, { task: 3, score: 0.1, sem: 0.05, n: 2 }]);
    assert.deepEqual(pts.map((p) => [p.task, p.relMdl, p.score]), [[1, 0.9, 0.8], [3, 0.1, 0.1]]);
  });

  it('uses the exact Spearman p-value for small n: a perfect ranking of 5 tasks gives p = 2/120', () => {
    const pts = [0.1, 0.2, 0.4, 0.8, 1.6].map((r, i) => ({ task: i + 1, relMdl: r, relMdlSem: null, score: 0.1 + 0.2 * i, scoreSem: 0, n: 1 }));
    const [s, k, p] = h1Correlations(pts);
    assert.equal(s.test, 'Spearman rho');
    assert.equal(s.method, 'exact');
    assert.ok(Math.abs(s.statistic - 1) < 1e-12);
    assert.ok(Math.abs(s.pValue - 2 / 120) < 1e-12, `p ${s.pValue}`);
    assert.equal(k.test, 'Kendall tau-b');
    assert.ok(Math.abs(k.pValue - 2 / 120) < 1e-12, `kendall p ${k.pValue}`);
    assert.equal(p.test, 'Pearson r');
  });

  it('cannot reach p < 0.05 with four tasks, however perfect the ranking (the reason for the extension)', () => {
    const [s] = correlationRows([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4]);
    assert.ok(Math.abs(s.pValue - 2 / 24) < 1e-12);
    assert.equal(minExactRankPValue(4), 2 / 24);
    assert.ok(minExactRankPValue(5) < 0.05 && minExactRankPValue(4) > 0.05);
  });

  it('returns no test for fewer than 3 points or a constant variable', () => {
    assert.deepEqual(correlationRows([1, 2], [3, 4]), []);
    assert.deepEqual(correlationRows([1, 2, 3], [3, 3, 3]), []);
  });

  it('fits an increasing logistic curve through increasing scores', () => {
    const pts = [0.1, 0.3, 1, 3].map((r, i) => ({ task: i, relMdl: r, relMdlSem: null, score: [0.1, 0.3, 0.7, 0.9][i], scoreSem: 0, n: 1 }));
    const curve = h1Curve(pts, 10);
    assert.equal(curve.length, 10);
    assert.ok(Math.abs(curve[0].relMdl - 0.1) < 1e-9 && Math.abs(curve[9].relMdl - 3) < 1e-9);
    for (let i = 1; i < curve.length; i++) assert.ok(curve[i].score > curve[i - 1].score);
  });

  it('draws error bars of one SEM only where the SEM exists', () => {
    const pts = h1ChartPoints([{ task: 1, relMdl: 0.5, relMdlSem: null, score: 0.6, scoreSem: 0.1, n: 2 }, { task: 2, relMdl: 0.2, relMdlSem: null, score: 0.3, scoreSem: NaN, n: 1 }], (t) => `t${t}`);
    assert.deepEqual(pts[0], { task: 't1', relMdl: 0.5, score: 0.6, lo: 0.5, hi: 0.7 });
    assert.deepEqual(pts[1], { task: 't2', relMdl: 0.2, score: 0.3 });
  });
});
