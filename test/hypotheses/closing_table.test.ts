import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closingRow, declaredH2, hypothesisTests } from '../../src/hypotheses/closing_table';
import type { TaskExtractabilityRow } from '../../src/hypotheses/runs';

const row = (task: number, relMdl: number): TaskExtractabilityRow => ({ task, target: 't', probe: 'p', seeds: 1, mdlSBits: 1, mdlSSem: null, mdlTBits: 1, mdlTSem: null, compressionS: 1, compressionT: 1, relMdl, relMdlSem: null });

describe('closing table', () => {
  it('reports the H1 Spearman rho over tasks and the pooled s-only H2 Spearman rho, with exact p-values', () => {
    // Feature use rises with relative extractability on every task: rho = 1, exact two-sided p = 2/4! = 1/12.
    const extractability = [row(1, 0.5), row(2, 1), row(3, 2), row(4, 4)];
    const use = [1, 2, 3, 4].map((task) => ({ task, score: task / 10, sem: 0, n: 1 }));
    // H2: within each of 2 tasks the s-only and t-only scores rise with the rate (3 rates).
    const h2 = [0, 0.5, 1].flatMap((rate, i) => [1, 2].map((task) => ({ task, rate, seed: 0, s_only: i + task / 10, t_only: i / 4 + task / 10 })));
    const r = closingRow('synthetic', 'RL', hypothesisTests(extractability, use, h2));
    assert.equal(r['H1 Spearman rho'], 1);
    assert.ok(Math.abs(r['H1 p'] - 1 / 12) < 1e-12, `p ${r['H1 p']}`);
    assert.equal(r['H1 tasks'], 4);
    assert.ok(r["H2 (study's) pooled rho, s-only"] > 0.9);
    assert.equal(r['H2 runs'], 6);
    // Declared H2: rho = 1 in both tasks; exact, 3! x 3! = 36 within-task permutations, two as extreme (two-sided): p = 2/36.
    assert.equal(r['H2 (declared) within-task rho, t-only'], 1);
    assert.ok(Math.abs(r['H2 (declared) p'] - 2 / 36) < 1e-12, `p ${r['H2 (declared) p']}`);
    assert.match(r.method_of_p, /; stratified permutation \(exact, 2 tasks\); /);
  });

  it("the declared H2 and the study's pooled s-only measure can disagree: s-only rises with the rate across tasks while t-only falls within each", () => {
    // The label-share signature: pooled s-only up with the rate, t-only down within every task.
    const h2 = [0, 0.5, 1].flatMap((rate, i) => [1, 2].map((task) => ({ task, rate, seed: 0, s_only: i / 2, t_only: 1 - i / 4 - task / 10 })));
    const r = closingRow('language', 'RL', hypothesisTests([row(1, 0.5), row(2, 1), row(3, 2)], [1, 2, 3].map((task) => ({ task, score: task / 10, sem: 0, n: 1 })), h2));
    assert.ok(r["H2 (study's) pooled rho, s-only"] > 0.8);
    assert.equal(r['H2 (declared) within-task rho, t-only'], -1);
    assert.equal(declaredH2(h2.map((x) => ({ ...x, t_only: 0.5 }))), null, 'a constant t-only score has no declared test');
  });

  it('leaves the statistics empty and says why when results are missing or too few', () => {
    const missing = closingRow('language', 'SFT', null);
    assert.ok(Number.isNaN(missing['H1 Spearman rho']) && missing['H1 tasks'] === 0);
    assert.equal(missing.method_of_p, 'results missing');
    const few = closingRow('language', 'RL', { h1: [], h2: [] });
    assert.equal(few.method_of_p, 'no test (too few points)');
  });
});
