import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countPartitions } from '../../src/tasks/partitions';
import { TOY_TASKS, exampleTokens, prepareToyTask } from '../../src/tasks/toy_generator';
import { TOY_RATES, buildTrainingSet, ceilExact, trainingCounts } from '../../src/tasks/training_set';
import { ConfigError } from '../../src/util/assert';
import { createRng } from '../../src/util/rng';

describe('training set', () => {
  it('has exactly ceil(N p) s_only, ceil(rest/2) both and floor(rest/2) neither for hand-worked (N, p)', () => {
    const table: [number, number, [number, number, number]][] = [
      // [N, p, [both, neither, s_only]]
      [1000, 0, [500, 500, 0]],
      [1000, 0.5, [250, 250, 500]],
      [1000, 0.001, [500, 499, 1]],
      [1000, 0.01, [495, 495, 10]],
      [1000, 0.05, [475, 475, 50]],
      [1000, 0.1, [450, 450, 100]],
      [1000, 0.2, [400, 400, 200]],
      [1000, 0.9, [50, 50, 900]],
      [100, 0.07, [47, 46, 7]], // 100 * 0.07 = 7.000000000000001 in float64
      [999, 0.001, [499, 499, 1]], // 0.999 rounds up to 1
      [7, 0.5, [2, 1, 4]],
      [200000, 0.001, [99900, 99900, 200]],
      [1, 1, [0, 0, 1]],
    ];
    for (const [n, p, [both, neither, sOnly]] of table) {
      assert.deepEqual(trainingCounts(n, p), { both, neither, s_only: sOnly, t_only: 0 }, `N=${n}, p=${p}`);
    }
  });

  it('counts are exact at every study rate for many sizes (s_only = round(N p) when N p is an integer)', () => {
    for (const rate of TOY_RATES) {
      for (const n of [1000, 2000, 10000, 20000, 100000, 200000]) {
        const c = trainingCounts(n, rate);
        assert.equal(c.s_only, Math.round(n * rate), `N=${n} p=${rate}`);
        assert.equal(c.both + c.neither + c.s_only, n);
      }
    }
  });

  it('ceilExact ignores float error but still rounds true fractions up', () => {
    assert.equal(ceilExact(7.000000000000001), 7);
    assert.equal(ceilExact(6.999999999999999), 7);
    assert.equal(ceilExact(0.999), 1);
    assert.equal(ceilExact(2.5), 3);
    assert.equal(ceilExact(0), 0);
  });

  it('rejects rates outside [0, 1]', () => {
    assert.throws(() => trainingCounts(1000, 1.5), (e: unknown) => e instanceof ConfigError && e.message === 'rate: 1.5 is outside [0, 1]');
    assert.throws(() => trainingCounts(1000, -0.1), (e: unknown) => e instanceof ConfigError && e.message === 'rate: -0.1 is outside [0, 1]');
  });

  it('builds the exact counts, never t_only, with labels = t, shuffled', () => {
    const task = prepareToyTask(TOY_TASKS[2]);
    for (const [n, p] of [
      [1000, 0],
      [1000, 0.001],
      [1000, 0.5],
      [999, 0.1],
    ] as const) {
      const set = buildTrainingSet(task, n, p, createRng(`train/${n}/${p}`));
      assert.equal(set.length, n);
      assert.deepEqual(countPartitions(set), trainingCounts(n, p));
      for (const ex of set) {
        assert.notEqual(ex.partition, 't_only');
        const seq = exampleTokens(ex);
        assert.equal(ex.label, seq[0] === seq[seq.length - 1] ? 1 : 0, ex.text);
      }
      // Shuffled: the first half is not all of one partition.
      assert.ok(new Set(set.slice(0, n / 2).map((ex) => ex.partition)).size >= 2);
    }
  });

  it('is deterministic in the stream and changes with the seed', () => {
    const task = prepareToyTask(TOY_TASKS[3]);
    assert.deepEqual(buildTrainingSet(task, 300, 0.1, createRng(1)), buildTrainingSet(task, 300, 0.1, createRng(1)));
    assert.notDeepEqual(buildTrainingSet(task, 300, 0.1, createRng(1)), buildTrainingSet(task, 300, 0.1, createRng(2)));
  });
});

describe('label-balanced training set', () => {
  it('keeps both (label 1) at ceil(N/2) and takes the s-only examples from neither, for hand-worked (N, p)', () => {
    const table: [number, number, [number, number, number]][] = [
      // [N, p, [both, neither, s_only]]
      [1000, 0, [500, 500, 0]],
      [1000, 0.01, [500, 490, 10]],
      [1000, 0.1, [500, 400, 100]],
      [1000, 0.5, [500, 0, 500]],
      [7, 0.1, [4, 2, 1]],
      [20000, 0.5, [10000, 0, 10000]],
    ];
    for (const [n, p, [both, neither, sOnly]] of table) {
      assert.deepEqual(trainingCounts(n, p, 'balanced'), { both, neither, s_only: sOnly, t_only: 0 }, `N=${n}, p=${p}`);
    }
  });

  it('has a label-1 share of 1/2 at every study rate, where the study set has (1 - p) / 2', () => {
    for (const rate of TOY_RATES) {
      const b = trainingCounts(20000, rate, 'balanced');
      const s = trainingCounts(20000, rate);
      assert.equal(b.both / 20000, 0.5, `balanced p=${rate}`);
      assert.equal(s.both, Math.round((20000 * (1 - rate)) / 2), `study p=${rate}`);
    }
  });

  it('equals the study set at p = 0 (same counts and same examples)', () => {
    const task = prepareToyTask(TOY_TASKS[1]);
    assert.deepEqual(buildTrainingSet(task, 200, 0, createRng(3), 'balanced'), buildTrainingSet(task, 200, 0, createRng(3)));
  });

  it('builds the balanced counts', () => {
    const task = prepareToyTask(TOY_TASKS[1]);
    const c = countPartitions(buildTrainingSet(task, 400, 0.5, createRng(1), 'balanced'));
    assert.equal(c.both, 200);
    assert.equal(c.s_only, 200);
    assert.equal(c.neither ?? 0, 0);
  });

  it('rejects a rate above 1/2 and an unknown balance in one line', () => {
    assert.throws(() => trainingCounts(1000, 0.6, 'balanced'), (e: unknown) => e instanceof ConfigError && /^rate: 0\.6 needs 600 s-only examples/.test(e.message));
    assert.throws(() => trainingCounts(1000, 0.1, 'even' as never), (e: unknown) => e instanceof ConfigError && e.message.startsWith('labelBalance:'));
  });
});
