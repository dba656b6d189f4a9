import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { decoupledWeightDecay } from '../../src/rl/adamw';
import { clipByGlobalNorm } from '../../src/rl/grad_clip';
import { NonFiniteLossError } from '../../src/rl/ppo_trainer';
import { resolveParams } from '../../src/experiments/params';
import { TOY_RL_PARAMS } from '../../src/experiments/toy_rl_params';
import { runToyRl, toyRlConfig, type ToyRlConfig } from '../../src/experiments/toy_rl';
import { makePPOConfig } from '../../src/rl/ppo_config';
import { buildToyTestSets } from '../../src/experiments/toy_data';

before(async () => {
  await initBackend();
});

/** A tiny run: 1 layer x 32, prompts of task 1 at rate 0.5. */
function tinyConfig(overrides: Record<string, unknown> = {}, seed = 0): ToyRlConfig {
  const p = resolveParams(TOY_RL_PARAMS, { preset: 'smoke', overrides: { trainSize: 200, testSize: 16, probeSize: 20, evalPrompts: 16, ...overrides }, env: {} });
  return toyRlConfig(p, 1, 0.5, seed);
}

describe('clipByGlobalNorm', () => {
  it('scales every gradient by maxNorm / (norm + 1e-6) when the global norm is larger', () => {
    // norm = sqrt(3^2 + 4^2 + 12^2) = 13
    const { grads, norm } = clipByGlobalNorm({ a: tf.tensor1d([3, 4]), b: tf.tensor1d([12]) }, 6.5);
    assert.ok(Math.abs(norm.dataSync()[0] - 13) < 1e-5);
    const c = 6.5 / (13 + 1e-6);
    const a = grads.a.dataSync();
    assert.ok(Math.abs(a[0] - 3 * c) < 1e-5 && Math.abs(a[1] - 4 * c) < 1e-5);
    assert.ok(Math.abs(grads.b.dataSync()[0] - 12 * c) < 1e-5);
  });

  it('leaves gradients alone when the norm is below the limit', () => {
    const { grads } = clipByGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1);
    assert.deepEqual(Array.from(grads.a.dataSync()).map((x) => Math.round(x * 1e6) / 1e6), [0.3, 0.4]);
  });
});

describe('decoupledWeightDecay + Adam', () => {
  it('matches a hand-worked torch AdamW step', () => {
    // torch AdamW, lr 0.1, wd 0.5, first step: p <- p (1 - 0.05); then p <- p - 0.1 * g / (|g| + eps) (bias-corrected m/sqrt(v)).
    const v = tf.variable(tf.tensor1d([1, 2]));
    const opt = tf.train.adam(0.1, 0.9, 0.999, 1e-8);
    decoupledWeightDecay([v], 0.1, 0.5);
    opt.applyGradients([{ name: v.name, tensor: tf.tensor1d([0.5, -2]) }]);
    const got = Array.from(v.dataSync());
    assert.ok(Math.abs(got[0] - (0.95 - 0.1)) < 1e-6, `got ${got[0]}`);
    assert.ok(Math.abs(got[1] - (1.9 + 0.1)) < 1e-6, `got ${got[1]}`);
    opt.dispose();
    v.dispose();
  });
});

describe('PPO on the toy task', () => {
  it('raises the mean reward on a trivial prompt set within a fixed budget', async () => {
    // Trivial: every prompt is a both-example (label 1: write an ascending run); 1 layer x 32, 25 iterations.
    const cfg = tinyConfig({ rlIterations: 25, episodesPerIteration: 64, minibatchEpisodes: 32, ppoEpochs: 4, learningRate: 3e-3 });
    const both = buildToyTestSets(cfg.data).both; // all label 1
    const result = await runToyRl(cfg, { trainPool: both });
    const first = result.steps.slice(0, 3).reduce((a, s) => a + s['env/reward_mean'], 0) / 3;
    const last = result.steps.slice(-3).reduce((a, s) => a + s['env/reward_mean'], 0) / 3;
    assert.ok(last > 0.5 && last > first + 0.2, `reward ${first.toFixed(3)} -> ${last.toFixed(3)}; expected above 0.5 and up by 0.2`);
  });

  it('gives identical statistics for the same seed and different ones for another seed', async () => {
    const a = await runToyRl(tinyConfig({}, 3));
    const b = await runToyRl(tinyConfig({}, 3));
    const c = await runToyRl(tinyConfig({}, 4));
    assert.deepEqual(a.steps, b.steps);
    assert.deepEqual(a.eval, b.eval);
    assert.notDeepEqual(a.steps, c.steps);
  });

  it('keeps tf.memory().numTensors flat across PPO iterations and runs', async () => {
    await runToyRl(tinyConfig({ rlIterations: 1 }));
    const before = tf.memory().numTensors;
    let during = -1;
    await runToyRl(tinyConfig({ rlIterations: 4 }), { onStep: (i) => { if (i === 2) during = tf.memory().numTensors; } });
    const atFour: number[] = [];
    await runToyRl(tinyConfig({ rlIterations: 4 }), { onStep: (i) => { if (i >= 2) atFour.push(tf.memory().numTensors); } });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(during > before);
    assert.equal(new Set(atFour).size, 1, `tensors per iteration: ${atFour.join(', ')}`);
  });

  it('stops with a clear error on a non-finite loss', async () => {
    const cfg = tinyConfig({ rlIterations: 2 });
    const broken: ToyRlConfig = { ...cfg, ppo: makePPOConfig(cfg.ppo, { learningRate: 1e30 }) };
    const before = tf.memory().numTensors;
    await assert.rejects(runToyRl(broken), (e: unknown) => e instanceof NonFiniteLossError && /ppo: step \d+, epoch \d+: ppo\/loss\/total is (NaN|Infinity|-Infinity)/.test((e as Error).message));
    assert.equal(tf.memory().numTensors, before);
  });
});
