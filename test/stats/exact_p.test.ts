import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  kendallExactPValue,
  minExactRankPValue,
  minPointsForExactRankPValue,
  pearsonBetaPValue,
  spearmanExactPValue,
} from '../../src/stats/exact_p';
import { assertClose, loadFixture } from './stats_test_utils';

/** All permutations of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}

const concordantPairs = (perm: number[]) => {
  let c = 0;
  for (let i = 0; i < perm.length; i++) for (let j = i + 1; j < perm.length; j++) if (perm[i] < perm[j]) c++;
  return c;
};

describe('kendallExactPValue', () => {
  it('equals P(|C - T/2| >= |c - T/2|) counted over all n! orderings, n = 3..7, every c', () => {
    for (let n = 3; n <= 7; n++) {
      const total = (n * (n - 1)) / 2;
      const counts = permutations(n).map(concordantPairs);
      for (let c = 0; c <= total; c++) {
        const extreme = counts.filter((k) => Math.abs(k - total / 2) >= Math.abs(c - total / 2)).length;
        assertClose(kendallExactPValue(n, c), extreme / counts.length, 1e-13, 0, `n=${n} c=${c}`);
      }
    }
  });

  it('gives 2/n! for a perfect ranking and 1 at the centre', () => {
    assertClose(kendallExactPValue(8, 28), 2 / 40320, 1e-13, 0, 'perfect');
    assert.equal(kendallExactPValue(4, 3), 1);
  });
});

describe('pearsonBetaPValue', () => {
  it('reduces to 1 - |r| for n = 4 and to 1 - 2 asin|r| / pi for n = 3', () => {
    for (const r of [-0.9, -0.2, 0, 0.35, 0.99]) {
      assertClose(pearsonBetaPValue(r, 4), 1 - Math.abs(r), 1e-13, 1e-15, `n=4 r=${r}`);
      assertClose(pearsonBetaPValue(r, 3), 1 - (2 * Math.asin(Math.abs(r))) / Math.PI, 1e-13, 1e-15, `n=3 r=${r}`);
    }
  });
});

describe('spearmanExactPValue', () => {
  it('gives 2/n! for identical rankings and 1 for a tied-rank centre', () => {
    assertClose(spearmanExactPValue([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]), 2 / 120, 1e-14, 0, 'perfect');
    assert.equal(spearmanExactPValue([1, 2, 3], [2, 2, 2]), 1);
  });
});

describe('minExactRankPValue', () => {
  // smallest two-sided p over the exact null distribution of all n! rankings (numpy), n = 2..8:
  // test/reference/gen_stats_study_fixtures.py
  const fx = loadFixture('min_exact_p.json');

  it('equals the smallest p of the exact Spearman null distribution, n = 2..8', () => {
    for (const row of fx.rows) assertClose(minExactRankPValue(row.n), row.minTwoSidedP, 1e-14, 0, `n=${row.n}`);
  });

  it('gives 2/4! = 0.083 at n = 4 and 2/5! = 0.0167 at n = 5, and is reached by spearmanExactPValue and kendallExactPValue', () => {
    assertClose(minExactRankPValue(4), 2 / 24, 1e-15, 0, 'n=4');
    assertClose(minExactRankPValue(5), 1 / 60, 1e-15, 0, 'n=5');
    for (let n = 3; n <= 7; n++) {
      const ranks = Array.from({ length: n }, (_, i) => i + 1);
      const smallest = Math.min(...permutations(n).map((p) => spearmanExactPValue(ranks, p.map((v) => v + 1))));
      assertClose(smallest, minExactRankPValue(n), 1e-13, 0, `spearman n=${n}`);
      assertClose(kendallExactPValue(n, (n * (n - 1)) / 2), minExactRankPValue(n), 1e-13, 0, `kendall n=${n}`);
    }
  });

  it('says how many points a design needs to reach a level', () => {
    assert.equal(minPointsForExactRankPValue(0.05), 5);
    assert.equal(minPointsForExactRankPValue(0.1), 4);
    assert.equal(minPointsForExactRankPValue(0.01), 6);
    assert.equal(minPointsForExactRankPValue(1), 2);
  });

  it('names bad arguments', () => {
    assert.throws(() => minExactRankPValue(1), /n: 1 is not an integer >= 2/);
    assert.throws(() => minExactRankPValue(4.5), /n: 4.5 is not an integer >= 2/);
    assert.throws(() => minPointsForExactRankPValue(0), /alpha: 0 is outside \(0, 1\]/);
  });
});
