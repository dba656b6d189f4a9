import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { h2Correlations, h2MeansByRate, h2MeansByTask, h2Rows } from '../../src/hypotheses/h2';
import type { ToyRlRun } from '../../src/study/rl/toy/grid';

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
