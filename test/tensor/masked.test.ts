import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { clipByValue, maskedMean, maskedStandardize, maskedVar, maskedWhiten, whiten } from '../../src/tensor/masked';
import { assertClose, assertNoLeak, loadFixture, t } from './test_utils';

const fx = loadFixture('rl', 'trl_core');
const inp = fx.inputs;

describe('masked ops against TRL 0.7.11 core.py (rtol 1e-5, atol 1e-6)', () => {
  before(async () => {
    await initBackend();
  });

  it('maskedMean equals masked_mean, whole tensor and per row', () => {
    tf.tidy(() => {
      assertClose(maskedMean(t(inp.values), t(inp.mask)), fx.masked_mean, 'masked_mean');
      assertClose(maskedMean(t(inp.values), t(inp.mask), 1), fx.masked_mean_axis1, 'masked_mean axis 1');
    });
  });

  it('maskedVar equals masked_var with and without the Bessel correction', () => {
    tf.tidy(() => {
      assertClose(maskedVar(t(inp.values), t(inp.mask)), fx.masked_var_unbiased, 'unbiased');
      assertClose(maskedVar(t(inp.values), t(inp.mask), false), fx.masked_var_biased, 'biased');
    });
  });

  it('maskedWhiten equals masked_whiten with and without shift_mean', () => {
    tf.tidy(() => {
      assertClose(maskedWhiten(t(inp.values), t(inp.mask)), fx.masked_whiten_shift, 'shift');
      assertClose(maskedWhiten(t(inp.values), t(inp.mask), false), fx.masked_whiten_noshift, 'no shift');
    });
  });

  it('whiten equals whiten with and without shift_mean', () => {
    tf.tidy(() => {
      assertClose(whiten(t(inp.values)), fx.whiten_shift, 'shift');
      assertClose(whiten(t(inp.values), false), fx.whiten_noshift, 'no shift');
    });
  });

  it('clipByValue equals clip_by_value with tensor bounds', () => {
    tf.tidy(() => assertClose(clipByValue(t(inp.x), t(inp.lo), t(inp.hi)), fx.clip_by_value, 'clip'));
  });
});

describe('masked ops equal plain ops on the unmasked entries (oracle)', () => {
  // A [3, 5] tensor with holes; `kept` lists the entries where the mask is 1.
  const values = [
    [0.3, -1.2, 2.5, 0.7, 9.0],
    [4.0, 1.1, -0.4, -7.0, 0.0],
    [0.9, 0.9, 3.3, -2.2, 1.7],
  ];
  const mask = [
    [0, 1, 1, 1, 0],
    [1, 1, 0, 0, 0],
    [0, 1, 1, 0, 1],
  ];
  const kept = values.flat().filter((_, i) => mask.flat()[i] === 1);
  const keptIndex = mask.flat().flatMap((m, i) => (m === 1 ? [i] : []));

  before(async () => {
    await initBackend();
  });

  it('maskedMean and maskedVar match mean and Bessel variance of the kept entries', () => {
    tf.tidy(() => {
      const plain = tf.tensor1d(kept);
      const n = kept.length;
      const plainVar = tf.mul(tf.moments(plain).variance, n / (n - 1));
      assertClose(maskedMean(t(values), t(mask)), tf.mean(plain).arraySync() as number, 'mean');
      assertClose(maskedVar(t(values), t(mask)), plainVar.arraySync() as number, 'var');
      assertClose(maskedVar(t(values), t(mask), false), tf.moments(plain).variance.arraySync() as number, 'biased var');
    });
  });

  it('maskedWhiten on the kept entries equals whiten of the kept entries alone', () => {
    tf.tidy(() => {
      for (const shift of [true, false]) {
        const full = (maskedWhiten(t(values), t(mask), shift).arraySync() as number[][]).flat();
        const alone = whiten(tf.tensor1d(kept), shift).arraySync() as number[];
        assertClose(keptIndex.map((i) => full[i]), alone, `shift ${shift}`);
      }
    });
  });

  it('maskedStandardize equals (x - mean) / (Bessel std + 1e-8) of the kept entries', () => {
    tf.tidy(() => {
      const full = (maskedStandardize(t(values), t(mask)).arraySync() as number[][]).flat();
      const m = kept.reduce((a, b) => a + b) / kept.length;
      const sd = Math.sqrt(kept.reduce((a, x) => a + (x - m) ** 2, 0) / (kept.length - 1));
      assertClose(keptIndex.map((i) => full[i]), kept.map((x) => (x - m) / (sd + 1e-8)), 'standardized');
    });
  });

  it('values under a zero mask do not change any masked statistic', () => {
    tf.tidy(() => {
      const other = values.map((row, r) => row.map((v, c) => (mask[r][c] === 1 ? v : v * 100 - 3)));
      assertClose(maskedMean(t(other), t(mask)), maskedMean(t(values), t(mask)).arraySync() as number, 'mean');
      assertClose(maskedVar(t(other), t(mask)), maskedVar(t(values), t(mask)).arraySync() as number, 'var');
    });
  });

  it('an all-zero mask gives NaN instead of throwing (TRL raises)', () => {
    tf.tidy(() => {
      const zeros = tf.zeros([3, 5]);
      assert.ok(Number.isNaN(maskedMean(t(values), zeros).arraySync()));
      assert.ok(Number.isNaN(maskedVar(t(values), zeros).arraySync()));
    });
  });
});

describe('masked ops do not leak tensors', () => {
  before(async () => {
    await initBackend();
  });

  it('keeps tf.memory().numTensors flat over repeated calls of each function', () => {
    const v = t(inp.values);
    const m = t(inp.mask);
    assertNoLeak(() => maskedMean(v, m));
    assertNoLeak(() => maskedMean(v, m, 1));
    assertNoLeak(() => maskedVar(v, m));
    assertNoLeak(() => maskedWhiten(v, m));
    assertNoLeak(() => maskedWhiten(v, m, false));
    assertNoLeak(() => whiten(v));
    assertNoLeak(() => maskedStandardize(v, m));
    assertNoLeak(() => clipByValue(v, -0.5, 0.5));
    tf.dispose([v, m]);
  });
});
