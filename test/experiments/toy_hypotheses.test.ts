import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { minExactRankPValue, correlationRows, h1Correlations, h1Curve, h1Points, h2Correlations, h2Rows } from '../../src/experiments/toy_hypotheses';
import type { ToyExtractabilityRow } from '../../src/experiments/toy_mdl_grid';
import type { ToyRlRun } from '../../src/experiments/toy_rl_grid';

const ext = (task: number, relMdl: number) => ({ task, relMdl, relMdlSem: 0.01 }) as unknown as ToyExtractabilityRow;

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
});

describe('H2', () => {
  const run = (task: number, rate: number, seed: number, sOnly: number): ToyRlRun => ({ task, rate, seed, reused: true, wallMs: 0, result: { seed, steps: [], warnings: [], eval: { both: 1, neither: 1, s_only: sOnly, t_only: sOnly / 2 } } });

  it('correlates s-only reward with the rate, pooled and per task', () => {
    const runs = [run(1, 0, 0, 0.1), run(1, 0.1, 0, 0.5), run(1, 0.5, 0, 0.9), run(2, 0, 0, 0.0), run(2, 0.1, 0, 0.2), run(2, 0.5, 0, 0.4)];
    const rows = h2Correlations(h2Rows(runs));
    const pooled = rows.find((r) => r.scope === 'pooled' && r.partition === 's_only' && r.test === 'Spearman rho')!;
    assert.equal(pooled.n, 6);
    assert.ok(pooled.statistic > 0.5);
    const task1 = rows.find((r) => r.scope === 'task 1' && r.partition === 's_only' && r.test === 'Spearman rho')!;
    assert.ok(Math.abs(task1.statistic - 1) < 1e-12);
    assert.ok(Math.abs(task1.pValue - 2 / 6) < 1e-12);
  });
});
