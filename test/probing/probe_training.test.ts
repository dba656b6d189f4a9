import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { TOY_PROBE_CONFIG, createProbeEncoder, type ProbeEncoderConfig } from '../../src/models/probe_encoder';
import { onlineCodelength } from '../../src/probing/online_code';
import {
  TOY_PROBE_TRAINING,
  evaluateClassifier,
  neuralProbe,
  tokenizedSet,
  trainClassifier,
  type ProbeTrainingConfig,
  type TrainableClassifier,
} from '../../src/probing/probe_training';
import { createRng, type Rng } from '../../src/util/rng';
import { GPT } from '../../src/models/gpt';
import { ClassificationHead, GPTClassifier } from '../../src/models/heads';
import { TINY } from '../models/tiny_models';

/** A width-16, 1-layer probe without dropout: learns contains-1 in a second or two on wasm. */
const tiny: ProbeEncoderConfig = { ...TOY_PROBE_CONFIG, dModel: 16, nHead: 2, dFF: 32, nLayer: 1, dropout: 0, headDropout: 0, head: 'linear' };
const fast = (epochs: number, learningRate: number): ProbeTrainingConfig => ({ epochs, batchSize: 64, learningRate, evalBatchSize: 256 });

interface Seq {
  ids: number[];
  label: number;
}

/** N sequences of 10 symbols from 0..9; label = contains symbol 1, or a coin flip independent of the input. */
function toySet(n: number, labelRule: 'contains-1' | 'random', rng: Rng): Seq[] {
  return Array.from({ length: n }, () => {
    const ids = Array.from({ length: 10 }, () => rng.int(10));
    return { ids, label: labelRule === 'random' ? rng.int(2) : ids.includes(1) ? 1 : 0 };
  });
}

const probeOf = (cfg: ProbeEncoderConfig, training: ProbeTrainingConfig) =>
  neuralProbe<Seq>({ buildModel: (r) => createProbeEncoder(cfg, r), toIds: (e) => e.ids, training });

/** A classifier with fixed logits [0, ln 3]: p(label 1) = 3/4 for every input. */
function constantClassifier(): TrainableClassifier {
  return {
    logits: (ids) => tf.tidy(() => tf.tile(tf.tensor2d([[0, Math.log(3)]]), [ids.shape[0], 1]) as tf.Tensor2D),
    trainableVariables: [],
    dispose: () => undefined,
  };
}

describe('probe training', () => {
  before(async () => {
    await initBackend();
  });

  it('pins the toy training settings: 10 epochs, batch 64, Adam 1e-4', () => {
    assert.deepEqual({ ...TOY_PROBE_TRAINING }, { epochs: 10, batchSize: 64, learningRate: 1e-4, evalBatchSize: 256 });
  });

  it('packs rows row-major and rejects ragged rows and bad ids', () => {
    const set = tokenizedSet([[1, 2], [3, 4]], [0, 1]);
    assert.deepEqual(Array.from(set.ids), [1, 2, 3, 4]);
    assert.equal(set.seqLen, 2);
    assert.throws(() => tokenizedSet([[1, 2], [3]], [0, 1]), { message: 'rows[1]: has 1 tokens; expected 2 like rows[0] (no padding)' });
    assert.throws(() => tokenizedSet([[1, -2]], [0]), { message: 'rows[0][1]: -2 is not a token id; expected an integer >= 0' });
  });

  it('scores -log2 p(y|x) in bits and argmax accuracy per example (p(1) = 3/4)', async () => {
    const data = tokenizedSet([[1], [2], [3]], [1, 0, 1]);
    const s = await evaluateClassifier(constantClassifier(), data, 2);
    const want = [Math.log2(4 / 3), 2, Math.log2(4 / 3)];
    s.exampleBits.forEach((b, i) => assert.ok(Math.abs(b - want[i]) < 1e-6, `example ${i}: ${b} vs ${want[i]}`));
    assert.deepEqual(s.correct, [true, false, true]);
  });

  it('lowers the training loss on a learnable feature and leaks no tensors across steps', async () => {
    const rng = createRng(1);
    const data = toySet(256, 'contains-1', rng.child('data'));
    const model = createProbeEncoder(tiny, rng.child('model'));
    const before = tf.memory().numTensors;
    const { lossNatsPerEpoch } = await trainClassifier(model, tokenizedSet(data.map((e) => e.ids), data.map((e) => e.label)), fast(6, 1e-2), rng.child('train'));
    assert.equal(tf.memory().numTensors, before, 'tensors after training');
    model.dispose();
    assert.equal(lossNatsPerEpoch.length, 6);
    assert.ok(lossNatsPerEpoch[5] < 0.5 * lossNatsPerEpoch[0], `losses ${lossNatsPerEpoch.map((l) => l.toFixed(3)).join(' ')}`);
  });

  it('codes labels independent of the input in about N bits (N = 300)', async () => {
    const rng = createRng(11);
    const r = await onlineCodelength(toySet(300, 'random', rng.child('data')), probeOf(tiny, fast(3, 3e-3)), { nClasses: 2 }, rng.child('mdl'));
    // no feature to learn: the probe can only match the uniform code or overfit a little
    assert.ok(r.codelengthBits > 0.9 * 300 && r.codelengthBits < 1.25 * 300, `codelength ${r.codelengthBits}`);
    assert.ok(r.compression < 1.11, `compression ${r.compression}`);
  });

  it('codes a feature the probe learns (label = symbol 1 occurs) far below N bits', async () => {
    const rng = createRng(11);
    const r = await onlineCodelength(toySet(500, 'contains-1', rng.child('data')), probeOf(tiny, fast(10, 1e-2)), { nClasses: 2 }, rng.child('mdl'));
    assert.ok(r.codelengthBits < 0.4 * 500, `codelength ${r.codelengthBits}`);
    assert.ok(r.compression > 2.5, `compression ${r.compression}`);
    assert.ok((r.blocks[10].accuracy as number) >= 0.95, `last block accuracy ${r.blocks[10].accuracy}`);
  });

  it('gives identical results for the same seed and different ones for another seed', async () => {
    const data = toySet(120, 'contains-1', createRng(0));
    const run = (seed: number) => onlineCodelength(data, probeOf({ ...tiny, dropout: 0.1 }, fast(2, 3e-3)), { nClasses: 2 }, createRng(seed));
    const a = await run(1);
    assert.deepEqual(await run(1), a);
    assert.notEqual((await run(2)).codelengthBits, a.codelengthBits);
  });

  it('keeps tf.memory().numTensors flat across blocks', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await onlineCodelength(toySet(150, 'contains-1', createRng(3)), probeOf({ ...tiny, dropout: 0.1, head: 'dense-tanh', headDropout: 0.5 }, fast(1, 1e-3)), {
      nClasses: 2,
      onBlock: () => counts.push(tf.memory().numTensors),
    }, createRng(4));
    assert.deepEqual(counts, counts.map(() => before));
  });

  it('left-pads rows of different lengths with padId and stores a 0/1 mask of the real tokens', () => {
    const set = tokenizedSet([[5, 6, 7], [8], [9, 10]], [1, 0, 1], 0);
    assert.equal(set.seqLen, 3);
    assert.deepEqual(Array.from(set.ids), [5, 6, 7, 0, 0, 8, 0, 9, 10]);
    assert.deepEqual(Array.from(set.attentionMask as Float32Array), [1, 1, 1, 0, 0, 1, 0, 1, 1]);
    assert.equal(tokenizedSet([[1, 2], [3, 4]], [0, 1]).attentionMask, undefined, 'no mask without padId');
    assert.throws(() => tokenizedSet([[1], []], [0, 1], 0), { message: 'rows[1]: has 0 tokens; expected at least 1 real token per row' });
    assert.throws(() => tokenizedSet([[1]], [0], -1), { message: 'padId: -1 is not a token id; expected an integer >= 0' });
  });

  it("passes the mask batch to the model only for a padded set, row for row", async () => {
    const seen: (number[][] | undefined)[] = [];
    const recorder: TrainableClassifier = {
      logits: (ids, _training, mask) => {
        seen.push(mask ? (mask.arraySync() as number[][]) : undefined);
        return tf.zeros([ids.shape[0], 2]) as tf.Tensor2D;
      },
      trainableVariables: [],
      dispose: () => undefined,
    };
    await evaluateClassifier(recorder, tokenizedSet([[1, 2], [3]], [0, 1], 0), 8);
    await evaluateClassifier(recorder, tokenizedSet([[1, 2], [3, 4]], [0, 1]), 8);
    assert.deepEqual(seen, [[[1, 1], [0, 1]], undefined]);
  });

  it("gives a GPT classifier's left-padded row the logits of the unpadded row (1e-5)", async () => {
    const rng = createRng(5);
    const clf = new GPTClassifier(GPT.init(TINY, rng.child('trunk')), ClassificationHead.init(TINY.dModel, 2, rng.child('head')));
    const model: TrainableClassifier = { logits: (ids, training, mask) => clf.forward(ids, mask, training), trainableVariables: clf.trainableVariables, dispose: () => clf.dispose() };
    const rows = [[3, 4, 5, 6, 7, 8], [9, 10], [11, 1, 2, 12]];
    const padded = await evaluateClassifier(model, tokenizedSet(rows, [1, 0, 1], 0), 8);
    for (let i = 0; i < rows.length; i++) {
      const alone = await evaluateClassifier(model, tokenizedSet([rows[i]], [[1, 0, 1][i]]), 8);
      assert.ok(Math.abs(padded.exampleBits[i] - alone.exampleBits[0]) < 1e-5, `row ${i}: ${padded.exampleBits[i]} vs ${alone.exampleBits[0]}`);
      const direct = tf.tidy(() => {
        const a = clf.forward(tf.tensor2d([rows[i]], undefined, 'int32')).arraySync() as number[][];
        const b = clf.forward(tf.tensor2d([[...Array(6 - rows[i].length).fill(0), ...rows[i]]], undefined, 'int32'), tf.tensor2d([[...Array(6 - rows[i].length).fill(0), ...rows[i].map(() => 1)]])).arraySync() as number[][];
        return [a[0], b[0]];
      });
      direct[0].forEach((x, k) => assert.ok(Math.abs(x - direct[1][k]) < 1e-5, `row ${i} logit ${k}: ${x} vs ${direct[1][k]}`));
    }
    model.dispose();
  });

  it('decays every weight by (1 - lr * weightDecay) per step with AdamW; a weight without gradient only decays', async () => {
    const w = tf.variable(tf.tensor1d([2, -4]), true); // unused by the logits: zero gradient, so the Adam step leaves it alone
    const b = tf.variable(tf.tensor1d([0, 0]), true);
    const model: TrainableClassifier = {
      logits: (ids) => tf.tile(b.reshape([1, 2]), [ids.shape[0], 1]) as tf.Tensor2D,
      trainableVariables: [w, b],
      dispose: () => undefined,
    };
    const data = tokenizedSet([[1], [2], [3]], [1, 1, 0]);
    await trainClassifier(model, data, { epochs: 2, batchSize: 2, learningRate: 0.1, weightDecay: 0.5 }, createRng(0)); // 4 steps
    const got = Array.from(w.dataSync());
    const factor = Math.pow(1 - 0.1 * 0.5, 4);
    [2 * factor, -4 * factor].forEach((want, i) => assert.ok(Math.abs(got[i] - want) < 1e-6, `w[${i}]: ${got[i]} vs ${want}`));
    const plain = tf.variable(tf.tensor1d([2, -4]), true);
    await trainClassifier({ ...model, trainableVariables: [plain, b] }, data, { epochs: 2, batchSize: 2, learningRate: 0.1 }, createRng(0));
    assert.deepEqual(Array.from(plain.dataSync()), [2, -4], 'Adam without weight decay leaves it unchanged');
    for (const v of [w, b, plain]) v.dispose();
  });
});
