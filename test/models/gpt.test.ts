import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { GPT, GPT_CONFIGS, checkGPTConfig, gptWeightShapes, positionIdsFromMask } from '../../src/models/gpt';
import { createRng } from '../../src/util/rng';
import { TINY, maxAbsDiff, randomIds } from './tiny_models';

function std(values: Float32Array | Int32Array | Uint8Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let s = 0;
  for (const v of values) s += (v - mean) ** 2;
  return Math.sqrt(s / values.length);
}

describe('GPT', () => {
  before(async () => {
    await initBackend();
  });

  it('rejects a head count that does not divide the width, naming the field', () => {
    assert.throws(() => checkGPTConfig({ ...TINY, nHead: 3 }), /nHead: 3 does not divide dModel 32/);
    assert.throws(() => checkGPTConfig({ ...TINY, dropout: 1.5 }), /dropout: 1.5 is outside \[0, 0.99\]/);
  });

  it('names its weights after the HF GPT-2 keys, with lm_head only when untied', () => {
    const untied = GPT.init(TINY, createRng(0));
    const tied = GPT.init({ ...TINY, tiedEmbeddings: true }, createRng(0));
    assert.deepEqual([...untied.namedWeights().keys()], [...gptWeightShapes(TINY).keys()]);
    assert.ok(untied.namedWeights().has('h.1.attn.c_attn.weight'));
    assert.deepEqual(untied.namedWeights().get('h.0.attn.c_attn.weight')?.shape, [32, 96]); // Conv1D [in, out]
    assert.deepEqual(untied.namedWeights().get('lm_head.weight')?.shape, [13, 32]);
    assert.equal(tied.namedWeights().has('lm_head.weight'), false);
    assert.equal(untied.trainableVariables.length, 2 + 12 * 2 + 2 + 1);
    untied.dispose();
    tied.dispose();
  });

  it('initialises as GPT-2 does: std 0.02, residual projections 0.02/sqrt(2 nLayer), zero biases, unit LayerNorm', () => {
    const model = GPT.init(GPT_CONFIGS.toyPolicy, createRng(1));
    const w = model.namedWeights();
    const residualStd = 0.02 / Math.sqrt(2 * 4);
    assert.ok(Math.abs(std(w.get('h.0.attn.c_attn.weight')!.dataSync()) - 0.02) < 0.02 * 0.02); // 196,608 draws
    assert.ok(Math.abs(std(w.get('wte.weight')!.dataSync()) - 0.02) < 0.02 * 0.1); // 3,072 draws
    assert.ok(Math.abs(std(w.get('h.3.attn.c_proj.weight')!.dataSync()) - residualStd) < residualStd * 0.02);
    assert.ok(Math.abs(std(w.get('h.2.mlp.c_proj.weight')!.dataSync()) - residualStd) < residualStd * 0.02);
    assert.ok(w.get('h.1.mlp.c_fc.bias')!.dataSync().every((v) => v === 0));
    assert.ok(w.get('ln_f.weight')!.dataSync().every((v) => v === 1));
    assert.ok(w.get('h.0.ln_1.bias')!.dataSync().every((v) => v === 0));
    model.dispose();
  });

  it('gives identical weights for the same seed and different weights for another seed', () => {
    const a = GPT.init(TINY, createRng(7));
    const b = GPT.init(TINY, createRng(7));
    const c = GPT.init(TINY, createRng(8));
    for (const name of ['wte.weight', 'h.1.mlp.c_fc.weight', 'lm_head.weight']) {
      assert.equal(maxAbsDiff(a.namedWeights().get(name)!, b.namedWeights().get(name)!), 0);
      assert.ok(maxAbsDiff(a.namedWeights().get(name)!, c.namedWeights().get(name)!) > 0);
    }
    [a, b, c].forEach((m) => m.dispose());
  });

  it('returns logits [batch, seq, vocab], and the requested slice of positions and hidden states', () => {
    const model = GPT.init(TINY, createRng(2));
    const ids = randomIds(3, 7, TINY.vocabSize, createRng(3));
    const full = model.forward(ids, { returnHidden: true });
    assert.deepEqual(full.logits!.shape, [3, 7, 13]);
    assert.deepEqual(full.hidden!.shape, [3, 7, 32]);
    const part = model.forward(ids, { outputStart: 2, outputEnd: 5, returnHidden: true });
    assert.deepEqual(part.logits!.shape, [3, 3, 13]);
    assert.ok(maxAbsDiff(part.logits!, full.logits!.slice([0, 2, 0], [3, 3, 13])) < 1e-6);
    assert.ok(maxAbsDiff(part.hidden!, full.hidden!.slice([0, 2, 0], [3, 3, 32])) < 1e-6);
    const hiddenOnly = model.forward(ids, { returnHidden: true, returnLogits: false });
    assert.equal(hiddenOnly.logits, undefined);
    tf.dispose([full.logits!, full.hidden!, part.logits!, part.hidden!, hiddenOnly.hidden!, ids]);
    model.dispose();
  });

  it('never lets future tokens change earlier logits (causality)', () => {
    const model = GPT.init(TINY, createRng(4));
    const ids = randomIds(2, 9, TINY.vocabSize, createRng(5));
    const changed = tf.concat([ids.slice([0, 0], [2, 5]), randomIds(2, 4, TINY.vocabSize, createRng(6))], 1) as tf.Tensor2D;
    const a = model.forward(ids).logits!;
    const b = model.forward(changed).logits!;
    assert.ok(maxAbsDiff(a.slice([0, 0, 0], [2, 5, 13]), b.slice([0, 0, 0], [2, 5, 13])) < 1e-6);
    assert.ok(maxAbsDiff(a.slice([0, 5, 0], [2, 4, 13]), b.slice([0, 5, 0], [2, 4, 13])) > 1e-3); // the change did matter later
    tf.dispose([ids, changed, a, b]);
    model.dispose();
  });

  it('gives the real tokens of a left-padded row the logits of the unpadded sequence (1e-5 abs)', () => {
    const model = GPT.init(TINY, createRng(9));
    const real = randomIds(1, 5, TINY.vocabSize, createRng(10));
    const alone = model.forward(real).logits!; // [1, 5, vocab]
    const padded = tf.concat([tf.fill([1, 3], 0, 'int32'), real], 1) as tf.Tensor2D; // 3 pads on the left
    const mask = tf.tensor2d([[0, 0, 0, 1, 1, 1, 1, 1]]);
    const withPad = model.forward(padded, { attentionMask: mask }).logits!; // [1, 8, vocab]
    assert.ok(maxAbsDiff(withPad.slice([0, 3, 0], [1, 5, 13]), alone) < 1e-5);
    // Without the mask (pads attended, positions shifted) they would differ: the test can fail.
    const unmasked = model.forward(padded).logits!;
    assert.ok(maxAbsDiff(unmasked.slice([0, 3, 0], [1, 5, 13]), alone) > 1e-3);
    tf.dispose([real, alone, padded, mask, withPad, unmasked]);
    model.dispose();
  });

  it('derives position ids as cumsum(mask) - 1 clipped at 0', () => {
    const mask = tf.tensor2d([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]]);
    const pos = positionIdsFromMask(mask, 5);
    assert.deepEqual(pos.arraySync(), [[0, 0, 0, 1, 2], [0, 1, 2, 3, 4]]);
    assert.equal(pos.dtype, 'int32');
    const last = positionIdsFromMask(mask, 2);
    assert.deepEqual(last.arraySync(), [[1, 2], [3, 4]]);
    tf.dispose([mask, pos, last]);
  });

  it('applies dropout only with training: true, seeded by the rng', () => {
    const model = GPT.init(TINY, createRng(11));
    const ids = randomIds(2, 6, TINY.vocabSize, createRng(12));
    const evalA = model.forward(ids, { training: false }, createRng(1)).logits!;
    const evalB = model.forward(ids).logits!;
    const trainA = model.forward(ids, { training: true }, createRng(1)).logits!;
    const trainB = model.forward(ids, { training: true }, createRng(1)).logits!;
    const trainC = model.forward(ids, { training: true }, createRng(2)).logits!;
    assert.equal(maxAbsDiff(evalA, evalB), 0);
    assert.equal(maxAbsDiff(trainA, trainB), 0);
    assert.ok(maxAbsDiff(trainA, evalA) > 1e-4);
    assert.ok(maxAbsDiff(trainA, trainC) > 1e-4);
    assert.throws(() => model.forward(ids, { training: true }), /rng: required when training with dropout > 0/);
    tf.dispose([ids, evalA, evalB, trainA, trainB, trainC]);
    model.dispose();
  });

  it('rejects sequences longer than nPositions and masks of the wrong shape', () => {
    const model = GPT.init(TINY, createRng(13));
    const ids = tf.zeros([1, 17], 'int32') as tf.Tensor2D;
    assert.throws(() => model.forward(ids), /17 positions .* exceed nPositions 16/);
    const short = tf.zeros([1, 4], 'int32') as tf.Tensor2D;
    const mask = tf.ones([1, 5]) as tf.Tensor2D;
    assert.throws(() => model.forward(short, { attentionMask: mask }), /attentionMask: shape \[1, 5\]; expected \[1, 4\]/);
    tf.dispose([ids, short, mask]);
    model.dispose();
  });

  it('builds from named tensors, rejecting missing, extra or misshapen ones by name', () => {
    const model = GPT.init(TINY, createRng(14));
    const copy = GPT.fromTensors(TINY, model.namedWeights());
    const ids = randomIds(2, 5, TINY.vocabSize, createRng(15));
    const a = model.forward(ids).logits!;
    const b = copy.forward(ids).logits!;
    assert.equal(maxAbsDiff(a, b), 0);
    const missing = new Map(model.namedWeights());
    missing.delete('h.1.ln_2.bias');
    assert.throws(() => GPT.fromTensors(TINY, missing), /'h.1.ln_2.bias' is missing/);
    const extra = new Map<string, tf.Tensor>(model.namedWeights());
    const stray = tf.zeros([2]);
    extra.set('h.9.ln_2.bias', stray);
    assert.throws(() => GPT.fromTensors(TINY, extra), /unexpected tensor 'h.9.ln_2.bias'/);
    const wrong = new Map<string, tf.Tensor>(model.namedWeights());
    const bad = tf.zeros([32, 95]);
    wrong.set('h.0.attn.c_attn.weight', bad);
    assert.throws(() => GPT.fromTensors(TINY, wrong), /'h.0.attn.c_attn.weight' has shape \[32, 95\]; expected \[32, 96\]/);
    tf.dispose([ids, a, b, stray, bad]);
    copy.dispose();
    model.dispose();
  });

  it('makes frozen copies that keep their values when the original trains', () => {
    const model = GPT.init(TINY, createRng(16));
    const frozen = model.copy(false);
    assert.equal(frozen.trainableVariables.length, 0);
    const before = frozen.namedWeights().get('wte.weight')!.clone();
    model.namedWeights().get('wte.weight')!.assign(tf.zeros([13, 32]));
    assert.equal(maxAbsDiff(frozen.namedWeights().get('wte.weight')!, before), 0);
    before.dispose();
    frozen.dispose();
    model.dispose();
  });

  it('keeps tf.memory().numTensors flat over training steps (forward + backward + Adam in one tidy)', () => {
    const model = GPT.init(TINY, createRng(17));
    const ids = randomIds(4, 8, TINY.vocabSize, createRng(18));
    const targets = tf.oneHot(ids, TINY.vocabSize);
    const optimizer = tf.train.adam(1e-3);
    const rng = createRng(19);
    const losses: number[] = [];
    const step = () =>
      tf.tidy(() => {
        const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(targets, model.forward(ids, { training: true }, rng).logits!) as tf.Scalar, true, model.trainableVariables);
        losses.push(loss!.dataSync()[0]);
      });
    step(); // Adam creates its moment variables on the first step
    const start = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    assert.equal(tf.memory().numTensors, start);
    assert.ok(losses[losses.length - 1] < losses[0], `loss went from ${losses[0]} to ${losses[losses.length - 1]}`);
    optimizer.dispose();
    tf.dispose([ids, targets]);
    model.dispose();
  });
});
