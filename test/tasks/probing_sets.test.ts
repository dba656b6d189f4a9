import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countPartitions } from '../../src/tasks/partitions';
import { buildProbingSet, probeCounts } from '../../src/tasks/probing_sets';
import { TOY_TASKS, exampleTokens, prepareToyTask } from '../../src/tasks/toy_generator';
import { ConfigError } from '../../src/util/assert';
import { createRng } from '../../src/util/rng';

describe('probing sets', () => {
  const task = prepareToyTask(TOY_TASKS[1]);

  it('s probe: s_only labelled 1 vs neither labelled 0, balanced', () => {
    const set = buildProbingSet(task, 's', 1000, createRng('s'));
    assert.deepEqual(countPartitions(set), { both: 0, neither: 500, s_only: 500, t_only: 0 });
    for (const ex of set) {
      assert.equal(ex.label, ex.partition === 's_only' ? 1 : 0);
      assert.equal(ex.label, exampleTokens(ex).includes(2) ? 1 : 0, ex.text);
    }
  });

  it('t probe: both labelled 1 vs s_only labelled 0, balanced, every example has s', () => {
    const set = buildProbingSet(task, 't', 1000, createRng('t'));
    assert.deepEqual(countPartitions(set), { both: 500, neither: 0, s_only: 500, t_only: 0 });
    for (const ex of set) {
      const seq = exampleTokens(ex);
      assert.ok(seq.includes(2), ex.text);
      assert.equal(ex.label, seq.includes(1) ? 1 : 0, ex.text);
      assert.equal(ex.label, ex.partition === 'both' ? 1 : 0);
    }
  });

  it('is shuffled, gives the odd example to the positives, and rejects fewer than 2 examples', () => {
    const set = buildProbingSet(task, 's', 201, createRng('odd'));
    assert.equal(set.filter((ex) => ex.label === 1).length, 101);
    assert.ok(new Set(set.slice(0, 50).map((ex) => ex.label)).size === 2);
    assert.deepEqual(probeCounts(7), { positive: 4, negative: 3 });
    assert.throws(() => probeCounts(1), (e: unknown) => e instanceof ConfigError && e.message === 'probeSize: 1 is outside [2, 9007199254740991]');
  });
});
