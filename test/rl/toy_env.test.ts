import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { buildToyTestSets, buildToyTrainingSet, resolveToyDataConfig } from '../../src/study/data/toy';
import { GPT } from '../../src/models/gpt';
import { TOY_RESPONSE_TOKENS, evaluatePartitions, policyResponder, promptIds, samplePrompts, toyScores, toyVocab, type ToyResponder } from '../../src/rl/toy_env';
import { createRng } from '../../src/util/rng';
import type { Example } from '../../src/tasks/types';

before(async () => {
  await initBackend();
});

describe('toy environment', () => {
  it('maps the 10 digits to ids 0..9 and adds pad and unk (12 tokens, docs/study.md)', () => {
    assert.deepEqual(toyVocab(10), { symbols: 10, padId: 10, unkId: 11, size: 12 });
    assert.deepEqual(promptIds({ text: '3 5 1 0 9' }), [3, 5, 1, 0, 9]);
  });

  it('scores ascending runs for label 1 and descending runs for label 0, skipping pad/unk', () => {
    const responses = [Int32Array.from([1, 2, 3, 4, 5]), Int32Array.from([9, 7, 5, 3, 1]), Int32Array.from([1, 2, 3, 4, 5]), Int32Array.from([10, 1, 11, 2, 3])];
    assert.deepEqual(toyScores(responses, [1, 0, 0, 1]), [1, 1, 0, 0.5]);
  });

  it('draws prompts with replacement, reproducibly by seed', () => {
    const pool: Example[] = Array.from({ length: 5 }, (_, i) => ({ text: String(i), label: 0, partition: 'neither' }));
    const a = samplePrompts(pool, 50, createRng(1)).map((e) => e.text);
    assert.deepEqual(a, samplePrompts(pool, 50, createRng(1)).map((e) => e.text));
    assert.notDeepEqual(a, samplePrompts(pool, 50, createRng(2)).map((e) => e.text));
    assert.equal(new Set(a).size, 5);
    assert.throws(() => samplePrompts([], 1, createRng(1)), /prompt pool is empty/);
  });

  it('samples training prompts from the rate-p training set in its partition proportions', () => {
    const cfg = resolveToyDataConfig({ task: 1, rate: 0.5, seed: 0, trainSize: 400, testSize: 10, probeSize: 10 });
    const prompts = samplePrompts(buildToyTrainingSet(cfg), 2000, createRng('prompts'));
    const sOnly = prompts.filter((e) => e.partition === 's_only').length / prompts.length;
    assert.ok(Math.abs(sOnly - 0.5) < 0.05, `s-only share ${sOnly}; expected 0.5 +- 0.05`);
    assert.equal(prompts.filter((e) => e.partition === 't_only').length, 0, 'training sets hold no t-only examples');
    assert.ok(prompts.every((e) => promptIds(e).length === 10 && promptIds(e).every((d) => d >= 0 && d <= 9)));
  });
});

describe('evaluatePartitions', () => {
  const cfg = resolveToyDataConfig({ task: 1, rate: 0, seed: 0, trainSize: 10, testSize: 20, probeSize: 10 });
  const test = buildToyTestSets(cfg);
  const up = [1, 2, 3, 4, 5];
  const down = [9, 7, 5, 3, 1];
  /** Writes an ascending run iff the prompt contains `symbol`, else a descending one. */
  const stub = (symbol: number): ToyResponder => async (prompts) => prompts.map((p) => Int32Array.from(p.includes(symbol) ? up : down));

  it('gives reward 1 everywhere to a policy that follows t (contains-1) and 0 on s-only/t-only to one that follows s (contains-2)', async () => {
    assert.deepEqual(await evaluatePartitions(stub(1), test, 20, createRng(0)), { both: 1, neither: 1, s_only: 1, t_only: 1 });
    assert.deepEqual(await evaluatePartitions(stub(2), test, 20, createRng(0)), { both: 1, neither: 1, s_only: 0, t_only: 0 });
  });

  it('asks for the first n prompts of each partition with the child stream named after the partition', async () => {
    const calls: { n: number; seed: string }[] = [];
    const spy: ToyResponder = async (prompts, rng) => {
      calls.push({ n: prompts.length, seed: rng.seed });
      return prompts.map(() => Int32Array.from(up));
    };
    const r = await evaluatePartitions(spy, test, 7, createRng('ev'));
    assert.deepEqual(calls.map((c) => c.n), [7, 7, 7, 7]);
    assert.deepEqual(calls.map((c) => c.seed), ['ev/both', 'ev/neither', 'ev/s_only', 'ev/t_only']);
    // Ascending answers: full reward on the label-1 partitions (both, t-only), none on label 0.
    assert.deepEqual(r, { both: 1, neither: 0, s_only: 0, t_only: 1 });
  });

  it('reads 5 tokens per prompt from a GPT policy, freeing every tensor', async () => {
    const policy = GPT.init({ vocabSize: 12, nPositions: 15, dModel: 16, nLayer: 1, nHead: 2, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 }, createRng('p'));
    const before = tf.memory().numTensors;
    const out = await policyResponder(policy)([[1, 2, 3, 4, 5, 6, 7, 8, 9, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], createRng(1));
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(out.map((r) => r.length), [TOY_RESPONSE_TOKENS, TOY_RESPONSE_TOKENS]);
    assert.ok(out.every((r) => r.every((id) => id >= 0 && id < 12)));
    policy.dispose();
  });
});
