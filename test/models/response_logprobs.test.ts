import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT } from '../../src/models/gpt';
import { responseLogprobs } from '../../src/models/response_logprobs';
import { createRng } from '../../src/util/rng';
import { TINY, maxAbsDiff, randomIds } from './tiny_models';

describe('responseLogprobs', () => {
  before(async () => {
    await initBackend();
  });

  it('equals log-softmax(logits / T) of the full forward pass at each response token, with entropies and hidden states', () => {
    const model = GPT.init(TINY, createRng(1));
    const ids = randomIds(3, 9, TINY.vocabSize, createRng(2));
    const mask = tf.tensor2d([[0, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1, 1, 0]]);
    const promptLen = 4;
    const temperature = 0.6;
    const out = responseLogprobs(model, ids, mask, promptLen, { temperature, returnEntropy: true, returnHidden: true });
    assert.deepEqual(out.logprobs.shape, [3, 5]);
    assert.deepEqual(out.hidden!.shape, [3, 5, 32]);
    // Reference on the host from the full forward pass.
    const full = model.forward(ids, { attentionMask: mask, returnHidden: true });
    const logits = full.logits!.arraySync();
    const idsArr = ids.arraySync();
    const lp = out.logprobs.arraySync();
    const ent = out.entropy!.arraySync();
    for (let b = 0; b < 3; b++) {
      for (let t = 0; t < 5; t++) {
        const row = logits[b][promptLen - 1 + t].map((v) => v / temperature);
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        const logp = row.map((v) => v - lse);
        assert.ok(Math.abs(lp[b][t] - logp[idsArr[b][promptLen + t]]) < 1e-5);
        const h = -logp.reduce((s, v) => s + Math.exp(v) * v, 0);
        assert.ok(Math.abs(ent[b][t] - h) < 1e-5);
      }
    }
    assert.ok(maxAbsDiff(out.hidden!, full.hidden!.slice([0, promptLen - 1, 0], [3, 5, 32])) < 1e-6);
    tf.dispose([ids, mask, out.logprobs, out.entropy!, out.hidden!, full.logits!, full.hidden!]);
    model.dispose();
  });

  it('has a gradient for every weight (one-hot token selection works on every backend)', () => {
    const model = GPT.init({ ...TINY, tiedEmbeddings: true }, createRng(3));
    const ids = randomIds(2, 6, TINY.vocabSize, createRng(4));
    const { value, grads } = tf.variableGrads(() => tf.sum(responseLogprobs(model, ids, undefined, 2).logprobs), model.trainableVariables);
    for (const v of model.trainableVariables) {
      const g = grads[v.name];
      assert.ok(g && tf.max(tf.abs(g)).dataSync()[0] > 0, `zero gradient for a ${v.shape} weight`);
    }
    tf.dispose([ids, value, ...Object.values(grads)]);
    model.dispose();
  });

  it('rejects a prompt length that leaves no response', () => {
    const model = GPT.init(TINY, createRng(5));
    const ids = randomIds(1, 4, TINY.vocabSize, createRng(6));
    assert.throws(() => responseLogprobs(model, ids, undefined, 4), /promptLen: 4 is outside \[1, 3\]/);
    ids.dispose();
    model.dispose();
  });
});
