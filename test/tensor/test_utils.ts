/**
 * Shared helpers of the tensor and RL tests: fixture loading, float32 closeness, leak checks.
 * Float32 tolerance used throughout: |actual - expected| <= ATOL + RTOL * |expected| with
 * RTOL = 1e-5 and ATOL = 1e-6 (inputs are O(1), so ATOL only matters near zero).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const RTOL = 1e-5;
export const ATOL = 1e-6;

export type Nested = number | Nested[];

/** Reads `test/fixtures/<area>/<name>.json`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadFixture(area: string, name: string): any {
  return JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', area, `${name}.json`), 'utf8'));
}

function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}

function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...(x.length ? shapeOf(x[0]) : [])] : [];
}

/** Asserts element-wise closeness (same shape, NaN equals NaN) with the float32 tolerance. */
export function assertClose(actual: tf.Tensor | Nested, expected: Nested, label: string, rtol = RTOL, atol = ATOL): void {
  const a = actual instanceof tf.Tensor ? flatten(actual.arraySync() as Nested) : flatten(actual);
  const aShape = actual instanceof tf.Tensor ? actual.shape : shapeOf(actual);
  assert.deepEqual(aShape, shapeOf(expected), `${label}: shape`);
  const e = flatten(expected);
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i]) && Number.isNaN(a[i])) continue;
    const tol = atol + rtol * Math.abs(e[i]);
    assert.ok(Math.abs(a[i] - e[i]) <= tol, `${label}[${i}]: ${a[i]} vs expected ${e[i]} (tol ${tol.toExponential(2)})`);
  }
}

/** Runs `fn` `n` times, disposing what it returns, and asserts that no tensor is left behind. */
export function assertNoLeak(fn: () => unknown, n = 4): void {
  tf.dispose(fn() as tf.TensorContainer); // warm-up: backends may allocate once
  const before = tf.memory().numTensors;
  for (let i = 0; i < n; i++) {
    const out = fn();
    tf.dispose(out as tf.TensorContainer);
    assert.equal(tf.memory().numTensors, before, `tensor count after call ${i + 1}`);
  }
}

/** float32 tensor from a nested array. */
export function t(x: Nested): tf.Tensor {
  return tf.tensor(x as number[]);
}
