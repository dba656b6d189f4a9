import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT, type GPTConfig } from '../../src/models/gpt';
import { ValueNetwork } from '../../src/models/heads';
import { generate } from '../../src/models/sampling';
import { collectRollout, disposeRollout } from '../../src/rl/rollout';
import { createRng } from '../../src/util/rng';

before(async () => {
  await initBackend();
});

const CFG: GPTConfig = { vocabSize: 12, nPositions: 15, dModel: 32, nLayer: 1, nHead: 2, dropout: 0.1, tiedEmbeddings: true, layerNormEps: 1e-5 };
const PROMPTS = [
  [3, 1, 4, 1, 5, 9, 2, 6, 5, 3],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

describe('collectRollout', () => {
  it('returns the sampler tokens with their behaviour logprobs, critic values and scores of the host responses', async () => {
    const policy = GPT.init(CFG, createRng('rollout/policy'));
    const critic = ValueNetwork.init(CFG, createRng('rollout/value'));
    const query = tf.tensor2d(PROMPTS, undefined, 'int32'); // [3, 10]
    const seen: number[][] = [];
    const r = await collectRollout(policy, critic, null, query, (responses) => responses.map((ids) => (seen.push(Array.from(ids)), ids[0])), { maxNewTokens: 5, temperature: 0.7 }, createRng('rollout/sample'));
    assert.deepEqual(r.responseIds.shape, [3, 5]);
    assert.deepEqual(r.logprobs.shape, [3, 5]);
    assert.deepEqual(r.values.shape, [3, 5]);
    assert.equal(r.refLogprobs, null, 'no reference forward without a reference model');
    assert.deepEqual(Array.from(r.mask.dataSync()), new Array(15).fill(1));
    // The score function saw exactly the sampled ids.
    assert.deepEqual(seen, r.responseIds.arraySync());
    assert.deepEqual(r.scores, seen.map((ids) => ids[0]));
    // Same rng stream => the sampler draws the same tokens; the rollout's recomputed logprobs (logits / 0.7)
    // equal the sampler's own to float32 precision.
    const gen = await generate(policy, query, undefined, { maxNewTokens: 5, temperature: 0.7 }, createRng('rollout/sample'));
    assert.deepEqual(gen.tokens.arraySync(), r.responseIds.arraySync());
    const a = r.logprobs.dataSync();
    const b = gen.logprobs.dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-4, `logprob ${i}: ${a[i]} vs ${b[i]}`);
    // Values are the critic's on prompt + response.
    const ids = tf.concat([query, r.responseIds], 1) as tf.Tensor2D;
    const v = critic.values(ids, undefined, 10);
    const va = r.values.dataSync();
    const vb = v.dataSync();
    for (let i = 0; i < va.length; i++) assert.ok(Math.abs(va[i] - vb[i]) < 1e-5);
    for (const t of [gen.tokens, gen.logprobs, gen.mask, ids, v]) t.dispose();
    disposeRollout(r);
    query.dispose();
    policy.dispose();
    critic.dispose();
  });

  it('computes reference logprobs from a separate frozen copy, equal to the policy at the start', async () => {
    const policy = GPT.init(CFG, createRng('rollout/policy2'));
    const critic = ValueNetwork.init(CFG, createRng('rollout/value2'));
    const ref = policy.copy(false);
    const query = tf.tensor2d(PROMPTS, undefined, 'int32');
    const r = await collectRollout(policy, critic, ref, query, (responses) => responses.map(() => 0), { maxNewTokens: 5, temperature: 1 }, createRng('rollout/s2'));
    assert.ok(r.refLogprobs !== null);
    const a = r.logprobs.dataSync();
    const b = r.refLogprobs.dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6);
    assert.ok(ref !== policy && ref.trainableVariables.every((v, i) => v !== policy.trainableVariables[i]), 'reference holds its own variables');
    disposeRollout(r);
    for (const m of [policy, critic, ref]) m.dispose();
    query.dispose();
  });

  it('leaves no tensors behind once the rollout is disposed', async () => {
    const policy = GPT.init(CFG, createRng('rollout/policy3'));
    const critic = ValueNetwork.init(CFG, createRng('rollout/value3'));
    const query = tf.tensor2d(PROMPTS, undefined, 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) disposeRollout(await collectRollout(policy, critic, null, query, (rs) => rs.map(() => 1), { maxNewTokens: 5, temperature: 1 }, createRng(i)));
    assert.equal(tf.memory().numTensors, before);
    for (const m of [policy, critic]) m.dispose();
    query.dispose();
  });
});
