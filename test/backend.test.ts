import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend, type BackendReport } from '../src/backend';

describe('initBackend', () => {
  let report: BackendReport;
  before(async () => {
    report = await initBackend();
  });

  it('activates the backend it reports, and a 2x2 matmul is exact on it', async () => {
    assert.equal(tf.getBackend(), report.backend);
    const a = tf.tensor2d([[1, 2], [3, 4]]); // [2, 2]
    const b = tf.tensor2d([[5, 6], [7, 8]]); // [2, 2]
    const product = tf.matMul(a, b); // [2, 2]
    assert.deepEqual(await product.array(), [[19, 22], [43, 50]]);
    tf.dispose([a, b, product]);
  });

  it('is idempotent: a second call returns the same report', async () => {
    assert.equal(await initBackend(), report);
  });

  it('describes the backend in one line', () => {
    const line = describeBackend(report);
    assert.match(line, new RegExp(`^backend ${report.backend} `));
    assert.ok(!line.includes('\n'), line);
  });

  // CI (CI=true) must exercise the native path that `npm run setup` builds; everywhere else a
  // wasm fallback is allowed. STUDY_BACKEND deliberately forces another backend.
  it('uses the native TensorFlow backend under CI', { skip: !process.env.CI || !!process.env.STUDY_BACKEND }, () => {
    assert.equal(report.backend, 'tensorflow', describeBackend(report));
  });
});
