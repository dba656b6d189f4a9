import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCi,
  bootstrapCiColumns,
  bootstrapCiPaired,
  intervalFromDistribution,
  jackknifeValues,
  quantileSorted,
  type BootstrapInterval,
  type ColumnsStatistic,
  type Stratum,
} from '../../src/stats/bootstrap';
import { pearsonR } from '../../src/stats/correlation';
import { normalQuantile } from '../../src/stats/distributions';
import { createRng } from '../../src/util/rng';
import { assertClose, loadFixture } from './stats_test_utils';

// scipy.stats.bootstrap 1.17.1 runs, and scipy's own `_bca_interval` on fixed (numpy-drawn) resamples:
// test/reference/gen_stats_fixtures.py.
const fx = loadFixture('bootstrap.json');

const meanOf = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const meanStat: ColumnsStatistic = (cols) => meanOf(cols[0]);
const pearsonStat: ColumnsStatistic = (cols) => pearsonR(cols[0], cols[1]);
/** mean(b) - mean(a) for rows labelled 'a' / 'b'. */
const diffStat: ColumnsStatistic = (cols, strata) => {
  const pick = (label: Stratum) => cols[0].filter((_, i) => strata?.[i] === label);
  return meanOf(pick('b')) - meanOf(pick('a'));
};

interface Case {
  name: string;
  columns: number[][];
  strata?: Stratum[];
  statistic: ColumnsStatistic;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const cases: Case[] = [
  { name: 'mean', columns: [fx.mean.x], statistic: meanStat, data: fx.mean },
  { name: 'pearsonPaired', columns: [fx.pearsonPaired.x, fx.pearsonPaired.y], statistic: pearsonStat, data: fx.pearsonPaired },
  {
    name: 'stratifiedDiff',
    columns: [[...fx.stratifiedDiff.a, ...fx.stratifiedDiff.b]],
    strata: [...fx.stratifiedDiff.a.map(() => 'a'), ...fx.stratifiedDiff.b.map(() => 'b')],
    statistic: diffStat,
    data: fx.stratifiedDiff,
  },
];

describe('BCa pieces on fixed resamples (exact against scipy _bca_interval)', () => {
  it('computes the same leave-one-out values as a direct jackknife in numpy (1e-12)', () => {
    for (const c of cases) {
      const jk = jackknifeValues(c.columns, c.statistic, c.strata);
      assert.equal(jk.length, c.data.jackknife.length, c.name);
      jk.forEach((group, g) => group.forEach((v, i) => assertClose(v, c.data.jackknife[g][i], 1e-12, 1e-15, `${c.name} jk[${g}][${i}]`)));
    }
  });

  it('reproduces z0, the acceleration, the BCa levels and both intervals from the same 999 resamples', () => {
    for (const c of cases) {
      const f = c.data.fixed;
      const jackknife = jackknifeValues(c.columns, c.statistic, c.strata);
      const estimate = c.statistic(c.columns, c.strata);
      assertClose(estimate, f.estimate, 1e-13, 1e-15, `${c.name} estimate`);
      const common = { estimate: f.estimate, bootstrapValues: f.bootstrapValues, jackknife, confidenceLevel: f.confidenceLevel };
      const bca = intervalFromDistribution({ ...common, method: 'bca' });
      // z0 is Phi^-1 of a count ratio: identical input, so only ndtri rounding differs.
      assertClose(bca.biasCorrection!, f.biasCorrection, 1e-12, 1e-15, `${c.name} z0`);
      assertClose(bca.acceleration!, f.acceleration, 1e-9, 1e-15, `${c.name} a`);
      assertClose(bca.levels[0], f.levels[0], 1e-10, 0, `${c.name} alpha1`);
      assertClose(bca.levels[1], f.levels[1], 1e-10, 0, `${c.name} alpha2`);
      assertClose(bca.low, f.bca[0], 1e-10, 1e-15, `${c.name} bca low`);
      assertClose(bca.high, f.bca[1], 1e-10, 1e-15, `${c.name} bca high`);
      assertClose(bca.standardError, f.standardError, 1e-12, 0, `${c.name} se`);
      const pct = intervalFromDistribution({ ...common, method: 'percentile' });
      assertClose(pct.low, f.percentile[0], 1e-12, 1e-15, `${c.name} pct low`);
      assertClose(pct.high, f.percentile[1], 1e-12, 1e-15, `${c.name} pct high`);
    }
  });

  it('takes linear-interpolation quantiles like numpy: [1, 2, 3, 4] at 0.25 is 1.75', () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
  });
});

/**
 * Tolerance for comparing an interval end with scipy's, both from B independent resamples. The
 * empirical q-quantile has SD sqrt(q(1-q)/B) / f(x_q); with a normal-shaped bootstrap distribution
 * f(x_q) = phi(z_q) / se. The difference of two runs has sqrt(2) times that SD; we allow 5 SD, times
 * 1.25 for BCa, whose levels move with the estimated z0.
 */
function endTolerance(q: number, se: number, B: number, method: 'percentile' | 'bca'): number {
  const z = normalQuantile(q);
  const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI) / se;
  const sd = Math.sqrt((q * (1 - q)) / B) / density;
  return 5 * Math.SQRT2 * sd * (method === 'bca' ? 1.25 : 1);
}

function assertNearScipy(res: BootstrapInterval, ref: { ci: number[]; standardError: number }, what: string): void {
  const B = res.nResamples;
  assert.ok(Math.abs(res.low - ref.ci[0]) <= endTolerance(res.levels[0], ref.standardError, B, res.method), `${what} low ${res.low} vs scipy ${ref.ci[0]}`);
  assert.ok(Math.abs(res.high - ref.ci[1]) <= endTolerance(res.levels[1], ref.standardError, B, res.method), `${what} high ${res.high} vs scipy ${ref.ci[1]}`);
  // SD of a sample SD is ~ se / sqrt(2(B - 1)) = 0.7% here; two runs: 1%; allow 5%.
  assertClose(res.standardError, ref.standardError, 0.05, 0, `${what} standard error`);
}

describe('bootstrap intervals against scipy.stats.bootstrap (B = 9999, different resamples)', () => {
  const B = fx.nResamplesScipy;
  for (const method of ['percentile', 'bca'] as const) {
    it(`agrees within Monte Carlo error on the mean of one sample (${method})`, () => {
      const res = bootstrapCi(fx.mean.x, meanOf, { method, nResamples: B }, createRng(`mean/${method}`));
      assertNearScipy(res, fx.mean.scipy[method], `mean ${method}`);
    });

    it(`agrees within Monte Carlo error on Pearson's r of paired samples (${method})`, () => {
      const p = fx.pearsonPaired;
      const res = bootstrapCiPaired(p.x, p.y, pearsonR, { method, nResamples: B, confidenceLevel: 0.95 }, createRng(`r/${method}`));
      assertNearScipy(res, p.scipy[method], `pearson ${method}`);
    });

    it(`agrees within Monte Carlo error with scipy's two-sample bootstrap when stratified (${method})`, () => {
      const c = cases[2];
      const res = bootstrapCiColumns(c.columns, c.statistic, { method, nResamples: B, strata: c.strata }, createRng(`diff/${method}`));
      assertNearScipy(res, c.data.scipy[method], `stratified ${method}`);
    });
  }
});

describe('bootstrap resampling', () => {
  it('is reproducible by seed and changes with the seed', () => {
    const run = (seed: number) => bootstrapCi(fx.mean.x, meanOf, { nResamples: 500 }, createRng(seed));
    assert.deepEqual(run(7), run(7));
    assert.notEqual(run(8).low, run(7).low);
  });

  it('draws each row of a stratified resample from its own stratum, keeping stratum sizes', () => {
    const values = [1, 2, 3, 10, 20, 30, 40];
    const strata = ['a', 'a', 'a', 'b', 'b', 'b', 'b'];
    const seen = new Set<string>();
    const check: ColumnsStatistic = (cols, s) => {
      cols[0].forEach((v, i) => {
        assert.equal(v < 5 ? 'a' : 'b', s?.[i]);
        seen.add(`${s?.[i]}${v}`);
      });
      return meanOf(cols[0]);
    };
    bootstrapCiColumns([values], check, { method: 'percentile', nResamples: 200, strata }, createRng(1));
    assert.equal(seen.size, values.length); // every value was drawn at least once
  });

  it('rejects BCa when all jackknife values are equal, and a statistic returning NaN', () => {
    assert.throws(() => bootstrapCi([2, 2, 2, 2], meanOf, { nResamples: 50 }, createRng(1)), /BCa is undefined because all jackknife values are equal/);
    assert.throws(() => bootstrapCi([1, 2, 3], () => NaN, { nResamples: 50 }, createRng(1)), /statistic: returned NaN on the original data/);
  });

  it('rejects BCa when every resample lies on one side of the estimate (z0 infinite)', () => {
    // 10 distinct values: a resample has 10 distinct values with probability 10!/10^10 = 3.6e-4,
    // so with this seed all 100 resamples count fewer than the estimate.
    const distinct = (s: number[]) => new Set(s).size;
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.throws(() => bootstrapCi(x, distinct, { nResamples: 100 }, createRng(1)), /every resampled value lies on one side of the estimate 10/);
    assert.doesNotThrow(() => bootstrapCi(x, distinct, { nResamples: 100, method: 'percentile' }, createRng(1)));
  });

  it('names the argument for mismatched pairs, NaN data and bad options', () => {
    assert.throws(() => bootstrapCiPaired([1, 2, 3], [1, 2], pearsonR, {}, createRng(1)), /y: length 2 does not match x \(length 3\)/);
    assert.throws(() => bootstrapCi([1, NaN, 3], meanOf, {}, createRng(1)), /columns\[0\]\[1\]: NaN is not a finite number/);
    assert.throws(() => bootstrapCi([1, 2, 3], meanOf, { confidenceLevel: 1.5 }, createRng(1)), /confidenceLevel: 1.5 is outside \[0, 1\]/);
    assert.throws(
      () => bootstrapCiColumns([[1, 2, 3]], meanStat, { strata: ['a', 'a', 'b'] }, createRng(1)),
      /strata: stratum 'b' has 1 row; BCa needs at least 2 per stratum/,
    );
  });
});
