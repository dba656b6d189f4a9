import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PARTITIONS, countPartitions, hasSpurious, hasTarget, partitionLabel, partitionOf } from '../../src/tasks/partitions';

describe('partitions', () => {
  it('labels both and t_only 1, neither and s_only 0', () => {
    assert.deepEqual(
      PARTITIONS.map((p) => [p, partitionLabel(p)]),
      [['both', 1], ['neither', 0], ['s_only', 0], ['t_only', 1]],
    );
  });

  it('partitionOf inverts hasTarget/hasSpurious', () => {
    for (const p of PARTITIONS) assert.equal(partitionOf(hasTarget(p), hasSpurious(p)), p);
    assert.equal(partitionOf(false, true), 's_only');
  });

  it('counts every partition, zeros included', () => {
    assert.deepEqual(countPartitions([{ partition: 'both' }, { partition: 'both' }, { partition: 's_only' }]), { both: 2, neither: 0, s_only: 1, t_only: 0 });
  });
});
