import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT } from '../../src/models/gpt';
import { responseLogprobs } from '../../src/models/response_logprobs';
import { drawUniforms, generate, sampleTokens, type GenerateResult, type TokenSamplingOptions } from '../../src/models/sampling';
import { createRng } from '../../src/util/rng';
import { TINY, maxAbsDiff, randomIds, toArray } from './tiny_models';

const PROBS = [0.3, 0.25, 0.2, 0.1, 0.08, 0.04, 0.02, 0.01];
const N_DRAWS = 4000;

/** Counts of tokens drawn from N_DRAWS identical rows of log(PROBS). */
function drawCounts(opts: Partial<TokenSamplingOptions>, seed: number): number[] {
  const logits = tf.tile(tf.log(tf.tensor2d([PROBS])), [N_DRAWS, 1]) as tf.Tensor2D;
  const uniforms = drawUniforms(N_DRAWS, createRng(seed));
  const { tokens, logprobs } = sampleTokens(logits, { temperature: 1, topK: 0, topP: 1, ...opts }, uniforms);
  const counts = new Array(PROBS.length).fill(0);
  for (const t of tokens.dataSync()) counts[t]++;
  tf.dispose([logits, uniforms, tokens, logprobs]);
  return counts;
}

/** Asserts each count is within 5 binomial standard deviations of N_DRAWS * expected. */
function assertFrequencies(counts: number[], expected: number[]): void {
  counts.forEach((c, i) => {
    const mean = N_DRAWS * expected[i];
    const sd = Math.sqrt(N_DRAWS * expected[i] * (1 - expected[i]));
    assert.ok(Math.abs(c - mean) <= 5 * sd + 1e-9, `token ${i}: ${c} draws, expected ${mean.toFixed(1)} +- ${(5 * sd).toFixed(1)}`);
  });
}

function disposeResult(r: GenerateResult): void {
  tf.dispose([r.tokens, r.logprobs, r.mask]);
}

describe('sampling', () => {
  before(async () => {
    await initBackend();
  });

  it('draws tokens with the softmax probabilities (inverse CDF, 5 sd over 4,000 draws)', () => {
    assertFrequencies(drawCounts({}, 1), PROBS);
  });

  it('sharpens by temperature: frequencies follow softmax(logits / T)', () => {
    const t = 0.5;
    const z = PROBS.reduce((s, p) => s + p ** (1 / t), 0);
    assertFrequencies(drawCounts({ temperature: t }, 2), PROBS.map((p) => p ** (1 / t) / z));
  });

  it('never emits tokens outside the top k, and renormalises among them', () => {
    const counts = drawCounts({ topK: 3 }, 3);
    assert.deepEqual(counts.slice(3), [0, 0, 0, 0, 0]);
    assertFrequencies(counts, [0.3 / 0.75, 0.25 / 0.75, 0.2 / 0.75, 0, 0, 0, 0, 0]);
  });

  it('never emits tokens outside the nucleus (top-p keeps the token that crosses p)', () => {
    // Mass before each sorted token: 0, .3, .55, .75 -> p = 0.7 keeps tokens 0, 1, 2.
    const counts = drawCounts({ topP: 0.7 }, 4);
    assert.deepEqual(counts.slice(3), [0, 0, 0, 0, 0]);
    assert.ok(counts.slice(0, 3).every((c) => c > 0));
    const both = drawCounts({ topK: 2, topP: 0.95 }, 5);
    assert.deepEqual(both.slice(2), [0, 0, 0, 0, 0, 0]);
    assert.ok(both[0] > 0 && both[1] > 0);
  });

  it('never emits a blocked token, even the most likely one', () => {
    const counts = drawCounts({ blockedTokenId: 0 }, 6);
    assert.equal(counts[0], 0);
    assertFrequencies(counts, [0, ...PROBS.slice(1).map((p) => p / 0.7)]);
  });

  it('returns the log-probability under logits / temperature, before top-k', () => {
    const logits = tf.log(tf.tensor2d([PROBS, PROBS])) as tf.Tensor2D;
    const uniforms = tf.tensor1d([0.1, 0.9]);
    const { tokens, logprobs } = sampleTokens(logits, { temperature: 1, topK: 2, topP: 1 }, uniforms);
    const tok = tokens.dataSync();
    const lp = logprobs.dataSync();
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(lp[i] - Math.log(PROBS[tok[i]])) < 1e-6);
    tf.dispose([logits, uniforms, tokens, logprobs]);
  });

  it('is deterministic per seed and differs across seeds', async () => {
    const model = GPT.init(TINY, createRng(1));
    const prompts = randomIds(8, 4, TINY.vocabSize, createRng(2));
    const a = await generate(model, prompts, undefined, { maxNewTokens: 6 }, createRng(3));
    const b = await generate(model, prompts, undefined, { maxNewTokens: 6 }, createRng(3));
    const c = await generate(model, prompts, undefined, { maxNewTokens: 6 }, createRng(4));
    assert.deepEqual(toArray(a.tokens), toArray(b.tokens));
    assert.equal(maxAbsDiff(a.logprobs, b.logprobs), 0);
    assert.notDeepEqual(toArray(a.tokens), toArray(c.tokens));
    assert.equal(a.tokens.dtype, 'int32');
    assert.deepEqual(a.tokens.shape, [8, 6]);
    [a, b, c].forEach(disposeResult);
    prompts.dispose();
    model.dispose();
  });

  it('equals greedy argmax decoding at temperature 1e-6 and at temperature 0', async () => {
    const model = GPT.init(TINY, createRng(5));
    const prompts = randomIds(4, 3, TINY.vocabSize, createRng(6));
    // Reference: argmax of the full forward pass, one token at a time.
    let seq = prompts.clone();
    for (let t = 0; t < 5; t++) {
      const logits = model.forward(seq, { outputStart: seq.shape[1] - 1 }).logits!;
      const next = tf.argMax(logits, 2).cast('int32');
      const grown = tf.concat([seq, next], 1) as tf.Tensor2D;
      tf.dispose([logits, next, seq]);
      seq = grown;
    }
    const expected = toArray(seq.slice([0, 3], [4, 5]));
    const greedy = await generate(model, prompts, undefined, { maxNewTokens: 5, temperature: 0 }, createRng(7));
    const cold = await generate(model, prompts, undefined, { maxNewTokens: 5, temperature: 1e-6 }, createRng(8));
    assert.deepEqual(toArray(greedy.tokens), expected);
    assert.deepEqual(toArray(cold.tokens), expected);
    [greedy, cold].forEach(disposeResult);
    tf.dispose([seq, prompts]);
    model.dispose();
  });

  it('samples the same tokens and logprobs with and without the KV cache (left-padded prompts)', async () => {
    const model = GPT.init(TINY, createRng(9));
    const prompts = randomIds(3, 6, TINY.vocabSize, createRng(10));
    const mask = tf.tensor2d([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1]]);
    const opts = { maxNewTokens: 7, temperature: 0.8, topK: 8, topP: 0.95 };
    const cached = await generate(model, prompts, mask, opts, createRng(11));
    const uncached = await generate(model, prompts, mask, { ...opts, useCache: false }, createRng(11));
    assert.deepEqual(toArray(cached.tokens), toArray(uncached.tokens));
    assert.ok(maxAbsDiff(cached.logprobs, uncached.logprobs) < 1e-5);
    [cached, uncached].forEach(disposeResult);
    tf.dispose([prompts, mask]);
    model.dispose();
  });

  it('returns logprobs equal to a forward pass over prompt + response at the same temperature (1e-5 abs)', async () => {
    const model = GPT.init(TINY, createRng(12));
    const prompts = randomIds(3, 5, TINY.vocabSize, createRng(13));
    const mask = tf.tensor2d([[0, 1, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 0, 1, 1]]);
    const sampled = await generate(model, prompts, mask, { maxNewTokens: 6, temperature: 0.7 }, createRng(14));
    const ids = tf.concat([prompts, sampled.tokens], 1) as tf.Tensor2D;
    const fullMask = tf.concat([mask, sampled.mask], 1) as tf.Tensor2D;
    const scored = responseLogprobs(model, ids, fullMask, 5, { temperature: 0.7 });
    assert.ok(maxAbsDiff(scored.logprobs, sampled.logprobs) < 1e-5, `max diff ${maxAbsDiff(scored.logprobs, sampled.logprobs)}`);
    disposeResult(sampled);
    tf.dispose([prompts, mask, ids, fullMask, scored.logprobs]);
    model.dispose();
  });

  it('stops a row at EOS, pads after it with mask 0 and logprob 0, and blocks EOS before minNewTokens', async () => {
    const model = GPT.init(TINY, createRng(15));
    const prompts = randomIds(4, 3, TINY.vocabSize, createRng(16));
    const free = await generate(model, prompts, undefined, { maxNewTokens: 6, temperature: 0 }, createRng(17));
    const eos = toArray(free.tokens)[0][0]; // row 0's greedy first token
    const pad = (eos + 1) % TINY.vocabSize;
    const stopped = await generate(model, prompts, undefined, { maxNewTokens: 6, temperature: 0, eosTokenId: eos, padTokenId: pad }, createRng(17));
    const tokens = toArray(stopped.tokens);
    const mask = toArray(stopped.mask);
    const logprobs = toArray(stopped.logprobs);
    assert.deepEqual(tokens[0], [eos, pad, pad, pad, pad, pad]);
    assert.deepEqual(mask[0], [1, 0, 0, 0, 0, 0]);
    assert.deepEqual(logprobs[0].slice(1).map((v) => v + 0), [0, 0, 0, 0, 0]); // + 0 turns -0 into 0
    for (let r = 0; r < 4; r++) {
      const firstEos = tokens[r].indexOf(eos);
      const expectedMask = tokens[r].map((_, j) => (firstEos < 0 || j <= firstEos ? 1 : 0));
      assert.deepEqual(mask[r], expectedMask);
    }
    const delayed = await generate(model, prompts, undefined, { maxNewTokens: 6, temperature: 0, eosTokenId: eos, minNewTokens: 2 }, createRng(17));
    assert.ok(toArray(delayed.tokens).every((row) => row[0] !== eos && row[1] !== eos));
    [free, stopped, delayed].forEach(disposeResult);
    prompts.dispose();
    model.dispose();
  });

  it('rejects bad options, naming the field', async () => {
    const model = GPT.init(TINY, createRng(18));
    const prompts = randomIds(1, 3, TINY.vocabSize, createRng(19));
    await assert.rejects(generate(model, prompts, undefined, { maxNewTokens: 2, topP: 0 }, createRng(1)), /topP: 0 is outside/);
    await assert.rejects(generate(model, prompts, undefined, { maxNewTokens: 2, minNewTokens: 1 }, createRng(1)), /minNewTokens: 1 needs an eosTokenId/);
    await assert.rejects(generate(model, prompts, undefined, { maxNewTokens: 20 }, createRng(1)), /maxNewTokens: 20 after a prompt of 3 exceeds nPositions 16/);
    prompts.dispose();
    model.dispose();
  });

  it('keeps tf.memory().numTensors flat over many generations', async () => {
    const model = GPT.init(TINY, createRng(20));
    const prompts = randomIds(4, 4, TINY.vocabSize, createRng(21));
    const mask = tf.ones([4, 4]) as tf.Tensor2D;
    const rng = createRng(22);
    const once = async (i: number) =>
      disposeResult(await generate(model, prompts, mask, { maxNewTokens: 5, topK: 5, topP: 0.9, eosTokenId: 1, useCache: i % 2 === 0 }, rng));
    await once(0);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await once(i);
    assert.equal(tf.memory().numTensors, start);
    tf.dispose([prompts, mask]);
    model.dispose();
  });
});
