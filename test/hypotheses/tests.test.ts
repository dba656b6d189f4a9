import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { correlationRows, h1ChartPoints, h1Correlations, h1Curve, h1Points, NO_TEST, type CorrelationRow, minExactRankPValue } from '../../src/hypotheses/h1';
import type { TaskExtractabilityRow } from '../../src/hypotheses/runs';
import type { ToyRlRun } from '../../src/study/rl/toy/grid';

import { featureUseTable, sideBySideTable } from '../../src/hypotheses/tables';
import { h2Correlations, h2MeansByRate, h2MeansByTask, h2Rows } from '../../src/hypotheses/h2';
import { rlFeatureUse } from '../../src/hypotheses/feature_use';
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

describe('feature-use score (RL)', () => {
  const run = (task: number, rate: number, seed: number, sOnly: number, tOnly: number): ToyRlRun => ({ task, rate, seed, reused: true, wallMs: 0, result: { seed, steps: [], warnings: [], eval: { both: 1, neither: 1, s_only: sOnly, t_only: tOnly } } });

  it('is the mean of the t-only and s-only rewards at rate 0, averaged over seeds, other rates ignored', () => {
    const use = rlFeatureUse([run(1, 0, 0, 0.2, 0.6), run(1, 0, 1, 0.4, 0.8), run(1, 0.5, 0, 1, 1), run(5, 0, 0, 0, 0)], 0);
    assert.deepEqual(use.map((u) => [u.task, u.n]), [[1, 2], [5, 1]]);
    assert.ok(Math.abs(use[0].score - 0.5) < 1e-12);
    assert.ok(Math.abs(use[0].sem - 0.1) < 1e-12); // scores 0.4 and 0.6: sd 0.1414, / sqrt 2
    assert.equal(use[1].score, 0);
  });
});

describe('H2 pooled and chart rows', () => {
  const row = (task: number, rate: number, seed: number, s: number, t: number) => ({ task, rate, seed, s_only: s, t_only: t });
  const rows = [row(1, 0, 0, 0.1, 0.9), row(1, 0.5, 0, 0.7, 0.9), row(2, 0, 0, 0.3, 0.5), row(2, 0.5, 0, 0.9, 0.5), row(2, 0.5, 1, 0.5, 0.5)];

  it('pools every run of every task: n = runs, ties in the rate handled by average ranks', () => {
    const pooled = h2Correlations(rows).filter((r) => r.scope === 'pooled' && r.partition === 's_only');
    assert.deepEqual(pooled.map((r) => r.test), ['Spearman rho', 'Kendall tau-b', 'Pearson r']);
    assert.equal(pooled[0].n, 5);
    // ranks of rate: 1.5 3.5 1.5 3.5 3.5 -> 1.5, 4, 1.5, 4, 4 ; s ranks: 1 4 2 5 3
    const rx = [1.5, 4, 1.5, 4, 4];
    const ry = [1, 4, 2, 5, 3];
    const m = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const cov = rx.reduce((a, x, i) => a + (x - m(rx)) * (ry[i] - m(ry)), 0);
    const expected = cov / Math.sqrt(rx.reduce((a, x) => a + (x - m(rx)) ** 2, 0) * ry.reduce((a, y) => a + (y - m(ry)) ** 2, 0));
    assert.ok(Math.abs(pooled[0].statistic - expected) < 1e-12, `${pooled[0].statistic} vs ${expected}`);
    assert.equal(pooled[0].method, 'exact');
    // t-only is constant within task 2 and task 1: per-task t-only has no test; pooled it has one.
    assert.equal(h2Correlations(rows).filter((r) => r.scope === 'task 2' && r.partition === 't_only').length, 0);
  });

  it('averages each partition per rate over tasks and seeds, and per task', () => {
    const means = h2MeansByRate(rows, 'RL ');
    assert.deepEqual(means.map((r) => [r.x, r.series]), [[0, 'RL s-only'], [0, 'RL t-only'], [0.5, 'RL s-only'], [0.5, 'RL t-only']]);
    assert.ok(Math.abs(means[0].y - 0.2) < 1e-12 && Math.abs(means[2].y - 0.7) < 1e-12);
    const byTask = h2MeansByTask(rows, (t) => `task ${t}`);
    assert.deepEqual(byTask.map((r) => [r.series, r.x, Number(r.y.toFixed(12))]), [['task 1', 0, 0.1], ['task 1', 0.5, 0.7], ['task 2', 0, 0.3], ['task 2', 0.5, 0.7]]);
  });
});

describe('RL vs SFT tables', () => {
  const c = (test: string, statistic: number, pValue: number, n: number, method: string): CorrelationRow => ({ test, statistic, pValue, n, method });

  it('puts each test of RL and SFT on one row, with NaN and n = 0 where a method has none', () => {
    const table = sideBySideTable([
      { analysis: 'H1', rl: [c('Spearman rho', 0.8, 0.01, 8, 'exact'), c('Pearson r', 0.7, 0.05, 8, 'exact')], sft: [c('Spearman rho', 0.5, 0.2, 8, 'exact')] },
      { analysis: 'H2', rl: [], sft: [c('Spearman rho', 0.4, 0.03, 32, 'asymptotic')] },
    ]);
    assert.equal(table.length, 3);
    assert.deepEqual(table[0], { analysis: 'H1', test: 'Spearman rho', 'RL statistic': 0.8, 'RL p': 0.01, 'RL n': 8, 'SFT statistic': 0.5, 'SFT p': 0.2, 'SFT n': 8, method: 'exact' });
    assert.deepEqual([table[1].test, table[1]['SFT n']], ['Pearson r', 0]);
    assert.ok(Number.isNaN(table[1]['SFT statistic']));
    assert.deepEqual([table[2].analysis, table[2]['RL n'], table[2]['SFT statistic'], table[2].method], ['H2', 0, 0.4, 'asymptotic']);
    const none = sideBySideTable([{ analysis: 'H1 n = 2', rl: [], sft: [] }]);
    assert.deepEqual(none.map((r) => [r.test, r['RL n'], r['SFT n']]), [[NO_TEST, 0, 0]]);
  });

  it('lists both methods\' feature use per task, ordered by relative extractability', () => {
    const rows = featureUseTable([ext(1, 0.9), ext(2, 0.2), ext(7, 3)], [{ task: 1, score: 0.8, sem: 0.1, n: 2 }, { task: 2, score: 0.3, sem: NaN, n: 1 }], [{ task: 2, score: 0.5, sem: 0, n: 2 }], (t) => `t${t}`, (t) => (t > 5 ? 'extension' : 'paper'));
    assert.deepEqual(rows.map((r) => [r.task, r.design, r['MDL(s)/MDL(t)'], r['RL use'], r['SFT use'], r['SFT runs']]), [['t2', 'paper', 0.2, 0.3, 0.5, 2], ['t1', 'paper', 0.9, 0.8, NaN, 0], ['t7', 'extension', 3, NaN, NaN, 0]]);
  });

  it('draws error bars of one SEM only where the SEM exists', () => {
    const pts = h1ChartPoints([{ task: 1, relMdl: 0.5, relMdlSem: null, score: 0.6, scoreSem: 0.1, n: 2 }, { task: 2, relMdl: 0.2, relMdlSem: null, score: 0.3, scoreSem: NaN, n: 1 }], (t) => `t${t}`);
    assert.deepEqual(pts[0], { task: 't1', relMdl: 0.5, score: 0.6, lo: 0.5, hi: 0.7 });
    assert.deepEqual(pts[1], { task: 't2', relMdl: 0.2, score: 0.3 });
  });
});
