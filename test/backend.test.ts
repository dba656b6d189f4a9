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

describe('the native backend elides no-op kernels', () => {
  before(async () => void (await initBackend()));

  /** TensorFlow ops run by `f` (tfjs-node's two execute methods), and its result's values and shape. */
  function nativeOps(f: () => tf.Tensor): { ops: string[]; values: number[]; shape: number[] } {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const backend = tf.backend() as any;
    const ops: string[] = [];
    const saved = ['executeSingleOutput', 'executeMultipleOutputs'].map((m) => [m, backend[m]] as const);
    for (const [m, original] of saved) backend[m] = (name: string, ...rest: unknown[]) => (ops.push(name), original.call(backend, name, ...rest));
    try {
      const out = f();
      const res = { ops, values: Array.from(out.dataSync()), shape: out.shape };
      out.dispose();
      return res;
    } finally {
      for (const [m, original] of saved) backend[m] = original;
    }
  }

  it('a Reshape to its own shape (-1 included) and a Cast to its own dtype run no TensorFlow op and keep the data; the others still run', (t) => {
    if (tf.getBackend() !== 'tensorflow') return t.skip(`the ${tf.getBackend()} backend: tfjs-node only`);
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]); // [2, 3] float32
    assert.deepEqual(nativeOps(() => tf.reshape(x, [2, 3])), { ops: [], values: [1, 2, 3, 4, 5, 6], shape: [2, 3] });
    assert.deepEqual(nativeOps(() => tf.reshape(x, [-1, 3])), { ops: [], values: [1, 2, 3, 4, 5, 6], shape: [2, 3] });
    assert.deepEqual(nativeOps(() => tf.cast(x, 'float32')), { ops: [], values: [1, 2, 3, 4, 5, 6], shape: [2, 3] });
    assert.deepEqual(nativeOps(() => tf.reshape(x, [3, -1])), { ops: ['Reshape'], values: [1, 2, 3, 4, 5, 6], shape: [3, 2] });
    assert.deepEqual(nativeOps(() => tf.cast(tf.tensor1d([1.7, -2.2]), 'int32')), { ops: ['Cast'], values: [1, -2], shape: [2] });
    // A reshaped-in-place tensor is independent: disposing the source leaves it readable.
    const y = tf.reshape(x, [2, 3]);
    x.dispose();
    assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6]);
    y.dispose();
  });

  it('leaves gradients and tensor counts as they were: d/dx sum(cast(reshape(x)) * w) = w', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const w = tf.tensor1d([0.5, -1, 2]);
    const before = tf.memory().numTensors;
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.cast(tf.reshape(a, [3]), 'float32'), w)))(x);
    assert.deepEqual(Array.from(g.dataSync()), [0.5, -1, 2]);
    g.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, w]);
  });
});
