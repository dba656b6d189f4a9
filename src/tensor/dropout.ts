/**
 * Inverted dropout with a seed, bit for bit `tf.dropout(x, rate, undefined, seed)`, in one kernel.
 *
 * tfjs's seeded dropout draws u ~ U[0, 1) on the host, one call of seedrandom's Alea per element
 * (`tf.randomUniform`), uploads it, and runs three kernels to turn it into the multiplier
 * floor(u + keep) / keep before the `Mul` with x (keep = 1 - rate). Here the same Alea stream is
 * stepped in one tight loop and the multiplier is built on the host with the same float32
 * arithmetic, so only the upload and the `Mul` remain; its gradient is autodiff's of that `Mul`,
 * as before. Equality with `tf.dropout` (values and gradients, any seed and rate) is tested.
 *
 * Why the host arithmetic is exact: each step of the multiplier is one IEEE float32 operation on
 * float32 operands (u rounded to float32 as tfjs's float32 buffer stores it; keep rounded as tfjs's
 * scalar), and a float32 sum or quotient computed in double and rounded once to float32
 * (`Math.fround`) is the correctly rounded float32 result (double has 53 >= 2 * 24 + 2 bits). The
 * sum u + keep is below 2, so floor() gives 1 exactly when the float32 sum reaches 1.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { ConfigError } from '../util/assert';

/** Alea's state (seedrandom's `alea(seed, { state: true }).state()`). */
interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/**
 * The dropout multiplier [n] float32 for `seed`: element i is 1 / keep (as float32) when
 * float32(u_i + keep) >= 1, else 0, with u_i the i-th draw of `seedrandom.alea(String(seed))`
 * rounded to float32 (what `tf.randomUniform(shape, 0, 1, 'float32', seed)` holds).
 */
export function dropoutMultiplier(n: number, rate: number, seed: number): Float32Array {
  const keep32 = Math.fround(1 - rate);
  const scale32 = Math.fround(1 / keep32);
  const state = (seedrandom.alea(String(seed), { state: true }) as unknown as { state(): AleaState }).state();
  let { c, s0, s1, s2 } = state;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // seedrandom's Alea step, verbatim (lib/alea.js `next`), on locals.
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    out[i] = Math.fround(Math.fround(s2) + keep32) >= 1 ? scale32 : 0;
  }
  return out;
}

/**
 * `tf.dropout(x, rate, undefined, seed)` (no noise shape), the same bits with one kernel instead of
 * four. `rate` in [0, 1); at 0 a copy of x, as tfjs. The caller owns the result (call inside a tidy).
 */
export function seededDropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  if (!(rate >= 0 && rate < 1)) throw new ConfigError(`rate: ${rate} is not allowed; expected a number in [0, 1)`);
  if (rate === 0) return x.clone();
  // tidy frees the multiplier; autodiff keeps its own reference for the Mul's gradient.
  return tf.tidy(() => tf.mul(x, tf.tensor(dropoutMultiplier(x.size, rate, seed), x.shape, 'float32'))) as T;
}
