import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { trainBpeTokenizer } from '../../src/tokenizer/bpe_tokenizer';
import { GPT } from '../../src/models/gpt';
import { policyLogprobsAndValues, sequenceMask } from '../../src/rl/rollout';
import { episodeRewards, leftPad, promptBatch, responseText } from '../../src/rl/sentiment_env';
import { sentimentScore } from '../../src/rl/sentiment_reward';
import { SharedTrunkCritic } from '../../src/rl/shared_trunk_critic';
import { createRng } from '../../src/util/rng';

const tok = trainBpeTokenizer(['the film was good', 'a bad movie', 'we liked the good parts of the film'], { vocabSize: 300 });

describe('leftPad', () => {
  it('pads every row on the left to the longest and marks real tokens with 1', () => {
    const p = leftPad([[5, 6, 7], [8]], 0);
    assert.deepEqual(Array.from(p.ids), [5, 6, 7, 0, 0, 8]);
    assert.deepEqual(Array.from(p.mask), [1, 1, 1, 0, 0, 1]);
    assert.equal(p.len, 3);
  });

  it('rejects an empty prompt with the row named', () => {
    assert.throws(() => leftPad([[1], []], 0), /rows\[1\]: is empty/);
  });
});

describe('promptBatch', () => {
  before(async () => void (await initBackend()));

  it('returns no mask when no prompt is padded, and a mask when one is', () => {
    const same = promptBatch(['a bad movie', 'a bad movie'], tok);
    assert.equal(same.mask, null);
    same.ids.dispose();
    const ragged = promptBatch(['a bad movie', 'we liked the good parts of the film'], tok);
    assert.ok(ragged.mask);
    assert.equal(ragged.ids.shape[1], tok.encode('we liked the good parts of the film').length);
    assert.equal(ragged.ids.arraySync()[0][0], tok.padId);
    tf.dispose([ragged.ids, ragged.mask as tf.Tensor]);
  });
});

describe('responseText and episodeRewards', () => {
  it('keeps the tokens before the length and drops EOS and pad', () => {
    const ids = [...tok.encode(' good'), tok.eosId, ...tok.encode(' bad')];
    assert.equal(responseText(tok, ids, tok.encode(' good').length + 1), ' good');
  });

  it('scores prompt + response with the sign rule', () => {
    const resp = Int32Array.from(tok.encode(' was good'));
    const { rewards, texts } = episodeRewards(tok, ['the film', 'the film'], [1, 0], [resp, resp], [resp.length, resp.length]);
    assert.equal(texts[0], 'the film was good');
    const s = sentimentScore('the film was good');
    assert.ok(s > 0);
    assert.deepEqual(rewards, [s, -s]);
  });
});

describe('shared-trunk critic and padded prompts', () => {
  before(async () => void (await initBackend()));
  const cfg = { vocabSize: tok.vocabSize, nPositions: 16, dModel: 16, nLayer: 1, nHead: 2, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 };

  it('gives the same values from its own forward as from the policy forward it shares', () => {
    const policy = GPT.init(cfg, createRng('p'));
    const critic = SharedTrunkCritic.init(policy, createRng('v'));
    const ids = tf.tensor2d([[3, 4, 5, 6, 7, 8]], undefined, 'int32');
    const own = critic.values(ids, undefined, 3);
    const shared = tf.tidy(() => policyLogprobsAndValues(policy, critic, ids, undefined, 3, 1).values);
    assert.deepEqual(own.shape, [1, 3]);
    const a = own.dataSync();
    const b = shared.dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `value ${i}: ${a[i]} vs ${b[i]}`);
    tf.dispose([ids, own, shared]);
    critic.dispose();
    policy.dispose();
  });

  it('gives a left-padded row the log-probs and values of the same row unpadded (1e-5)', () => {
    const policy = GPT.init(cfg, createRng('p2'));
    const critic = SharedTrunkCritic.init(policy, createRng('v2'));
    const promptA = [3, 4, 5];
    const resp = [9, 10, 11];
    const alone = tf.tensor2d([[...promptA, ...resp]], undefined, 'int32');
    const padded = leftPad([promptA, [6, 7, 8, 12, 13]], tok.padId);
    const q = tf.tensor2d(padded.ids, [2, padded.len], 'int32');
    const qMask = tf.tensor2d(padded.mask, [2, padded.len]);
    const batch = tf.concat([q, tf.tensor2d([resp, resp], undefined, 'int32')], 1) as tf.Tensor2D;
    const mask = sequenceMask(qMask, resp.length) as tf.Tensor2D;
    const a = tf.tidy(() => policyLogprobsAndValues(policy, critic, alone, undefined, promptA.length, 1));
    const b = tf.tidy(() => policyLogprobsAndValues(policy, critic, batch, mask, padded.len, 1));
    const [la, va] = [a.logprobs.dataSync(), a.values.dataSync()];
    const [lb, vb] = [b.logprobs.arraySync()[0], b.values.arraySync()[0]];
    for (let j = 0; j < resp.length; j++) {
      assert.ok(Math.abs(la[j] - lb[j]) < 1e-5, `logprob ${j}: ${la[j]} vs ${lb[j]}`);
      assert.ok(Math.abs(va[j] - vb[j]) < 1e-5, `value ${j}: ${va[j]} vs ${vb[j]}`);
    }
    tf.dispose([alone, q, qMask, batch, mask, a.logprobs, a.values, b.logprobs, b.values]);
    critic.dispose();
    policy.dispose();
  });
});
