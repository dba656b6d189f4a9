import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { partitionErrors, smallestRateAbove, testAccuracy } from '../../src/sft/partition_error';

describe('partition errors', () => {
  const correct = { both: [true, true], neither: [true, false], s_only: [false, false, false, true], t_only: [] };

  it('counts the error rate per partition and NaN for an empty one', () => {
    const e = partitionErrors(correct);
    assert.deepEqual([e.both, e.neither, e.s_only], [0, 0.5, 0.75]);
    assert.ok(Number.isNaN(e.t_only));
  });

  it('weighs every example equally in the test accuracy', () => {
    assert.equal(testAccuracy(correct), 4 / 8);
  });

  it("finds Lovering's smallest rate with accuracy above 0.99, averaging seeds", () => {
    const rows = [{ rate: 0, accuracy: 0.9 }, { rate: 0.01, accuracy: 0.995 }, { rate: 0.01, accuracy: 0.98 }, { rate: 0.1, accuracy: 0.999 }, { rate: 0.1, accuracy: 0.995 }];
    assert.equal(smallestRateAbove(rows), 0.1);
    assert.equal(smallestRateAbove([{ rate: 0, accuracy: 0.5 }]), null);
  });
});
