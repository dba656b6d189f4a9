import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mean, median, sampleStd, sampleVariance, sem } from '../../src/stats/describe';
import { assertClose, loadFixture } from './stats_test_utils';

const fx = loadFixture('describe.json');

describe('describe', () => {
  it('matches numpy mean, var/std (ddof=1) and scipy.stats.sem to 1e-14 relative', () => {
    for (const c of fx.cases) {
      assertClose(mean(c.values), c.mean, 1e-14, 0, 'mean');
      assertClose(sampleVariance(c.values), c.variance, 1e-14, 0, 'variance');
      assertClose(sampleStd(c.values), c.std, 1e-14, 0, 'std');
      assertClose(sem(c.values), c.sem, 1e-14, 0, 'sem');
    }
  });

  it('takes the median of an odd and of an even count (the bench, reward validation and report lines share it)', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('uses the n - 1 denominator: sem([1, 3]) = 1', () => {
    assert.equal(sem([1, 3]), 1); // std = sqrt(2), / sqrt(2)
  });

  it('rejects a single value for the SEM and NaN anywhere, naming the element', () => {
    assert.throws(() => sem([1]), /values: length 1 is too short; expected at least 2/);
    assert.throws(() => mean([1, NaN]), /values\[1\]: NaN is not a finite number/);
  });
});
