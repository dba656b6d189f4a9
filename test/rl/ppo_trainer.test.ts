import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { decoupledWeightDecay } from '../../src/optim/adamw';
import { clipByGlobalNorm, gradientsWithNorm } from '../../src/optim/grad_clip';
import { NonFiniteLossError, PPOTrainer } from '../../src/rl/ppo_trainer';
import { GPT } from '../../src/models/gpt';
import { ValueNetwork } from '../../src/models/heads';
import { collectRollout, disposeRollout } from '../../src/rl/rollout';
import { PPO_CONFIGS } from '../../src/rl/ppo_config';
import { createRng } from '../../src/util/rng';
import { resolveParams } from '../../src/study/params/resolve';
import { TOY_RL_PARAMS } from '../../src/study/rl/toy/schema';
import { runToyRl, toyRlConfig, type ToyRlConfig } from '../../src/study/rl/toy/run';
import { makePPOConfig } from '../../src/rl/ppo_config';
import { buildToyTestSets } from '../../src/study/data/toy';

before(async () => {
  await initBackend();
});

/** A tiny run: 1 layer x 32, prompts of task 1 at rate 0.5; `ppo` overrides the `toyRl.ppo` group. */
function tinyConfig(ppo: Record<string, unknown> = {}, seed = 0): ToyRlConfig {
  const p = resolveParams(TOY_RL_PARAMS, { preset: 'smoke', overrides: { toyData: { trainSize: 200, testSize: 16, probeSize: 20 }, toyRl: { evalPrompts: 16, ppo } }, env: {} });
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

describe('gradientsWithNorm', () => {
  it('reports the global norm and leaves the gradients unchanged when no clip is set', () => {
    const a = tf.tensor1d([3, 4]);
    const { grads, norm } = gradientsWithNorm({ a }, null);
    assert.equal(grads.a, a);
    assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
  });

  it('clips like clipByGlobalNorm when a limit is set', () => {
    const { grads } = gradientsWithNorm({ a: tf.tensor1d([3, 4]) }, 1);
    const c = 1 / (5 + 1e-6);
    const got = grads.a.dataSync();
    assert.ok(Math.abs(got[0] - 3 * c) < 1e-6 && Math.abs(got[1] - 4 * c) < 1e-6);
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

  it('is the identity when 1 - lr * wd rounds to 1 in float32 (the study: 1e-4 x 1e-6)', () => {
    const v = tf.variable(tf.tensor1d([0.1234567, -3]));
    const before = Array.from(v.dataSync());
    decoupledWeightDecay([v], 1e-4, 1e-6);
    assert.deepEqual(Array.from(v.dataSync()), before);
    decoupledWeightDecay([v], 1e-1, 1e-1); // 0.99: applies
    assert.ok(Math.abs(v.dataSync()[1] - -2.97) < 1e-6);
    v.dispose();
  });
});

describe('PPO on the toy task', () => {
  it('raises the mean reward on a trivial prompt set within a fixed budget', async () => {
    // Trivial: every prompt is a both-example (label 1: write an ascending run); 1 layer x 32, 25 iterations.
    const cfg = tinyConfig({ nIterations: 25, batchSize: 64, miniBatchSize: 32, ppoEpochs: 4, learningRate: 3e-3 });
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
    await runToyRl(tinyConfig({ nIterations: 1 }));
    const before = tf.memory().numTensors;
    let during = -1;
    await runToyRl(tinyConfig({ nIterations: 4 }), { onStep: (i) => { if (i === 2) during = tf.memory().numTensors; } });
    const atFour: number[] = [];
    await runToyRl(tinyConfig({ nIterations: 4 }), { onStep: (i) => { if (i >= 2) atFour.push(tf.memory().numTensors); } });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(during > before);
    assert.equal(new Set(atFour).size, 1, `tensors per iteration: ${atFour.join(', ')}`);
  });

  it('stops with a clear error on a non-finite loss', async () => {
    const cfg = tinyConfig({ nIterations: 2 });
    const broken: ToyRlConfig = { ...cfg, ppo: makePPOConfig(cfg.ppo, { learningRate: 1e30 }) };
    const before = tf.memory().numTensors;
    await assert.rejects(runToyRl(broken), (e: unknown) => e instanceof NonFiniteLossError && /ppo: step \d+, epoch \d+: ppo\/loss\/total is (NaN|Infinity|-Infinity)/.test((e as Error).message));
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('PPOTrainer.step', () => {
  const CFG = { vocabSize: 12, nPositions: 15, dModel: 16, nLayer: 1, nHead: 2, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 };
  /** Runs one step of a fresh 1 x 16 policy on 16 episodes with the given PPO overrides. */
  async function oneStep(overrides: Record<string, unknown>, minibatchEpisodes = 4) {
    const policy = GPT.init(CFG, createRng('step/policy'));
    const critic = ValueNetwork.init(CFG, createRng('step/value'));
    const query = tf.tensor2d(Array.from({ length: 16 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i + j) % 10)), undefined, 'int32');
    const rollout = await collectRollout(policy, critic, null, query, (rs) => rs.map((r) => r[0] / 9), { maxNewTokens: 5, temperature: 1 }, createRng('step/sample'));
    const trainer = new PPOTrainer(policy, critic, null, makePPOConfig(PPO_CONFIGS.rl4lms, { learningRate: 1e-2, ppoEpochs: 3, ...overrides }), { minibatchEpisodes, temperature: 1 });
    const out = await trainer.step(rollout, createRng('step/ppo'));
    disposeRollout(rollout);
    trainer.dispose();
    for (const t of [policy, critic, query]) t.dispose();
    return out;
  }

  it('stops after the first epoch when the last minibatch policy KL exceeds 1.5 x targetKl (TRL early stopping)', async () => {
    const stopped = await oneStep({ earlyStopping: true, targetKl: 1e-12 });
    assert.equal(stopped.stats['ppo/early_stopped'], 1);
    const full = await oneStep({ earlyStopping: true, targetKl: 1e6 });
    assert.equal(full.stats['ppo/early_stopped'], 0);
  });

  it('counts minibatches whose mean ratio exceeds ratioThreshold as skipped, and warns', async () => {
    // Any update moves the ratio off 1 after the first minibatch; a threshold just above 1 skips later ones.
    const r = await oneStep({ ratioThreshold: 1 + 1e-9 });
    assert.ok(r.stats['ppo/skipped_minibatches'] > 0 && r.stats['ppo/skipped_minibatches'] < 12, `skipped ${r.stats['ppo/skipped_minibatches']}`);
    assert.ok(r.warnings.some((w) => /minibatch\(es\) skipped .* the optimizer still stepped, as TRL does/.test(w)));
    const none = await oneStep({ ratioThreshold: null });
    assert.equal(none.stats['ppo/skipped_minibatches'], 0);
  });

  it("passes each iteration's scheduled learning rate to the optimizer ('linear': lr x (1 - i / nIterations); 'constant': lr)", async () => {
    for (const [lrSchedule, expected] of [['linear', [0.004, 0.003, 0.002, 0.001]], ['constant', [0.004, 0.004, 0.004, 0.004]]] as const) {
      const policy = GPT.init(CFG, createRng('lr/policy'));
      const critic = ValueNetwork.init(CFG, createRng('lr/value'));
      const query = tf.tensor2d(Array.from({ length: 8 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i + j) % 10)), undefined, 'int32');
      const trainer = new PPOTrainer(policy, critic, null, makePPOConfig(PPO_CONFIGS.rl4lms, { learningRate: 0.004, ppoEpochs: 2, nIterations: 4, lrSchedule }), { minibatchEpisodes: 4, temperature: 1, stackTrunks: false }); // one optimizer for the whole run (a stacked trainer may replace its optimizer at the first step)
      const optimizer = (trainer as unknown as { optimizer: { applyGradients: (g: unknown, o: { learningRate: number }) => unknown } }).optimizer;
      const seen: number[] = [];
      const apply = optimizer.applyGradients.bind(optimizer);
      optimizer.applyGradients = (g, o) => (seen.push(o.learningRate), apply(g, o));
      const perIteration: number[][] = [];
      for (let i = 0; i < 4; i++) {
        const rollout = await collectRollout(policy, critic, null, query, (rs) => rs.map((r) => r[0] / 9), { maxNewTokens: 5, temperature: 1 }, createRng(`lr/sample${i}`));
        seen.length = 0;
        await trainer.step(rollout, createRng(`lr/ppo${i}`));
        perIteration.push([...seen]);
        disposeRollout(rollout);
      }
      trainer.dispose();
      for (const t of [policy, critic, query]) t.dispose();
      // 2 epochs x 2 minibatches per iteration, all at the iteration's rate.
      assert.deepEqual(perIteration.map((r) => r.length), [4, 4, 4, 4]);
      perIteration.forEach((rates, i) => rates.forEach((r) => assert.ok(Math.abs(r - expected[i]) < 1e-12, `${lrSchedule} iteration ${i}: ${r}, expected ${expected[i]}`)));
    }
  });

  it('rejects gradient accumulation, which it does not implement', async () => {
    await assert.rejects(oneStep({ gradientAccumulationSteps: 2 }), /gradientAccumulationSteps: 2 is not supported/);
  });
});
