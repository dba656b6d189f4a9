import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kendall, pearson, pearsonR, snapUnit, spearman, spearmanRho } from '../../src/stats/correlation';
import { assertClose, loadFixture } from './stats_test_utils';

// scipy 1.17 on exactly monotone samples, n = 3..11: test/reference/gen_stats_study_fixtures.py.
// scipy.stats.spearmanr([1, 2, 3], [3, 2, 1]) = (-1.0, 0.0); its pearsonr gives -0.9999999999999998
// and p = 1.3e-8 on exactly linear data, which we round to -1 and 0 on purpose (snapUnit).
const fx = loadFixture('monotone.json');

describe('correlations of a perfectly monotone sample', () => {
  it('give Spearman rho exactly +-1 with t-based p = 0, as scipy.stats.spearmanr at n = 3 (and up to 1e-15 above)', () => {
    for (const c of fx.cases) {
      const res = spearman(c.x, c.y);
      assert.equal(res.statistic, c.sign, c.name);
      assert.equal(res.pValue, 0, c.name);
      assertClose(res.statistic, c.scipySpearman.statistic, 0, 1e-15, `${c.name} scipy rho`);
      assertClose(res.pValue, c.scipySpearman.pValue, 0, 1e-15, `${c.name} scipy p`);
    }
    const n3 = spearman([1, 2, 3], [3, 2, 1]);
    assert.deepEqual([n3.statistic, n3.pValue], [-1, 0]);
  });

  it('give the exact Spearman p = 2 / n! for a perfect ranking', () => {
    const res = spearman([1, 2, 3, 4, 5], [50, 40, 30, 20, 10], { method: 'exact' });
    assert.equal(res.statistic, -1);
    assertClose(res.pValue, 2 / 120, 1e-14, 0, 'exact');
  });

  it("give Kendall tau exactly +-1 with scipy's exact p (2 / n!) and asymptotic p", () => {
    for (const c of fx.cases) {
      const res = kendall(c.x, c.y);
      assert.equal(res.statistic, c.sign, c.name);
      assertClose(res.pValue, c.scipyKendall.pValue, 1e-12, 0, `${c.name} exact p`);
      assertClose(kendall(c.x, c.y, { method: 'asymptotic' }).pValue, c.scipyKendallAsymptotic.pValue, 1e-10, 0, `${c.name} asymptotic p`);
    }
  });

  it('give Pearson r exactly -1 and p = 0 on exactly linear data, where scipy is a few ulp off', () => {
    for (const c of fx.cases.filter((k: { scipyPearson: unknown }) => k.scipyPearson !== null)) {
      const res = pearson(c.x, c.y);
      assert.equal(res.statistic, -1, c.name);
      assert.equal(res.pValue, 0, c.name);
      assertClose(res.statistic, c.scipyPearson.statistic, 0, 1e-15, `${c.name} scipy r`);
      // scipy's p is the beta tail at its rounded r: 1.3e-8 at n = 3, below 1e-15 from n = 5
      if (c.n >= 5) assertClose(res.pValue, c.scipyPearson.pValue, 0, 1e-15, `${c.name} scipy p`);
    }
  });

  it('keep values of r that are not within 4 n eps of 1 (no snapping of real data)', () => {
    assert.equal(snapUnit(1 - 1e-13, 10), 1 - 1e-13);
    // n = 3: the allowance is 12 eps
    assert.equal(snapUnit(-(1 - 16 * Number.EPSILON), 3), -(1 - 16 * Number.EPSILON));
    assert.equal(snapUnit(-(1 - 10 * Number.EPSILON), 3), -1);
    assert.equal(snapUnit(1 + 2 * Number.EPSILON, 3), 1);
    const r = pearsonR([1, 2, 3, 4], [1, 2, 3, 4.001]);
    assert.ok(r < 1 && r > 0.9999, `${r}`);
    assert.ok(spearmanRho([1, 2, 3, 4], [1, 2, 4, 3]) === 0.8);
  });
});
