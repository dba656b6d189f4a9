import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { FlatAdam } from '../../src/tensor/flat_adam';
import { createRng } from '../../src/util/rng';

/** Three variables of different ranks and a loss whose gradients differ per step. */
function makeVariables(seed: string): tf.Variable[] {
  const rng = createRng(seed);
  return [[3, 4], [4], [2, 3, 2]].map((shape) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', rng.tfSeed())));
}

function loss(vars: tf.Variable[], step: number): tf.Scalar {
  return tf.addN(vars.map((v, i) => tf.sum(tf.mul(tf.square(tf.sub(v, 0.3 * (i + 1))), 1 + step + i)))) as tf.Scalar;
}

/**
 * Runs `steps` steps of FlatAdam, or of the reference: torch.optim.Adam/AdamW + clip_grad_norm_
 * written out per element in float64 on the host (torch computes the bias corrections 1 - beta^t in
 * float64; tf.train.adam keeps beta^t in float32, whose 1 - 0.999^t loses ~1e-5 relative).
 * Returns the final values and the gradient norm before clipping at each step.
 */
function train(flat: boolean, steps: number, maxGradNorm: number | null, weightDecay: number, writeAfterStep?: number): { values: number[][]; norms: number[] } {
  const vars = makeVariables('flat-adam');
  const [lr, b1, b2, eps] = [0.05, 0.9, 0.999, 1e-8];
  const norms: number[] = [];
  const fused = new FlatAdam(vars, lr, b1, b2, eps);
  const m = vars.map((v) => new Float64Array(v.size));
  const s2 = vars.map((v) => new Float64Array(v.size));
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => loss(vars, s), vars);
      if (flat) {
        norms.push(fused.applyGradients(grads, { maxGradNorm, weightDecay }).dataSync()[0]);
        return;
      }
      const g = vars.map((v) => Float64Array.from(grads[v.name].dataSync()));
      const norm = Math.sqrt(g.reduce((acc, gi) => acc + gi.reduce((a, x) => a + x * x, 0), 0));
      norms.push(norm);
      const coef = maxGradNorm === null ? 1 : Math.min(1, maxGradNorm / (norm + 1e-6));
      const t = s + 1;
      vars.forEach((v, i) => {
        const p = Float64Array.from(v.dataSync());
        for (let j = 0; j < p.length; j++) {
          const gj = g[i][j] * coef;
          p[j] *= 1 - lr * weightDecay;
          m[i][j] = b1 * m[i][j] + (1 - b1) * gj;
          s2[i][j] = b2 * s2[i][j] + (1 - b2) * gj * gj;
          p[j] -= (lr / (1 - b1 ** t)) * m[i][j] / (Math.sqrt(s2[i][j] / (1 - b2 ** t)) + eps);
        }
        v.assign(tf.tensor(Float32Array.from(p), v.shape));
      });
    });
    // A write from outside the optimizer (a checkpoint load, say): the next step must start from it.
    if (s === writeAfterStep) tf.tidy(() => vars[2].assign(tf.mul(vars[2], -0.5)));
  }
  const values = vars.map((v) => Array.from(v.dataSync()));
  fused.dispose();
  vars.forEach((v) => v.dispose());
  return { values, norms };
}

function assertAllClose(actual: number[], expected: number[], rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= atol + rtol * Math.abs(expected[i]), `${what}[${i}]: ${a} vs ${expected[i]}`));
}

describe('FlatAdam equals torch Adam/AdamW + clip_grad_norm_ written out in float64 (rtol 1e-5)', () => {
  before(async () => {
    await initBackend();
  });

  for (const [name, maxGradNorm, weightDecay] of [['Adam', null, 0], ['Adam, clip 0.5', 0.5, 0], ['AdamW 0.1, clip 0.5', 0.5, 0.1]] as const) {
    it(`gives the same weights and norms after 5 steps (${name})`, () => {
      const ref = train(false, 5, maxGradNorm, weightDecay);
      const got = train(true, 5, maxGradNorm, weightDecay);
      assertAllClose(got.norms, ref.norms, 1e-5, 1e-6, 'norm');
      ref.values.forEach((v, i) => assertAllClose(got.values[i], v, 1e-5, 1e-6, `variable ${i}`));
      // The clip bites in the clipped cases (the reference norm is far above 0.5), so they test it.
      if (maxGradNorm !== null) assert.ok(ref.norms[0] > 10 * maxGradNorm);
    });
  }

  it('starts the next step from a value written to a variable between steps (its flat copy of the parameters is rebuilt)', () => {
    const ref = train(false, 4, 0.5, 0.1, 1);
    const got = train(true, 4, 0.5, 0.1, 1);
    ref.values.forEach((v, i) => assertAllClose(got.values[i], v, 1e-5, 1e-6, `variable ${i}`));
    const unwritten = train(false, 4, 0.5, 0.1);
    assert.ok(Math.abs(unwritten.values[2][0] - ref.values[2][0]) > 1e-3, 'the write changes the result, so the check can fail');
  });

  it('leaks no tensors over steps, construction and dispose included', () => {
    const vars = makeVariables('leak');
    const atStart = tf.memory().numTensors;
    new FlatAdam(vars, 0.01).dispose();
    assert.equal(tf.memory().numTensors, atStart);
    const opt = new FlatAdam(vars, 0.01);
    const step = () => tf.tidy(() => opt.applyGradients(tf.variableGrads(() => loss(vars, 0), vars).grads, { maxGradNorm: 1, weightDecay: 0.01 }).dispose());
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it('treats a missing gradient as zero: a variable that never had one only decays by (1 - lr * wd)', () => {
    const vars = makeVariables('missing');
    const before = Array.from(vars[1].dataSync());
    const opt = new FlatAdam(vars, 0.01);
    for (let s = 0; s < 2; s++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => loss([vars[0], vars[2]], s), [vars[0], vars[2]]);
        opt.applyGradients(grads, { maxGradNorm: null, weightDecay: 0.5 });
      });
    }
    assertAllClose(Array.from(vars[1].dataSync()), before.map((x) => x * (1 - 0.01 * 0.5) ** 2), 1e-6, 0, 'decayed only');
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  it("takes a step's learning rate from the step (a schedule): Adam's first step moves each weight by about lr", () => {
    const vars = makeVariables('scheduled');
    const before = Array.from(vars[0].dataSync());
    const opt = new FlatAdam(vars, 0.01);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => loss(vars, 0), vars);
      opt.applyGradients(grads, { maxGradNorm: null, weightDecay: 0, learningRate: 0.002 });
    });
    // First Adam step: m/bc1 = g, sqrt(v/bc2) = |g|, so each weight moves by lr * g / (|g| + eps) ~ lr.
    const moved = Array.from(vars[0].dataSync()).map((x, i) => Math.abs(x - before[i]));
    for (const d of moved) assert.ok(Math.abs(d - 0.002) < 1e-5 || d < 1e-7, `moved ${d}, expected 0.002 (not the constructor's 0.01)`);
    assert.ok(moved.some((d) => Math.abs(d - 0.002) < 1e-5));
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });
});

describe('FlatAdam with stacked variables', () => {
  it('updates [S, ...] variables member by member exactly as the S separate variables (same flat vector, same clip norm)', () => {
    const rng = createRng('flat-adam/stacked');
    const shapes = [[3, 4], [5], [2, 2, 2]];
    const members = [0, 1].map(() => shapes.map((shape) => tf.randomNormal(shape, 0, 1, 'float32', rng.tfSeed())));
    const extra = tf.randomNormal([1, 4], 0, 1, 'float32', rng.tfSeed());
    // Separate: member 0's variables, member 1's, then the extra one (the PPO trainer's order).
    const apart = [...members[0], ...members[1], extra].map((t) => tf.variable(t));
    const together = [...shapes.map((_, i) => tf.variable(tf.stack([members[0][i], members[1][i]]))), tf.variable(extra)];
    const optApart = new FlatAdam(apart, 0.05);
    const optTogether = new FlatAdam(together, 0.05, 0.9, 0.999, 1e-8, { stackSize: 2, stackedVariables: shapes.length });
    const norms: number[][] = [[], []];
    for (let step = 0; step < 3; step++) {
      const gApart = tf.variableGrads(() => loss(apart, step), apart).grads;
      // The same loss on the stacked variables: member s of variable i plays apart[s * 3 + i].
      const gTogether = tf.variableGrads(() => loss([...[0, 1].flatMap((s) => together.slice(0, 3).map((v) => tf.unstack(v)[s])), together[3]] as tf.Variable[], step), together).grads;
      norms[0].push(optApart.applyGradients(gApart, { maxGradNorm: 1, weightDecay: 0.01 }).dataSync()[0]);
      norms[1].push(optTogether.applyGradients(gTogether, { maxGradNorm: 1, weightDecay: 0.01 }).dataSync()[0]);
    }
    assert.deepEqual(norms[1], norms[0]);
    shapes.forEach((_, i) => [0, 1].forEach((s) => assert.deepEqual(Array.from(tf.unstack(together[i])[s].dataSync()), Array.from(apart[s * 3 + i].dataSync()), `variable ${i} member ${s}`)));
    assert.deepEqual(Array.from(together[3].dataSync()), Array.from(apart[6].dataSync()));
    assert.ok(norms[0][0] > 1, 'the clip is active');
    assert.throws(() => new FlatAdam(together, 0.05, 0.9, 0.999, 1e-8, { stackSize: 3, stackedVariables: 3 }), /layout: variable .* has leading axis 2; expected 3/);
    optApart.dispose();
    optTogether.dispose();
  });
});
