import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kendall, pearson, pearsonR, spearman } from '../../src/stats/correlation';
import { permutationPValue } from '../../src/stats/permutation';
import { createRng } from '../../src/util/rng';
import { loadFixture } from './stats_test_utils';

const fx = loadFixture('correlation.json');
const byName = (name: string) => fx.cases.find((c: { name: string }) => c.name === name);

/**
 * Asserts a Monte Carlo p-value lies within 4.5 standard errors of the exact one. The estimate is
 * 2 min(p_less, p_greater) with each tail ~ Binomial(B, p/2) / B, so SE = 2 sqrt(p/2 (1 - p/2) / B),
 * plus the 2/(B+1) offset of counting the observed pairing.
 */
function assertWithinMonteCarloError(pMc: number, pExact: number, nPermutations: number, what: string): void {
  const half = pExact / 2;
  const se = 2 * Math.sqrt((half * (1 - half)) / nPermutations);
  const tol = 4.5 * se + 2 / (nPermutations + 1);
  assert.ok(Math.abs(pMc - pExact) <= tol, `${what}: Monte Carlo ${pMc} vs exact ${pExact} (tol ${tol})`);
}

describe('permutation p-values', () => {
  it('are identical for the same seed and differ for another seed', () => {
    const c = byName('continuous_n10');
    const run = (seed: number) => spearman(c.x, c.y, { method: 'permutation', nPermutations: 2000, rng: createRng(seed) });
    const a = run(1);
    assert.deepEqual(run(1), a);
    assert.notEqual(run(2).pValue, a.pValue);
    assert.equal(a.method, 'permutation');
    assert.equal(a.nPermutations, 2000);
  });

  it("fall within Monte Carlo error of Kendall's exact p-value (scipy), n = 7 and 9", () => {
    const B = 20000;
    for (const name of ['continuous_n7', 'continuous_n9']) {
      const c = byName(name);
      const res = kendall(c.x, c.y, { method: 'permutation', nPermutations: B, rng: createRng(`kendall/${name}`) });
      assertWithinMonteCarloError(res.pValue, c.kendallExact.pValue, B, name);
    }
  });

  it("fall within Monte Carlo error of Spearman's exact p-value, with and without ties", () => {
    const B = 20000;
    for (const name of ['continuous_n8', 'ties_n8', 'ties_n9']) {
      const c = byName(name);
      const res = spearman(c.x, c.y, { method: 'permutation', nPermutations: B, rng: createRng(`spearman/${name}`) });
      assertWithinMonteCarloError(res.pValue, c.spearmanExact.pValue, B, name);
    }
  });

  it("fall within Monte Carlo error of Pearson's exact permutation p-value (scipy permutation_test)", () => {
    const B = 20000;
    for (const name of ['continuous_n7', 'ties_n8']) {
      const c = byName(name);
      const res = pearson(c.x, c.y, { method: 'permutation', nPermutations: B, rng: createRng(`pearson/${name}`) });
      assertWithinMonteCarloError(res.pValue, c.pearsonPermutationExact.pValue, B, name);
    }
  });

  it('never return 0: the observed pairing counts, so p >= 2/(B+1) for the perfect ranking', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const res = permutationPValue(x, x, pearsonR, 99, createRng(3));
    assert.ok(res.observed > 1 - 1e-15, `r ${res.observed}`);
    assert.ok(res.pValue >= 2 / 100, `p ${res.pValue}`);
  });

  it('rejects a non-integer permutation count', () => {
    assert.throws(() => permutationPValue([1, 2, 3], [3, 1, 2], pearsonR, 2.5, createRng(1)), /nPermutations: 2.5 is not an integer/);
  });
});
