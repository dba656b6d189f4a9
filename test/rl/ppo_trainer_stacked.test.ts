import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT, type GPTConfig } from '../../src/models/gpt';
import { ValueHead, ValueNetwork } from '../../src/models/heads';
import { PPO_CONFIGS, makePPOConfig } from '../../src/rl/ppo_config';
import { PPOTrainer } from '../../src/rl/ppo_trainer';
import { collectRollout, disposeRollout } from '../../src/rl/rollout';
import { SharedTrunkCritic } from '../../src/rl/shared_trunk_critic';
import { StackedActorCritic } from '../../src/rl/stacked_actor_critic';
import { createRng } from '../../src/util/rng';

before(async () => {
  await initBackend();
});

/** 1 layer x 32, tied embeddings, the toy vocabulary: 10-token prompts + 5 response tokens. */
const CFG: GPTConfig = { vocabSize: 12, nPositions: 15, dModel: 32, nLayer: 1, nHead: 2, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 };

function bytes(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

/**
 * Three PPO steps of a fresh policy and value network on `episodes` episodes with minibatches of
 * `minibatch`; returns the statistics and every weight's bytes afterwards.
 */
async function train(stackTrunks: boolean, episodes: number, minibatch: number): Promise<{ stats: Record<string, number>[]; weights: number[][]; tensorsLeft: number; perStep: number[]; stacked: boolean }> {
  const start = tf.memory().numTensors;
  const policy = GPT.init(CFG, createRng('stacked-ppo/policy'));
  const critic = ValueNetwork.init(CFG, createRng('stacked-ppo/value'));
  const trainer = new PPOTrainer(policy, critic, null, makePPOConfig(PPO_CONFIGS.rl4lms, { learningRate: 1e-2, ppoEpochs: 2, maxGradNorm: 0.5 }), { minibatchEpisodes: minibatch, temperature: 1, stackTrunks });
  const stats: Record<string, number>[] = [];
  const perStep: number[] = [];
  for (let step = 0; step < 3; step++) {
    const query = tf.tensor2d(Array.from({ length: episodes }, (_, i) => Array.from({ length: 10 }, (_, j) => (i * 3 + j + step) % 10)), undefined, 'int32');
    const rollout = await collectRollout(policy, critic, null, query, (rs) => rs.map((r) => (r[0] > r[4] ? 1 : 0)), { maxNewTokens: 5, temperature: 1 }, createRng(`stacked-ppo/sample${step}`));
    stats.push((await trainer.step(rollout, createRng(`stacked-ppo/ppo${step}`))).stats);
    disposeRollout(rollout);
    query.dispose();
    // A write from outside between steps (a load, a test): the stacked trainer must re-read it.
    if (step === 0) {
      const written = tf.fill([CFG.dModel], 0.1);
      policy.namedWeights().get('h.0.ln_1.bias')!.assign(written);
      written.dispose();
    }
    perStep.push(tf.memory().numTensors);
  }
  const weights = [...policy.namedWeights().values(), ...critic.namedWeights().values()].map(bytes);
  const stacked = trainer.stackedTrunks;
  trainer.dispose();
  policy.dispose();
  critic.dispose();
  return { stats, weights, tensorsLeft: tf.memory().numTensors - start, perStep: perStep.slice(1), stacked };
}

describe('PPOTrainer with stacked policy and value trunks', () => {
  // 16 episodes x 15 tokens = 240 rows per minibatch (exact through the stack); 20 episodes in
  // minibatches of 16 and 4 (the 4-episode one runs apart, after a write-back); 16 in minibatches of 5, 5, 5, 1 (none exact: no stack at all).
  for (const [episodes, minibatch, stacks] of [[16, 16, true], [20, 16, true], [16, 5, false]] as const) {
    it(`gives the same statistics and weights, bit for bit, as the two networks trained apart (${episodes} episodes, minibatches of ${minibatch})`, async () => {
      const apart = await train(false, episodes, minibatch);
      const together = await train(true, episodes, minibatch);
      assert.equal(together.stacked, stacks);
      assert.equal(apart.stacked, false);
      assert.deepEqual(together.stats, apart.stats);
      assert.equal(together.weights.length, apart.weights.length);
      together.weights.forEach((w, i) => assert.deepEqual(w, apart.weights[i], `weight ${i}`));
      assert.equal(together.tensorsLeft, 0, 'tensors left after dispose');
      assert.equal(new Set(together.perStep).size, 1, `tensors after steps 2 and 3: ${together.perStep.join(', ')}`);
    });
  }

  it('stacks only a separate value network of the policy shape with tied embeddings', () => {
    const policy = GPT.init(CFG, createRng('p'));
    const critic = ValueNetwork.init(CFG, createRng('v'));
    const other = ValueNetwork.init({ ...CFG, dModel: 16 }, createRng('o'));
    const untied = GPT.init({ ...CFG, tiedEmbeddings: false }, createRng('u'));
    const untiedCritic = ValueNetwork.init({ ...CFG, tiedEmbeddings: false }, createRng('uv'));
    const shared = new SharedTrunkCritic(policy, ValueHead.init(CFG.dModel, createRng('h')));
    const stacked = StackedActorCritic.tryFrom(policy, critic);
    assert.ok(stacked);
    assert.equal(stacked.variables.length, policy.trainableVariables.length + 1);
    assert.deepEqual(stacked.layout, { stackSize: 2, stackedVariables: policy.trainableVariables.length });
    assert.equal(StackedActorCritic.tryFrom(policy, other), null);
    assert.equal(StackedActorCritic.tryFrom(untied, untiedCritic), null);
    assert.equal(StackedActorCritic.tryFrom(policy, shared), null);
    stacked.dispose();
    for (const m of [policy, critic, other, untied, untiedCritic]) m.dispose();
  });
});
