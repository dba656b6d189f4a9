import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { dropoutMultiplier, seededDropout } from '../../src/tensor/dropout';
import { createRng } from '../../src/util/rng';

/** Element-wise bit equality (Object.is tells -0 from 0 and NaN from itself), with the first mismatch in the message. */
function assertSameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} is ${a[i]} against ${b[i]}`);
}

describe('seededDropout: tf.dropout with a seed, bit for bit, in one kernel', () => {
  before(async () => {
    await initBackend();
  });

  it('gives tf.dropout\'s values for 60 seeds, the study\'s rates and others, shapes of rank 1 to 4', () => {
    const rng = createRng('dropout-test');
    const shapes = [[7], [37, 53], [3, 5, 16], [4, 2, 15, 15]];
    const rates = [0.1, 0.2, 0.5, 0.05, 0.9, 1 / 3];
    for (let i = 0; i < 60; i++) {
      const seed = rng.tfSeed();
      const rate = rates[i % rates.length];
      tf.tidy(() => {
        const x = tf.randomNormal(shapes[i % shapes.length], 0, 1, 'float32', rng.tfSeed());
        assertSameBits(seededDropout(x, rate, seed).dataSync(), tf.dropout(x, rate, undefined, seed).dataSync(), `seed ${seed}, rate ${rate}`);
      });
    }
  });

  it('gives tf.dropout\'s gradient with respect to its input', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([64, 11, 32], 0, 1, 'float32', 7);
      const w = tf.randomNormal([64, 11, 32], 0, 1, 'float32', 8);
      const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, seededDropout(t, 0.1, 12345))))(x);
      const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, tf.dropout(t, 0.1, undefined, 12345))))(x);
      assertSameBits(ours.dataSync(), theirs.dataSync(), 'gradient');
    });
  });

  it('keeps about 1 - rate of the elements, scaled by 1 / (1 - rate) rounded to float32, and zeroes the rest', () => {
    const m = dropoutMultiplier(200_000, 0.1, 99);
    const scale = Math.fround(1 / Math.fround(0.9));
    let kept = 0;
    for (const v of m) {
      assert.ok(v === 0 || v === scale, String(v));
      if (v !== 0) kept++;
    }
    // Binomial(200000, 0.9): sd 134, so 5 sd is 0.0034 of the share.
    assert.ok(Math.abs(kept / m.length - 0.9) < 0.0034, String(kept / m.length));
    // Another seed, another mask; the same seed, the same mask.
    assert.notDeepEqual(dropoutMultiplier(1000, 0.1, 98), dropoutMultiplier(1000, 0.1, 99));
    assert.deepEqual(dropoutMultiplier(1000, 0.1, 99), m.subarray(0, 1000));
  });

  it('runs one Multiply kernel (tf.dropout: Add, Floor, RealDiv and Multiply) and frees everything but its result', async () => {
    const x = tf.randomNormal([960, 64], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    // tf.profile returns the engine's one profile object, so each is read before the next call.
    const ours = await tf.profile(() => seededDropout(x, 0.1, 5));
    const [oursKernels, oursResult] = [[...ours.kernelNames], ours.result as tf.Tensor];
    const theirs = await tf.profile(() => tf.dropout(x, 0.1, undefined, 5));
    assert.deepEqual(oursKernels, ['Multiply']);
    assert.deepEqual([...theirs.kernelNames].sort(), ['Add', 'Floor', 'Multiply', 'RealDiv']);
    assert.equal(tf.memory().numTensors, before + 2); // the two results
    oursResult.dispose();
    (theirs.result as tf.Tensor).dispose();
    x.dispose();
  });

  it('rate 0 copies x; a rate outside [0, 1) is one line naming the field and the allowed values', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, -2, 3]);
      const y = seededDropout(x, 0, 1);
      assert.notEqual(y, x);
      assert.deepEqual([...y.dataSync()], [1, -2, 3]);
      for (const bad of [1, -0.1, NaN]) assert.throws(() => seededDropout(x, bad, 1), { message: `rate: ${bad} is not allowed; expected a number in [0, 1)` });
    });
  });
});
