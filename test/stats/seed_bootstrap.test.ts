import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { correlationDifferenceInterval, seedMeanCorrelation, seedMeanIntervals } from '../../src/stats/seed_bootstrap';
import { createRng } from '../../src/util/rng';
import { assertClose, loadFixture } from './stats_test_utils';

// Exact bootstrap distributions (every ordered resample of the seeds, within each task/method
// cell) and scipy correlations: test/reference/gen_stats_study_fixtures.py. A percentile interval
// from B seeded resamples must fall between the exact quantiles at q -+ 4.5 binomial SE.
const fx = loadFixture('seed_bootstrap.json');

function assertInBracket(value: number, bracket: [number, number], what: string): void {
  const eps = 1e-12;
  assert.ok(value >= bracket[0] - eps && value <= bracket[1] + eps, `${what}: ${value} outside [${bracket[0]}, ${bracket[1]}]`);
}

describe('seedMeanIntervals', () => {
  const sm = fx.seedMean;

  it('gives the mean over seeds and a 95 % percentile interval within Monte Carlo error of the exact bootstrap', () => {
    const [row] = seedMeanIntervals([{ task: 'contains-1', values: sm.values }], { nResamples: sm.nResamples }, createRng(11));
    assertClose(row.mean, sm.mean, 1e-15, 0, 'mean');
    assert.equal(row.nSeeds, 5);
    assert.deepEqual(row.values, sm.values);
    assertInBracket(row.low!, sm.brackets.low, 'low');
    assertInBracket(row.high!, sm.brackets.high, 'high');
  });

  it('draws each task from its own stream: adding a task leaves the others unchanged; one seed has no interval', () => {
    const rng = () => createRng(3);
    const a = { task: 1, values: [0.1, 0.5, 0.9] };
    const b = { task: 2, values: [0.2, 0.3, 0.4, 0.8] };
    const alone = seedMeanIntervals([b], { nResamples: 500 }, rng());
    const both = seedMeanIntervals([a, b], { nResamples: 500 }, rng());
    assert.deepEqual(both[1], alone[0]);
    // the interval ends sit on a discrete distribution: some other seed must move at least one of them
    const others = [4, 5, 6, 7].map((seed) => seedMeanIntervals([b], { nResamples: 500 }, createRng(seed))[0]);
    assert.ok(others.some((o) => o.low !== alone[0].low || o.high !== alone[0].high), 'no other seed changed the interval');
    const [single] = seedMeanIntervals([{ task: 3, values: [0.7] }], {}, rng());
    assert.deepEqual([single.mean, single.low, single.high], [0.7, null, null]);
  });

  it('names bad input', () => {
    assert.throws(() => seedMeanIntervals([], {}, createRng(1)), /tasks: expected at least one/);
    assert.throws(() => seedMeanIntervals([{ task: 't1', values: [] }], {}, createRng(1)), /tasks\[t1\].values: length 0 is too short/);
  });
});

describe('correlationDifferenceInterval', () => {
  const cd = fx.correlationDifference;

  for (const correlation of ['spearman', 'pearson'] as const) {
    it(`${correlation}: estimates corr(x, mean a) - corr(x, mean b) as scipy, interval within Monte Carlo error of the exact stratified bootstrap`, () => {
      const ref = cd[correlation];
      const res = correlationDifferenceInterval(cd.x, cd.a, cd.b, { correlation, nResamples: cd.nResamples }, createRng(`diff/${correlation}`));
      assertClose(res.estimateA, ref.estimateA, 1e-12, 1e-15, 'A');
      assertClose(res.estimateB, ref.estimateB, 1e-12, 1e-15, 'B');
      assertClose(res.estimate, ref.estimate, 1e-12, 1e-15, 'difference');
      assert.equal(res.method, 'percentile');
      assert.equal(res.confidenceLevel, 0.95);
      assertInBracket(res.low, ref.brackets.low, 'low');
      assertInBracket(res.high, ref.brackets.high, 'high');
    });
  }

  it('is identical for the same seed and differs for another', () => {
    const run = (seed: number) => correlationDifferenceInterval(cd.x, cd.a, cd.b, { correlation: 'pearson', nResamples: 400 }, createRng(seed));
    assert.deepEqual(run(1), run(1));
    assert.notEqual(run(1).low, run(2).low);
  });

  it('keeps every resample inside its task: seeds that agree within each task give a zero-width interval', () => {
    // each task's seeds are equal, so every resample has the same per-task means
    const a = [[0.1, 0.1], [0.5, 0.5, 0.5], [0.3, 0.3]];
    const b = [[0.9], [0.2, 0.2], [0.4, 0.4]];
    const res = correlationDifferenceInterval([1, 2, 3], a, b, { nResamples: 200 }, createRng(1));
    assert.equal(res.estimate, seedMeanCorrelation([1, 2, 3], a, 'spearman') - seedMeanCorrelation([1, 2, 3], b, 'spearman'));
    assert.deepEqual([res.low, res.high, res.standardError], [res.estimate, res.estimate, 0]);
  });

  it('names bad input and an undefined correlation', () => {
    const rng = createRng(1);
    assert.throws(() => correlationDifferenceInterval([1, 2], [[1], [2]], [[1], [2]], {}, rng), /x: length 2 is too short; expected at least 3/);
    assert.throws(() => correlationDifferenceInterval([1, 2, 3], [[1], [2]], [[1], [2], [3]], {}, rng), /a: 2 tasks do not match x \(3 tasks\)/);
    assert.throws(() => correlationDifferenceInterval([1, 2, 3], [[1], [2], []], [[1], [2], [3]], {}, rng), /a\[2\]: length 0 is too short/);
    assert.throws(
      () => correlationDifferenceInterval([1, 2, 3], [[1], [2], [3]], [[1, 1], [1], [1]], {}, rng),
      /b: the per-task means \(or x\) are all equal; the correlation is undefined/,
    );
    assert.throws(
      () => correlationDifferenceInterval([1, 2, 3], [[1], [2], [3]], [[1], [2], [3]], { correlation: 'tau' as 'kendall' }, rng),
      /correlation: 'tau' is not allowed; expected one of 'spearman', 'pearson', 'kendall'/,
    );
  });
});
