import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stratifiedPermutationTest, type Alternative } from '../../src/stats/stratified_permutation';
import { spearman } from '../../src/stats/correlation';
import { createRng } from '../../src/util/rng';
import { assertClose, loadFixture } from './stats_test_utils';

// Exact p-values by brute-force enumeration of every within-stratum permutation (numpy), and
// scipy.stats.permutation_test for one stratum: test/reference/gen_stats_study_fixtures.py.
const fx = loadFixture('stratified_permutation.json');
const byName = (name: string) => fx.cases.find((c: { name: string }) => c.name === name);
const ALTERNATIVES: Alternative[] = ['two-sided', 'greater', 'less'];
const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

interface FixtureResult {
  correlation: 'spearman' | 'pearson';
  pooling: 'mean-within' | 'pooled';
  statistic: number;
  pValue: Record<Alternative, number>;
  nEnumerated: number;
  strata: { stratum: string | number; n: number; statistic: number | null }[];
  scipyPValue?: Record<Alternative, number>;
}

describe('stratifiedPermutationTest, exact enumeration', () => {
  it('matches the brute-force exact p-values for every case, statistic, pooling and alternative', () => {
    let checked = 0;
    for (const c of fx.cases) {
      for (const r of c.results as FixtureResult[]) {
        for (const alternative of ALTERNATIVES) {
          // large enough that every case is enumerated (331,776 permutations at most)
          const opts = { correlation: r.correlation, pooling: r.pooling, alternative, nPermutations: 400000 };
          const res = stratifiedPermutationTest(c.x, c.y, c.strata, opts, createRng(1));
          const what = `${c.name} ${r.correlation} ${r.pooling} ${alternative}`;
          assert.equal(res.method, 'exact', what);
          assertClose(res.statistic, r.statistic, 1e-12, 1e-15, `${what} statistic`);
          // ratios of counts over the same permutations: equal up to rounding
          assertClose(res.pValue, r.pValue[alternative], 1e-12, 0, `${what} p`);
          checked++;
        }
      }
    }
    assert.equal(checked, 5 * 4 * 3);
  });

  it('equals scipy.stats.permutation_test (pairings, exact) when there is one stratum', () => {
    const c = byName('unstratified_n6');
    for (const r of c.results as FixtureResult[]) {
      for (const alternative of ALTERNATIVES) {
        const res = stratifiedPermutationTest(c.x, c.y, c.strata, { correlation: r.correlation, pooling: r.pooling, alternative }, createRng(1));
        assert.equal(res.nPermutations, 720);
        assertClose(res.pValue, r.scipyPValue![alternative], 1e-12, 0, `${r.correlation} ${r.pooling} ${alternative}`);
      }
    }
  });

  it('reports each stratum, and leaves a stratum with constant y out of the within-stratum mean', () => {
    const c = byName('constant_stratum');
    const r = (c.results as FixtureResult[]).find((k) => k.correlation === 'spearman' && k.pooling === 'mean-within')!;
    const res = stratifiedPermutationTest(c.x, c.y, c.strata, {}, createRng(1));
    assert.equal(res.nStrataUsed, 2);
    assert.deepEqual(res.strata.map((s) => s.stratum), ['a', 'b', 'c']);
    assert.equal(res.strata[1].statistic, null);
    res.strata.forEach((s, i) => {
      if (r.strata[i].statistic !== null) assertClose(s.statistic!, r.strata[i].statistic!, 1e-12, 1e-15, `stratum ${s.stratum}`);
    });
    // the within-stratum mean is the mean of the two defined correlations
    assertClose(res.statistic, (res.strata[0].statistic! + res.strata[2].statistic!) / 2, 1e-15, 0, 'mean');
    // only the two used strata are permuted: 4! 4! = 576 arrangements, so the default (9999) enumerates
    assert.equal(res.method, 'exact');
    assert.equal(res.nDistinctPermutations, 576);
  });

  it('gives exactly +1 and p = 2 / prod n_s! for a perfect within-stratum ranking (one-sided: 1 / prod n_s!)', () => {
    const x = [1, 2, 3, 1, 2, 3, 4];
    const y = [5, 6, 9, 0.1, 0.2, 0.3, 0.4];
    const strata = ['a', 'a', 'a', 'b', 'b', 'b', 'b'];
    const res = stratifiedPermutationTest(x, y, strata, { alternative: 'greater' }, createRng(1));
    assert.equal(res.statistic, 1);
    assert.equal(res.nPermutations, factorial(3) * factorial(4));
    assertClose(res.pValue, 1 / 144, 1e-14, 0, 'greater');
    assertClose(stratifiedPermutationTest(x, y, strata, {}, createRng(1)).pValue, 2 / 144, 1e-14, 0, 'two-sided');
  });

  it('ignores differences between strata that a pooled, unstratified test would count', () => {
    // within each task y falls with x, but the task with the larger x has the larger y
    const x = [0, 1, 2, 10, 11, 12];
    const y = [3, 2, 1, 9, 8, 7];
    const strata = [0, 0, 0, 1, 1, 1];
    assert.ok(spearman(x, y).statistic > 0.4);
    const res = stratifiedPermutationTest(x, y, strata, {}, createRng(1));
    assert.equal(res.statistic, -1);
    assertClose(res.pValue, 2 / 36, 1e-14, 0, 'two-sided');
    // pooled with x permuted within strata: the between-task part is fixed, so the p-value is not small
    const pooled = stratifiedPermutationTest(x, y, strata, { pooling: 'pooled', alternative: 'greater' }, createRng(1));
    assert.equal(pooled.pValue, 1);
  });
});

describe('stratifiedPermutationTest, Monte Carlo', () => {
  const c = byName('mc_4strata_4'); // 24^4 = 331,776 arrangements: above the default 9999
  const exact = (c.results as FixtureResult[]).find((k) => k.correlation === 'spearman' && k.pooling === 'mean-within')!;

  it('switches to seeded Monte Carlo above nPermutations and falls within Monte Carlo error of the exact p', () => {
    const B = 20000;
    for (const alternative of ALTERNATIVES) {
      const res = stratifiedPermutationTest(c.x, c.y, c.strata, { alternative, nPermutations: B }, createRng(`mc/${alternative}`));
      assert.equal(res.method, 'monte-carlo');
      assert.equal(res.nPermutations, B);
      assert.equal(res.nDistinctPermutations, 331776);
      const pExact = exact.pValue[alternative];
      // two-sided = 2 x a tail: SE = 2 sqrt(q (1 - q) / B) with q = p / 2; one tail: sqrt(p (1 - p) / B)
      const q = alternative === 'two-sided' ? pExact / 2 : pExact;
      const scale = alternative === 'two-sided' ? 2 : 1;
      const tol = 4.5 * scale * Math.sqrt((q * (1 - q)) / B) + (2 * scale) / (B + 1);
      assert.ok(Math.abs(res.pValue - pExact) <= tol, `${alternative}: ${res.pValue} vs exact ${pExact} (tol ${tol})`);
    }
  });

  it('counts the observed arrangement: p >= 1 / (B + 1), and (k + 1) / (B + 1) in general', () => {
    const res = stratifiedPermutationTest(c.x, c.y, c.strata, { alternative: 'greater', nPermutations: 99 }, createRng(5));
    assert.ok(res.pValue >= 1 / 100);
    assert.ok(Number.isInteger(Math.round(res.pValue * 100 * 1e9) / 1e9), `${res.pValue} is not k / 100`);
  });

  it('is identical for the same seed and differs for another', () => {
    const run = (seed: number) => stratifiedPermutationTest(c.x, c.y, c.strata, { nPermutations: 2000 }, createRng(seed));
    assert.deepEqual(run(7), run(7));
    assert.notEqual(run(7).pValue, run(8).pValue);
  });
});

describe('stratifiedPermutationTest input checks', () => {
  const rng = createRng(1);
  it('names the argument and the allowed values', () => {
    assert.throws(() => stratifiedPermutationTest([1, 2, 3], [1, 2, 3], [0, 0], {}, rng), /strata: length 2 does not match x \(length 3\)/);
    assert.throws(() => stratifiedPermutationTest([1, 2], [1, 2, 3], [0, 0], {}, rng), /y: length 3 does not match x \(length 2\)/);
    assert.throws(() => stratifiedPermutationTest([1, NaN], [1, 2], [0, 0], {}, rng), /x\[1\]: NaN is not a finite number/);
    assert.throws(
      () => stratifiedPermutationTest([1, 2], [1, 2], [0, 0], { pooling: 'sum' as 'pooled' }, rng),
      /pooling: 'sum' is not allowed; expected one of 'mean-within', 'pooled'/,
    );
    assert.throws(
      () => stratifiedPermutationTest([1, 2], [1, 2], [0, 0], { alternative: 'both' as Alternative }, rng),
      /alternative: 'both' is not allowed; expected one of 'two-sided', 'greater', 'less'/,
    );
    assert.throws(() => stratifiedPermutationTest([1, 2], [1, 2], [0, 0], { nPermutations: 0 }, rng), /nPermutations: 0 is outside/);
  });

  it('refuses a statistic that is undefined on the data', () => {
    assert.throws(
      () => stratifiedPermutationTest([1, 2, 1, 2], [3, 3, 4, 4], ['a', 'a', 'b', 'b'], {}, rng),
      /strata: no stratum has 2 or more points with varying x and y/,
    );
    assert.throws(
      () => stratifiedPermutationTest([1, 2, 1, 2], [3, 3, 3, 3], ['a', 'a', 'b', 'b'], { pooling: 'pooled' }, rng),
      /y: all 4 values equal 3; the correlation is undefined/,
    );
  });
});
