import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fisherZInterval } from '../../src/stats/fisher_z';
import { assertClose, loadFixture } from './stats_test_utils';

const fx = loadFixture('correlation.json');

describe('fisherZInterval', () => {
  it('matches scipy.stats.pearsonr(...).confidence_interval at 95% and 80% to 1e-12 relative', () => {
    for (const c of fx.cases.filter((k: { n: number }) => k.n >= 4)) {
      const ci95 = fisherZInterval(c.pearson.statistic, c.n);
      assertClose(ci95.low, c.pearsonCi95[0], 1e-12, 1e-15, `${c.name} low`);
      assertClose(ci95.high, c.pearsonCi95[1], 1e-12, 1e-15, `${c.name} high`);
      const ci80 = fisherZInterval(c.pearson.statistic, c.n, { confidenceLevel: 0.8 });
      assertClose(ci80.low, c.pearsonCi80[0], 1e-12, 1e-15, `${c.name} low80`);
      assertClose(ci80.high, c.pearsonCi80[1], 1e-12, 1e-15, `${c.name} high80`);
    }
  });

  it("widens Spearman's interval with the Bonett-Wright standard error sqrt((1 + rho^2/2)/(n - 3))", () => {
    for (const c of fx.cases.filter((k: { spearmanBonettWrightCi95?: number[] }) => k.spearmanBonettWrightCi95)) {
      const ci = fisherZInterval(c.spearman.statistic, c.n, { standardError: 'bonettWright' });
      assertClose(ci.low, c.spearmanBonettWrightCi95[0], 1e-12, 1e-15, `${c.name} low`);
      assertClose(ci.high, c.spearmanBonettWrightCi95[1], 1e-12, 1e-15, `${c.name} high`);
      const plain = fisherZInterval(c.spearman.statistic, c.n);
      assert.ok(ci.high - ci.low >= plain.high - plain.low);
    }
  });

  it('needs n >= 4 and |r| <= 1', () => {
    assert.throws(() => fisherZInterval(0.5, 3), /n: 3 is outside \[4, /);
    assert.throws(() => fisherZInterval(1.2, 10), /r: 1.2 is outside \[-1, 1\]/);
    assert.deepEqual(fisherZInterval(1, 10), { low: 1, high: 1, confidenceLevel: 0.95 });
  });
});
