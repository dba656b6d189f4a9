import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { PINNED_NUMERICS, describeBackend, initBackend, numericsTag, type BackendReport } from '../src/backend';

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

describe('pinned numerics', () => {
  it('tags only runs whose native numerics are not the pinned ones', () => {
    const native = { backend: 'tensorflow' as const, isaCap: PINNED_NUMERICS.oneDnnMaxCpuIsa };
    assert.equal(numericsTag({ ...native, threads: 1 }), undefined);
    assert.equal(numericsTag({ ...native, threads: 1, isaCap: 'avx2' }), undefined);
    assert.equal(numericsTag({ ...native, threads: 2 }), 'intraop2');
    assert.equal(numericsTag({ ...native, threads: 1, isaCap: 'AVX512_CORE' }), 'intraop1-isaAVX512_CORE');
    // TensorFlow's oneDNN ops: off ('0', or 'false', as TensorFlow reads the variable) is pinned.
    assert.equal(numericsTag({ ...native, threads: 1, oneDnnOpts: '0' }), undefined);
    assert.equal(numericsTag({ ...native, threads: 1, oneDnnOpts: 'false' }), undefined);
    assert.equal(numericsTag({ ...native, threads: 1, oneDnnOpts: '1' }), 'intraop1-onednnopts1');
    assert.equal(numericsTag({ ...native, threads: 2, isaCap: 'AVX512_CORE', oneDnnOpts: 'true' }), 'intraop2-isaAVX512_CORE-onednnoptstrue');
    assert.equal(numericsTag({ ...native, threads: 1, isaCap: undefined }), 'intraop1-isadefault');
    assert.equal(numericsTag({ backend: 'wasm', threads: 1 }), undefined);
    assert.equal(numericsTag({ backend: 'tensorflow', threads: 0 }), undefined); // GPU: its own numerics, not pinned here
    assert.equal(numericsTag(undefined), undefined);
  });

  /**
   * Hashes of a weight-gradient-shaped matmul ([960, 64]^T x [960, 64], the laptop PPO's) in a fresh
   * process with `env`: TensorFlow reads its thread and ISA settings once, at load.
   */
  function matmulBytes(env: Record<string, string | undefined>): { hash: string; tag: string | null; line: string } {
    const base = { ...process.env };
    for (const k of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'ONEDNN_MAX_CPU_ISA', 'TF_ENABLE_ONEDNN_OPTS', 'OMP_NUM_THREADS', 'STUDY_BACKEND']) delete base[k];
    for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
    const script = [
      "const crypto = require('crypto');",
      "const tf = require('@tensorflow/tfjs');",
      "const b = require('./src/backend');",
      '(async () => {',
      '  const r = await b.initBackend();',
      "  const a = tf.randomNormal([960, 64], 0, 1, 'float32', 1);",
      "  const c = tf.randomNormal([960, 64], 0, 1, 'float32', 2);",
      '  const g = tf.matMul(a, c, true, false);',
      "  const hash = crypto.createHash('sha256').update(Buffer.from(g.dataSync().buffer)).digest('hex');",
      '  console.log(JSON.stringify({ hash, tag: b.currentNumericsTag() ?? null, line: b.describeBackend(r), backend: r.backend }));',
      '})();',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.join(__dirname, '..'), env: base, encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop() as string);
  }

  it('a process without thread settings runs the pinned numerics: the same bytes as one thread at AVX2, whatever the cores', (t) => {
    if (tf.getBackend() !== 'tensorflow') return t.skip(`the ${tf.getBackend()} backend: the pins are the native backend's`);
    const plain = matmulBytes({});
    const pinned = matmulBytes({ TF_NUM_INTRAOP_THREADS: '1', ONEDNN_MAX_CPU_ISA: 'AVX2', TF_ENABLE_ONEDNN_OPTS: '0' });
    assert.equal(plain.tag, null);
    assert.match(plain.line, /1 thread, oneDNN up to AVX2, TensorFlow's oneDNN ops off\)$/);
    // Before the pin a plain process took one thread per core (2 here), and this matmul's bytes differed.
    assert.equal(plain.hash, pinned.hash);
    const twoThreads = matmulBytes({ TF_NUM_INTRAOP_THREADS: '2' });
    assert.equal(twoThreads.tag, 'intraop2');
    assert.match(twoThreads.line, /numerics intraop2, not the pinned ones/);
    // Measured 2026-12-06 (2-core AMD EPYC, AVX2): oneDNN's sgemm splits this long inner dimension
    // over 2 threads and rounds differently; on a 1-core machine TensorFlow may run it on one.
    if (os.cpus().length >= 2) assert.notEqual(twoThreads.hash, pinned.hash, 'two threads gave the one-thread bytes: the pin would not be needed here');
    // TensorFlow's oneDNN ops (on by TensorFlow's own choice on CPUs with AVX-512 VNNI or BF16) run
    // this matmul as oneDNN's matmul primitive, which rounds differently (measured 2026-12-07, AMD
    // EPYC with AVX-512 VNNI and BF16); the pin turns them off, and a run with them on is tagged.
    const oneDnnOps = matmulBytes({ TF_ENABLE_ONEDNN_OPTS: '1' });
    assert.equal(oneDnnOps.tag, 'intraop1-onednnopts1');
    assert.match(oneDnnOps.line, /TensorFlow's oneDNN ops on \(TF_ENABLE_ONEDNN_OPTS=1\)\) — numerics intraop1-onednnopts1, not the pinned ones/);
    // Asserted where TensorFlow would turn them on by itself (the CPUs the pin is for); elsewhere unmeasured.
    const cpuFlags = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
    if (/\bavx512_(vnni|bf16)\b/.test(cpuFlags)) assert.notEqual(oneDnnOps.hash, pinned.hash, "TensorFlow's oneDNN ops gave the pinned bytes: the pin would not be needed here");
  });
});
