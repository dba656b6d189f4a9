import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, hasTies, tieGroupSizes } from '../../src/stats/ranks';

describe('ranks', () => {
  it('averages the ranks of ties as scipy.stats.rankdata does', () => {
    // rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5]) = [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5]
    assert.deepEqual(averageRanks([3, 1, 4, 1, 5, 9, 2, 6, 5]), [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5]);
  });

  it('gives 1..n for distinct values and the common mean rank for all-equal values', () => {
    assert.deepEqual(averageRanks([0.3, -2, 7]), [2, 1, 3]);
    assert.deepEqual(averageRanks([5, 5, 5, 5]), [2.5, 2.5, 2.5, 2.5]);
  });

  it('reports tie-group sizes', () => {
    assert.deepEqual(tieGroupSizes([1, 2, 2, 3, 3, 3]).sort(), [2, 3]);
    assert.equal(hasTies([1, 2, 3]), false);
    assert.equal(hasTies([1, 2, 1]), true);
  });
});
