import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kendall, pearson, spearman } from '../../src/stats/correlation';
import { createRng } from '../../src/util/rng';
import { assertClose, loadFixture } from './stats_test_utils';

// scipy 1.17.1 defaults (pearsonr, spearmanr, kendalltau method='auto') on 23 data sets,
// n = 3..10, 20, 30, 40, 100, with and without ties: test/reference/gen_stats_fixtures.py.
const fx = loadFixture('correlation.json');

// Tolerances. Statistics: 1e-12 relative + 1e-15 absolute (same formula, different summation order).
// p-values: 1e-10 relative, where both sides evaluate the same exact expression (beta/t tails,
// normal tail, Kendall recurrence); plus 1e-15 absolute, because a rho that is 1 up to rounding
// gives scipy p = 1.4e-24 where we get 0 (monotone_n5).
const STAT = (a: number, b: number, what: string) => assertClose(a, b, 1e-12, 1e-15, what);
const PVAL = (a: number, b: number, what: string) => assertClose(a, b, 1e-10, 1e-15, what);

describe('pearson', () => {
  it("matches scipy.stats.pearsonr's r and p-value on every data set, labelled 'exact'", () => {
    for (const c of fx.cases) {
      const res = pearson(c.x, c.y);
      STAT(res.statistic, c.pearson.statistic, `${c.name} r`);
      PVAL(res.pValue, c.pearson.pValue, `${c.name} p`);
      assert.equal(res.method, 'exact');
      assert.equal(res.n, c.n);
    }
  });

  it('states that its exact p-value assumes bivariate normality', () => {
    assert.match(pearson([1, 2, 3, 4], [1, 3, 2, 4]).nullDistribution, /normality/);
  });
});

describe('spearman', () => {
  it("matches scipy.stats.spearmanr's rho and t-based p-value by default, labelled 'asymptotic'", () => {
    for (const c of fx.cases) {
      const res = spearman(c.x, c.y);
      STAT(res.statistic, c.spearman.statistic, `${c.name} rho`);
      PVAL(res.pValue, c.spearman.pValue, `${c.name} p`);
      assert.equal(res.method, 'asymptotic');
    }
  });

  it('gives the exact enumeration p-value of scipy.stats.permutation_test (and of a brute force) for n <= 9', () => {
    let checked = 0;
    for (const c of fx.cases.filter((k: { spearmanExact?: unknown }) => k.spearmanExact)) {
      const res = spearman(c.x, c.y, { method: 'exact' });
      assert.equal(res.method, 'exact');
      // ratios of integer counts over n!: equal up to rounding
      assertClose(res.pValue, c.spearmanExact.pValue, 1e-12, 0, `${c.name} exact p`);
      if (c.spearmanExact.pValueBruteForce !== undefined) {
        assertClose(res.pValue, c.spearmanExact.pValueBruteForce, 1e-12, 0, `${c.name} brute force`);
      }
      checked++;
    }
    assert.ok(checked >= 15, `only ${checked} exact cases`);
  });

  it('refuses exact enumeration above n = 9', () => {
    const x = Array.from({ length: 10 }, (_, i) => i);
    assert.throws(() => spearman(x, x.map((v) => v * v), { method: 'exact' }), /n: 10 is too large for exact enumeration; expected n <= 9/);
  });
});

describe('kendall', () => {
  it("matches scipy.stats.kendalltau's tau-b, p-value and auto method choice on every data set", () => {
    const methods = new Set<string>();
    for (const c of fx.cases) {
      const res = kendall(c.x, c.y);
      STAT(res.statistic, c.kendall.statistic, `${c.name} tau`);
      PVAL(res.pValue, c.kendall.pValue, `${c.name} p`);
      assert.equal(res.method, c.kendall.method, c.name);
      methods.add(res.method);
    }
    assert.deepEqual([...methods].sort(), ['asymptotic', 'exact']);
  });

  it("uses the exact test for n = 40 when only one pair is discordant, as scipy's 'auto' does", () => {
    const c = fx.cases.find((k: { name: string }) => k.name === 'one_swap_n40');
    assert.equal(kendall(c.x, c.y).method, 'exact');
  });

  it("matches scipy's forced method='exact' (untied data) and method='asymptotic' (all data)", () => {
    for (const c of fx.cases) {
      if (c.kendallExact) PVAL(kendall(c.x, c.y, { method: 'exact' }).pValue, c.kendallExact.pValue, `${c.name} exact`);
      PVAL(kendall(c.x, c.y, { method: 'asymptotic' }).pValue, c.kendallAsymptotic.pValue, `${c.name} asymptotic`);
    }
  });

  it("rejects method 'exact' when there are ties", () => {
    assert.throws(() => kendall([1, 1, 2, 3], [1, 2, 3, 4], { method: 'exact' }), /'exact' needs data without ties/);
  });
});

describe('correlation input checks', () => {
  const tests = [pearson, spearman, kendall];
  it('names the argument for mismatched lengths, n < 3, NaN, infinity and constant input', () => {
    for (const test of tests) {
      assert.throws(() => test([1, 2, 3], [1, 2]), /y: length 2 does not match x \(length 3\)/);
      assert.throws(() => test([1, 2], [2, 1]), /x: length 2 is too short; expected at least 3/);
      assert.throws(() => test([1, NaN, 3], [1, 2, 3]), /x\[1\]: NaN is not a finite number/);
      assert.throws(() => test([1, 2, 3], [1, 2, Infinity]), /y\[2\]: Infinity is not a finite number/);
      assert.throws(() => test([1, 2, 3], [4, 4, 4]), /y: all 3 values equal 4; the correlation is undefined/);
    }
  });

  it('rejects unknown methods, and permutation without an rng', () => {
    assert.throws(
      () => pearson([1, 2, 3], [1, 3, 2], { method: 'asymptotic' }),
      /pearson method: 'asymptotic' is not allowed; expected one of 'auto', 'exact', 'permutation'/,
    );
    assert.throws(() => spearman([1, 2, 3], [1, 3, 2], { method: 'permutation' }), /rng: missing/);
    assert.doesNotThrow(() => spearman([1, 2, 3], [1, 3, 2], { method: 'permutation', nPermutations: 10, rng: createRng(1) }));
  });
});
