import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadDanfo } from '../../src/viz/danfo';
import { toTableData } from '../../src/viz/notebook_display';

describe('loadDanfo', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('reports the first line of the load error instead of throwing', () => {
    const status = loadDanfo(() => {
      throw new Error('tfjs_binding.node can not be found\nPlease run npm rebuild');
    });
    assert.equal(status.danfo, undefined);
    assert.equal(status.reason, 'tfjs_binding.node can not be found');
    assert.equal(tf.getBackend(), 'cpu');
  });

  it('rejects a module without a DataFrame', () => {
    assert.equal(loadDanfo(() => ({})).reason, 'the module has no DataFrame');
  });

  it('puts back the backend that loading switched away from (as tfjs-node does at import)', () => {
    tf.registerBackend('viz-test-fake', () => ({ dispose() {} }) as never);
    try {
      const status = loadDanfo(() => {
        void tf.setBackend('viz-test-fake');
        assert.equal(tf.getBackend(), 'viz-test-fake');
        return { DataFrame: class {} };
      });
      assert.ok(status.danfo !== undefined);
      assert.equal(tf.getBackend(), 'cpu');
    } finally {
      tf.removeBackend('viz-test-fake');
    }
  });

  // The real module needs the tfjs-node native addon; where it is not built this checks the fallback only.
  it('loads danfojs-node where it can, keeping the backend, and its DataFrames become tables', () => {
    const status = loadDanfo();
    assert.equal(tf.getBackend(), 'cpu');
    if (status.danfo === undefined) {
      assert.ok(status.reason !== undefined && status.reason.length > 0);
      return;
    }
    const df = new status.danfo.DataFrame([
      { task: 'first-last', mean: 0.5 },
      { task: 'contains-1', mean: 0.25 },
    ]);
    const { table, via } = toTableData(df);
    assert.equal(via, 'dataframe');
    assert.deepEqual(table, { columns: ['task', 'mean'], rows: [['first-last', 0.5], ['contains-1', 0.25]] });
  });
});
