import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT } from '../../src/models/gpt';
import { cacheLength, disposeCache, type KVCache } from '../../src/models/kv_cache';
import { createRng } from '../../src/util/rng';
import { TINY, maxAbsDiff, randomIds } from './tiny_models';

/** Logits of `ids` computed chunk by chunk through the cache; chunk sizes sum to seq. */
function incrementalLogits(model: GPT, ids: tf.Tensor2D, chunks: number[], mask?: tf.Tensor2D): tf.Tensor3D {
  const [batchSize] = ids.shape;
  let cache: KVCache | undefined;
  const parts: tf.Tensor3D[] = [];
  let start = 0;
  for (const n of chunks) {
    const chunk = ids.slice([0, start], [batchSize, n]) as tf.Tensor2D;
    const attentionMask = mask ? (mask.slice([0, 0], [batchSize, start + n]) as tf.Tensor2D) : undefined;
    const out = model.forward(chunk, { cache, attentionMask, returnCache: true });
    disposeCache(cache); // carry
    cache = out.cache;
    assert.equal(cacheLength(cache), start + n);
    parts.push(out.logits!);
    tf.dispose([chunk, attentionMask]);
    start += n;
  }
  disposeCache(cache);
  const all = tf.concat(parts, 1) as tf.Tensor3D;
  tf.dispose(parts);
  return all;
}

describe('KV cache', () => {
  before(async () => {
    await initBackend();
  });

  it('gives the full-forward logits when decoding one token at a time (1e-5 abs)', () => {
    const model = GPT.init(TINY, createRng(1));
    const ids = randomIds(3, 10, TINY.vocabSize, createRng(2));
    const full = model.forward(ids).logits!;
    const inc = incrementalLogits(model, ids, [4, 1, 1, 1, 1, 1, 1]);
    assert.ok(maxAbsDiff(inc, full) < 1e-5, `max diff ${maxAbsDiff(inc, full)}`);
    tf.dispose([ids, full, inc]);
    model.dispose();
  });

  it('gives the full-forward logits for multi-token chunks after a cache (1e-5 abs)', () => {
    const model = GPT.init({ ...TINY, tiedEmbeddings: true }, createRng(3));
    const ids = randomIds(2, 9, TINY.vocabSize, createRng(4));
    const full = model.forward(ids).logits!;
    const inc = incrementalLogits(model, ids, [3, 2, 3, 1]);
    assert.ok(maxAbsDiff(inc, full) < 1e-5);
    tf.dispose([ids, full, inc]);
    model.dispose();
  });

  it('gives the full-forward logits of real tokens for left-padded prompts (1e-5 abs)', () => {
    const model = GPT.init(TINY, createRng(5));
    const ids = randomIds(3, 8, TINY.vocabSize, createRng(6));
    const mask = tf.tensor2d([
      [0, 0, 0, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 1, 1],
      [0, 0, 0, 0, 0, 1, 1, 1],
    ]);
    const full = model.forward(ids, { attentionMask: mask }).logits!;
    const inc = incrementalLogits(model, ids, [6, 1, 1], mask);
    const real = mask.reshape([3, 8, 1]);
    const diff = maxAbsDiff(tf.mul(inc, real), tf.mul(full, real));
    assert.ok(diff < 1e-5, `max diff ${diff}`);
    tf.dispose([ids, mask, full, inc, real]);
    model.dispose();
  });

  it('has length 0 when absent and frees every tensor on dispose', () => {
    assert.equal(cacheLength(undefined), 0);
    const model = GPT.init(TINY, createRng(7));
    const ids = randomIds(1, 4, TINY.vocabSize, createRng(8));
    const start = tf.memory().numTensors;
    const out = model.forward(ids, { returnCache: true });
    out.logits!.dispose();
    assert.equal(out.cache!.keys.length, TINY.nLayer);
    assert.deepEqual(out.cache!.keys[0].shape, [1, 2, 4, 16]); // [batch, heads, past, head_dim]
    disposeCache(out.cache);
    assert.equal(tf.memory().numTensors, start);
    ids.dispose();
    model.dispose();
  });
});
