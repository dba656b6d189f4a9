import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT, type GPTConfig } from '../../src/models/gpt';
import { StackedGPT } from '../../src/models/stacked_gpt';
import { stackingIsExact } from '../../src/rl/stacked_actor_critic';
import { createRng } from '../../src/util/rng';
import { randomIds } from './tiny_models';

before(async () => {
  await initBackend();
});

/** 2 layers x 32, tied embeddings, no dropout: the shape of a toy policy and its value trunk, small. */
const CFG: GPTConfig = { vocabSize: 13, nPositions: 16, dModel: 32, nLayer: 2, nHead: 2, dropout: 0, tiedEmbeddings: true, layerNormEps: 1e-5 };

/** Host bytes of a tensor, for bit-for-bit comparison (NaN-safe, -0 != +0 only if the bytes differ). */
function bytes(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

/** A loss that reaches every weight: sum of the hidden states times fixed per-position factors. */
function lossOf(hidden: tf.Tensor): tf.Scalar {
  const factors = tf.linspace(-1, 1, hidden.size).reshape(hidden.shape);
  return tf.sum(tf.mul(tf.square(hidden), factors)) as tf.Scalar;
}

function twoModels(): [GPT, GPT] {
  return [GPT.init(CFG, createRng('stacked/a')), GPT.init(CFG, createRng('stacked/b'))];
}

/** Largest |a - b| over two same-shaped tensors. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  const [x, y] = [Array.from(a.dataSync()), Array.from(b.dataSync())];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}

/** Bit for bit where `stackingIsExact` says so, else within float32 round-off. */
function assertSame(got: tf.Tensor, want: tf.Tensor, exact: boolean, what: string): void {
  if (exact) assert.deepEqual(bytes(got), bytes(want), what);
  else assert.ok(maxDiff(got, want) < 1e-4 * Math.max(1, ...Array.from(want.dataSync()).map(Math.abs)), `${what}: ${maxDiff(got, want)}`);
}

describe('StackedGPT', () => {
  // 4 episodes x 8 tokens with all 8 outputs: 32 rows, whole AVX-512 registers per member and
  // 32 x 32 x 32 products (exact); 2 x 8: 16 x 32 x 32, oneDNN's small-product kernel for a lone
  // product; 3 x 9 tokens, outputs 3..7: 27 and 15 rows (round-off only, measured: 162 of 480 hidden values differ in the last bit).
  const SHAPES = [
    { batch: 4, seq: 8, start: 0, end: 8, padded: false },
    { batch: 4, seq: 8, start: 0, end: 8, padded: true },
    { batch: 2, seq: 8, start: 0, end: 8, padded: false },
    { batch: 3, seq: 9, start: 3, end: 8, padded: false },
    { batch: 3, seq: 9, start: 3, end: 8, padded: true },
  ];
  for (const { batch, seq, start, end, padded } of SHAPES) {
    const exact = stackingIsExact(batch * seq, batch * (end - start), CFG.dModel);
    it(`gives each member's own hidden states and weight gradients${exact ? ', bit for bit' : ' within round-off'} (${batch} x ${seq} tokens${padded ? ', left-padded' : ''})`, () => {
      const models = twoModels();
      const stacked = StackedGPT.fromModels(models);
      const ids = randomIds(batch, seq, CFG.vocabSize, createRng('stacked/ids'));
      const mask = padded ? tf.tensor2d(Array.from({ length: batch }, (_, b) => Array.from({ length: seq }, (_, j) => (j >= (b % 2) * 2 ? 1 : 0)))) : undefined;
      const rows = batch * (end - start);
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const together = stacked.forward(ids, start, end, mask); // [2, rows, 32]
        const apart = models.map((m) => m.forward(ids, { attentionMask: mask, outputStart: start, outputEnd: end, returnHidden: true, returnLogits: false }).hidden as tf.Tensor3D);
        apart.forEach((h, s) => assertSame(tf.unstack(together)[s], h.reshape([rows, 32]), exact, `member ${s} hidden`));
        // Gradients: each member's loss through its own model vs the sum of both losses through the stack.
        const stackedGrads = tf.variableGrads(() => tf.add(lossOf(tf.unstack(stacked.forward(ids, start, end, mask))[0]), lossOf(tf.unstack(stacked.forward(ids, start, end, mask))[1])) as tf.Scalar, stacked.variables).grads;
        models.forEach((m, s) => {
          const own = tf.variableGrads(() => lossOf((m.forward(ids, { attentionMask: mask, outputStart: start, outputEnd: end, returnHidden: true, returnLogits: false }).hidden as tf.Tensor).reshape([rows, 32])), m.trainableVariables).grads;
          let checked = 0;
          for (const [name, v] of m.namedWeights()) {
            const sv = stacked.variables[[...m.namedWeights().keys()].indexOf(name)];
            const g = tf.unstack(stackedGrads[sv.name])[s].reshape(v.shape);
            assertSame(g, own[v.name], exact, `member ${s} gradient of ${name}`);
            checked++;
          }
          assert.equal(checked, 2 + 12 * CFG.nLayer + 2);
        });
      });
      assert.equal(tf.memory().numTensors, before);
      stacked.dispose();
      tf.dispose([ids, ...(mask ? [mask] : []), ...models.map((m) => (m.dispose(), tf.scalar(0)))]);
    });
  }

  it('says which minibatch shapes are exact: whole 16-float registers of token rows, output rows and width', () => {
    assert.equal(stackingIsExact(64 * 15, 64 * 5, 64), true); // laptop toy PPO minibatch
    assert.equal(stackingIsExact(16 * 15, 16 * 5, 32), true); // smoke
    assert.equal(stackingIsExact(51 * 15, 51 * 5, 256), false); // paper: 765 rows
    assert.equal(stackingIsExact(64 * 15, 64 * 5, 40), false);
    assert.equal(stackingIsExact(2 * 8, 2 * 8, 32), false); // 16 x 32 x 32 products: oneDNN's small path
    assert.equal(stackingIsExact(4 * 8, 4 * 8, 32), true);
  });

  it('writes its members back into the models and re-reads them after an outside write', () => {
    const models = twoModels();
    const stacked = StackedGPT.fromModels(models);
    const name = 'h.1.mlp.c_fc.bias';
    const v = stacked.variables[[...models[0].namedWeights().keys()].indexOf(name)];
    v.assign(tf.tidy(() => tf.stack([tf.fill([1, 4 * CFG.dModel], 0.25), tf.fill([1, 4 * CFG.dModel], -0.5)])));
    stacked.writeTo(models);
    assert.deepEqual([...new Set(models[0].namedWeights().get(name)!.dataSync())], [0.25]);
    assert.deepEqual([...new Set(models[1].namedWeights().get(name)!.dataSync())], [-0.5]);
    models[1].namedWeights().get(name)!.assign(tf.fill([4 * CFG.dModel], 2));
    stacked.readFrom(models);
    assert.deepEqual([...new Set(tf.unstack(v)[1].dataSync())], [2]);
    assert.deepEqual(bytes(stacked.memberWeight(0, 'wte.weight')), bytes(models[0].namedWeights().get('wte.weight')!));
    stacked.dispose();
    models.forEach((m) => m.dispose());
  });

  it('rejects members of different configurations with one line naming the field', () => {
    const a = GPT.init(CFG, createRng('a'));
    const b = GPT.init({ ...CFG, dModel: 16 }, createRng('b'));
    assert.throws(() => StackedGPT.fromModels([a, b]), /^ConfigError: models: model 1 has another configuration than model 0/);
    a.dispose();
    b.dispose();
  });
});
